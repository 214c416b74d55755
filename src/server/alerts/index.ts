/** Alerts: stored, then delivered to webhooks, Slack-compatible webhooks and SMTP email. */
export { Alerter, alertFromRow, type AlerterOptions } from './alerter.js';
export { newVulnerabilityAlert, testAlert, imageLink, type Alert, type AlertKind, type AlertImage, type AlertVulnerability } from './alert.js';
export { slackPayload, slackEscape, SLACK_MAX_BLOCKS } from './slack-payload.js';
export { emailMessage, emailBody } from './email-message.js';
export { sendMail, dataPayload } from './smtp-client.js';
export { withRetry, postJson, type DeliveryOutcome } from './deliver.js';
