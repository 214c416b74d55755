import type { SecretRule } from '../types.js';
import { named, prefixed } from './define.js';

/** Messaging, payment, e-mail, monitoring and AI services, from each provider's documented format. */
export const SERVICE_RULES: SecretRule[] = [
  // https://api.slack.com/authentication/token-types
  prefixed('slack-bot-token', 'Slack bot token', 'high', ['xoxb-'], 'xoxb-[0-9]{8,13}-[0-9]{8,13}-[A-Za-z0-9]{20,32}'),
  prefixed('slack-user-token', 'Slack user token', 'high', ['xoxp-'], 'xoxp-[0-9]{8,13}-[0-9]{8,13}-[0-9]{8,13}-[a-f0-9]{28,32}'),
  prefixed('slack-legacy-token', 'Slack workspace, legacy or refresh token', 'high', ['xoxa-', 'xoxr-', 'xoxs-', 'xoxe-', 'xoxe.'],
    'xox(?:[ars]|e\\.xox[bp])-[0-9A-Za-z-]{20,}|xoxe-\\d-[A-Za-z0-9-]{20,}'),
  prefixed('slack-app-token', 'Slack app-level token', 'high', ['xapp-'], 'xapp-\\d-[A-Z0-9]{9,12}-\\d{10,14}-[a-f0-9]{60,64}'),
  // https://api.slack.com/messaging/webhooks
  prefixed('slack-webhook', 'Slack incoming webhook URL', 'high', ['hooks.slack.com'],
    'https://hooks\\.slack\\.com/(?:services|workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[A-Za-z0-9]{20,32}', { entropy: 0 }),
  // https://stripe.com/docs/keys: live secret (sk_live_) and restricted (rk_live_) keys.
  prefixed('stripe-secret-key', 'Stripe live secret key', 'critical', ['sk_live_'], 'sk_live_[A-Za-z0-9]{24,247}'),
  prefixed('stripe-restricted-key', 'Stripe live restricted key', 'critical', ['rk_live_'], 'rk_live_[A-Za-z0-9]{24,247}'),
  prefixed('stripe-webhook-secret', 'Stripe webhook signing secret', 'high', ['whsec_'], 'whsec_[A-Za-z0-9+/=]{32,}'),
  // https://www.twilio.com/docs/glossary/what-is-a-sid: API key SIDs are SK + 32 hex.
  // The keywords are `SK` and the first hex digit: the prefilter needs three characters.
  prefixed('twilio-api-key', 'Twilio API key SID', 'high', [...'0123456789abcdef'].map((d) => `sk${d}`), 'SK[0-9a-fA-F]{32}', { before: 4 }),
  // Account SIDs (AC + 32 hex) with the 32-hex auth token, both by name (the SID alone is not secret).
  named('twilio-auth-token', 'Twilio auth token', 'high', ['twilio'], 'twilio[A-Za-z0-9_.-]{0,20}(?:auth|token|secret)', '[a-f0-9]{32}'),
  // https://docs.sendgrid.com/ui/account-and-settings/api-keys: SG.<22>.<43>.
  prefixed('sendgrid-api-key', 'SendGrid API key', 'high', ['sg.'], 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}', { before: 4 }),
  // Brevo (Sendinblue) API keys.
  prefixed('brevo-api-key', 'Brevo (Sendinblue) API key', 'high', ['xkeysib-'], 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}'),
  // https://documentation.mailgun.com/: private API keys key-<32 hex>.
  prefixed('mailgun-api-key', 'Mailgun API key', 'high', ['key-'], 'key-[a-f0-9]{32}', { before: 4 }),
  // https://mailchimp.com/developer/marketing/guides/quick-start/: <32 hex>-us<datacenter>.
  prefixed('mailchimp-api-key', 'Mailchimp API key', 'high', ['-us'], '[a-f0-9]{32}-us[0-9]{1,2}', { before: 40 }),
  // https://shopify.dev/docs/apps/auth: shpat_ (admin), shpca_ (custom app), shppa_ (private app),
  // shpss_ (shared secret), each followed by 32 hex.
  prefixed('shopify-token', 'Shopify access token or shared secret', 'high', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}'),
  // https://developer.squareup.com/docs/build-basics/access-tokens
  prefixed('square-token', 'Square access token or OAuth secret', 'critical', ['sq0atp-', 'sq0csp-'], 'sq0(?:atp|csp)-[A-Za-z0-9_-]{22,43}'),
  prefixed('square-access-token', 'Square access token', 'critical', ['eaaa'], 'EAAA[A-Za-z0-9_-]{60}', { before: 4, entropy: 4 }),
  // Braintree (PayPal) access tokens: access_token$production$<merchant>$<32 hex>.
  prefixed('braintree-access-token', 'PayPal Braintree production access token', 'critical', ['access_token$production$'],
    'access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}'),
  // https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/
  prefixed('newrelic-api-key', 'New Relic user, insert or browser API key', 'high', ['nrak-', 'nrii-', 'nrjs-'], 'NR(?:AK|II|JS)-[A-Za-z0-9]{19,32}'),
  // Datadog API (32 hex) and application (40 hex) keys have no prefix: by name.
  named('datadog-api-key', 'Datadog API or application key', 'high', ['datadog', 'dd_api_key', 'dd_app_key', 'dd_application_key'],
    '(?:datadog|dd)_?(?:api|app|application)_?key', '[a-f0-9]{40}|[a-f0-9]{32}'),
  // https://docs.sentry.io/concepts/key-terms/dsn-explainer/: https://<public key>@<host>/<project>.
  {
    id: 'sentry-dsn',
    description: 'Sentry DSN (project key)',
    severity: 'medium',
    keywords: ['sentry.io'],
    regex: 'https?://([a-f0-9]{32})(?::[a-f0-9]{32})?@[a-z0-9.-]*sentry\\.io/\\d+',
    secretGroup: 1,
    before: 120,
  },
  // Sentry organisation (sntrys_) and user (sntryu_) auth tokens.
  prefixed('sentry-auth-token', 'Sentry auth token', 'high', ['sntrys_', 'sntryu_'], 'sntry[su]_[A-Za-z0-9+/=_]{40,}'),
  // Dynatrace API tokens: dt0c01.<24>.<64>.
  prefixed('dynatrace-token', 'Dynatrace API token', 'high', ['dt0c01.'], 'dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}'),
  // Grafana Cloud tokens (glc_, base64 JSON) and service account tokens (glsa_<32>_<8 hex>).
  prefixed('grafana-cloud-token', 'Grafana Cloud access policy token', 'high', ['glc_'], 'glc_[A-Za-z0-9+/]{32,400}={0,2}'),
  prefixed('grafana-service-account-token', 'Grafana service account token', 'high', ['glsa_'], 'glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}'),
  // https://discord.com/developers/docs/resources/webhook
  prefixed('discord-webhook', 'Discord webhook URL', 'high', ['/api/webhooks/'],
    'https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}', { before: 40 }),
  // Discord bot tokens: base64 user id, timestamp and HMAC, dot-separated; found by name.
  named('discord-bot-token', 'Discord bot token', 'high', ['discord'], 'discord[A-Za-z0-9_.-]{0,20}(?:token|secret|key)',
    '[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}'),
  // https://core.telegram.org/bots/api#authorizing-your-bot: <bot id>:<35 characters, starting AA>.
  prefixed('telegram-bot-token', 'Telegram bot token', 'high', [':aa'], '[0-9]{8,10}:AA[A-Za-z0-9_-]{33}', { before: 12 }),
  // OpenAI keys embed "T3BlbkFJ" (base64 of "OpenAI") between two random halves.
  prefixed('openai-api-key', 'OpenAI API key', 'high', ['t3blbkfj'], 'sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74}', { before: 100 }),
  // https://docs.anthropic.com/: sk-ant-api03- / sk-ant-admin01- keys, 93 characters then AA.
  prefixed('anthropic-api-key', 'Anthropic API key', 'high', ['sk-ant-'], 'sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA'),
  // https://huggingface.co/docs/hub/security-tokens: hf_ and 34 letters.
  prefixed('huggingface-token', 'Hugging Face access token', 'high', ['hf_'], 'hf_[A-Za-z]{34}', { entropy: 3.5 }),
  prefixed('groq-api-key', 'Groq API key', 'high', ['gsk_'], 'gsk_[A-Za-z0-9]{52}'),
  prefixed('perplexity-api-key', 'Perplexity API key', 'high', ['pplx-'], 'pplx-[A-Za-z0-9]{48}'),
  prefixed('xai-api-key', 'xAI API key', 'high', ['xai-'], 'xai-[A-Za-z0-9]{80}'),
  prefixed('replicate-api-token', 'Replicate API token', 'high', ['r8_'], 'r8_[A-Za-z0-9]{37}'),
  // Mapbox secret tokens: sk. + base64url JWT-like payload.
  prefixed('mapbox-secret-token', 'Mapbox secret access token', 'high', ['sk.eyj'], 'sk\\.eyJ1Ijoi[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{20,}'),
  // Notion integration tokens: ntn_ (since 2024) or secret_ with 43 characters.
  prefixed('notion-token', 'Notion integration token', 'high', ['ntn_', 'secret_'], '(?:ntn_[A-Za-z0-9]{46}|secret_[A-Za-z0-9]{43})', { entropy: 3.5 }),
];
