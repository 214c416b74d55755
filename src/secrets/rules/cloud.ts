import type { SecretRule } from '../types.js';
import { named, prefixed } from './define.js';

/**
 * Cloud providers and infrastructure services. Each pattern follows the provider's documented token
 * format (the link is next to the rule); cloud credentials are critical: they open whole accounts.
 */
export const CLOUD_RULES: SecretRule[] = [
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
  // Access key ids: AKIA (long-term), ASIA (STS), then 16 base32 characters.
  prefixed('aws-access-key-id', 'AWS access key ID', 'critical', ['akia', 'asia', 'abia', 'acca'], '(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}'),
  // The secret access key is 40 characters of base64 with no prefix: found by its name
  // (aws_secret_access_key in ~/.aws/credentials, AWS_SECRET_ACCESS_KEY, SecretAccessKey in JSON).
  named('aws-secret-access-key', 'AWS secret access key', 'critical', ['aws', 'secretaccesskey', 'secret_access_key'],
    '(?:aws[A-Za-z0-9_.-]{0,20}(?:secret|sk)|secret_?access_?key)', '[A-Za-z0-9/+]{40}', { entropy: 4 }),
  // https://cloud.google.com/iam/docs/keys-create-delete: a service account key file is JSON with
  // "type": "service_account" and a PKCS#8 "private_key".
  {
    id: 'gcp-service-account-key',
    description: 'Google Cloud service account key file',
    severity: 'critical',
    keywords: ['service_account'],
    regex: '"type"\\s*:\\s*"service_account"[\\s\\S]{0,4000}?"private_key"\\s*:\\s*"(-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\\\\\\s]{64,8000}?-----END PRIVATE KEY-----)',
    secretGroup: 1,
    after: 12000,
  },
  // https://cloud.google.com/docs/authentication/api-keys: "AIza" and 35 URL-safe characters.
  prefixed('gcp-api-key', 'Google API key', 'high', ['aiza'], 'AIza[0-9A-Za-z_-]{35}'),
  // OAuth client secrets issued since 2021 start with GOCSPX-.
  prefixed('gcp-oauth-client-secret', 'Google OAuth client secret', 'high', ['gocspx-'], 'GOCSPX-[A-Za-z0-9_-]{28}'),
  // https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string: the
  // account key is 64 bytes, base64 (86 characters and ==).
  {
    id: 'azure-storage-account-key',
    description: 'Azure storage account key (connection string AccountKey)',
    severity: 'critical',
    keywords: ['accountkey'],
    regex: 'AccountKey\\s*=\\s*([A-Za-z0-9+/]{86}==)',
    flags: 'i',
    secretGroup: 1,
    entropy: 4,
    placeholders: true,
  },
  // Service Bus / Event Hubs / IoT Hub connection strings: SharedAccessKey is 32 bytes, base64.
  {
    id: 'azure-shared-access-key',
    description: 'Azure connection string with a SharedAccessKey',
    severity: 'critical',
    keywords: ['sharedaccesskey='],
    regex: 'SharedAccessKey\\s*=\\s*([A-Za-z0-9+/]{42,43}=)',
    flags: 'i',
    secretGroup: 1,
    entropy: 4,
  },
  // https://learn.microsoft.com/rest/api/storageservices/create-service-sas: a SAS token is a query
  // string with a signed version `sv=YYYY-MM-DD` and the HMAC signature `sig=` (base64, URL-encoded).
  {
    id: 'azure-sas-token',
    description: 'Azure shared access signature (SAS) token',
    severity: 'critical',
    keywords: ['sv=20'],
    regex: 'sv=20\\d\\d-\\d\\d-\\d\\d&[A-Za-z0-9=&%:.,+_-]{0,400}?sig=([A-Za-z0-9%+/]{40,64}(?:%3D|=)?)',
    secretGroup: 1,
    entropy: 3.5,
    placeholders: true,
    after: 600,
  },
  // Entra ID (Azure AD) client secrets since 2022: three characters, a digit, `Q~`, then 31-34.
  prefixed('azure-client-secret', 'Azure AD (Entra ID) application client secret', 'critical',
    ['0q~', '1q~', '2q~', '3q~', '4q~', '5q~', '6q~', '7q~', '8q~', '9q~'],
    '[A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}', { before: 8, entropy: 3.5 }),
  // https://www.alibabacloud.com/help/ram: AccessKey ids start with LTAI.
  prefixed('alibaba-access-key-id', 'Alibaba Cloud AccessKey ID', 'critical', ['ltai'], 'LTAI[A-Za-z0-9]{12,20}', { entropy: 3.3 }),
  // https://www.tencentcloud.com/document/product/598: SecretId is AKID and 32 (older 36) characters.
  prefixed('tencent-secret-id', 'Tencent Cloud SecretId', 'critical', ['akid'], 'AKID[A-Za-z0-9]{32,36}', { entropy: 3.5 }),
  // https://docs.digitalocean.com/reference/api/: personal (dop_), OAuth (doo_), refresh (dor_) tokens.
  prefixed('digitalocean-token', 'DigitalOcean API token', 'critical', ['dop_v1_', 'doo_v1_', 'dor_v1_'], 'do[por]_v1_[a-f0-9]{64}'),
  // https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/: Origin CA keys.
  prefixed('cloudflare-origin-ca-key', 'Cloudflare Origin CA key', 'critical', ['v1.0-'], 'v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}'),
  // Cloudflare API tokens (40 characters) and global API keys (37 hex) have no prefix: by name.
  named('cloudflare-api-token', 'Cloudflare API token or global API key', 'critical', ['cloudflare', 'cf_api'],
    '(?:cloudflare|cf)_?(?:api)?_?(?:token|key)', '[A-Za-z0-9_-]{40}|[a-f0-9]{37}', { entropy: 3.5 }),
  // https://devcenter.heroku.com/articles/platform-api-reference#authentication: HRKU- tokens.
  prefixed('heroku-api-key', 'Heroku API key', 'critical', ['hrku-'], 'HRKU-[A-Za-z0-9_-]{60}'),
  // https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes: hvs. (service),
  // hvb. (batch), hvr. (recovery).
  prefixed('vault-token', 'HashiCorp Vault token', 'critical', ['hvs.', 'hvb.', 'hvr.'], 'hv[sbr]\\.[A-Za-z0-9_-]{24,}'),
  // Terraform Cloud / Enterprise API tokens: id, `.atlasv1.`, secret.
  prefixed('terraform-cloud-token', 'Terraform Cloud / HCP Terraform API token', 'critical', ['.atlasv1.'],
    '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}', { before: 20 }),
  // https://docs.databricks.com/dev-tools/auth/pat.html: dapi and 32 hex (optional -N suffix).
  prefixed('databricks-token', 'Databricks personal access token', 'critical', ['dapi'], 'dapi[a-f0-9]{32}(?:-\\d)?'),
  // https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/: pul- and 40 hex.
  prefixed('pulumi-access-token', 'Pulumi access token', 'critical', ['pul-'], 'pul-[a-f0-9]{40}'),
  // https://docs.doppler.com/reference/auth-token-formats: dp.<kind>.<40-44 characters>.
  prefixed('doppler-token', 'Doppler token', 'critical', ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'],
    'dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}'),
  // Okta API tokens: 42 characters starting with 00, no prefix of their own: by name.
  named('okta-api-token', 'Okta API token', 'critical', ['okta'], 'okta[A-Za-z0-9_.-]{0,20}(?:token|key|secret)', '00[A-Za-z0-9_-]{40}', { entropy: 3.5 }),
  // JFrog Artifactory API keys (AKCp) and reference tokens (base64 of "reftkn").
  prefixed('artifactory-api-key', 'JFrog Artifactory API key', 'critical', ['akcp'], 'AKCp[A-Za-z0-9]{69}'),
  prefixed('artifactory-reference-token', 'JFrog Artifactory reference token', 'critical', ['cmvmdgtu'], 'cmVmdGtu[A-Za-z0-9]{56}'),
  // https://tailscale.com/kb/1085/auth-keys: tskey-<kind>-<id>-<secret>.
  prefixed('tailscale-key', 'Tailscale auth or API key', 'critical', ['tskey-'], 'tskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{10,}-[A-Za-z0-9]{20,}'),
  // Supabase personal access tokens: sbp_ and 40 hex.
  prefixed('supabase-token', 'Supabase access token', 'critical', ['sbp_'], 'sbp_[a-f0-9]{40}'),
  // Fly.io macaroon tokens: `FlyV1 fm2_...`.
  prefixed('flyio-token', 'Fly.io access token', 'critical', ['fm2_'], 'fm2_[A-Za-z0-9+/=_-]{100,}'),
  // PlanetScale service tokens and passwords.
  prefixed('planetscale-token', 'PlanetScale token or password', 'critical', ['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_'],
    'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}'),
  // Netlify personal access tokens: nfp_.
  prefixed('netlify-token', 'Netlify access token', 'high', ['nfp_'], 'nfp_[A-Za-z0-9]{36}'),
];
