/**
 * Raises alerts: stores each one in the `alerts` table first (so it is visible even when no channel
 * answers), then delivers it to every configured channel in the background, never blocking the
 * caller (the re-match goes on), and records the outcome per channel in `alerts.delivery`.
 * Channel labels name the kind and host only: a Slack webhook URL's path is itself a secret.
 */
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../store/index.js';
import type { AlertTargets } from '../context.js';
import { newVulnerabilityAlert, type Alert } from './alert.js';
import { postJson, withRetry, type DeliveryOutcome, type RetryOptions } from './deliver.js';
import { emailMessage } from './email-message.js';
import { slackPayload } from './slack-payload.js';
import { sendMail } from './smtp-client.js';
import type { Finding } from '../../findings/types.js';

export interface AlerterOptions {
  db: Kysely<StoreSchema>;
  targets: AlertTargets;
  /** The server's public URL, to make dashboard links absolute in Slack and email. */
  baseUrl?: string;
  retry?: RetryOptions;
  onWarning?: (message: string) => void;
}

interface Channel {
  label: string;
  send(alert: Alert): Promise<number | undefined>;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

export class Alerter {
  private readonly channels: Channel[];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: AlerterOptions) {
    const { targets, baseUrl } = options;
    this.channels = [
      ...targets.webhooks.map((url, i) => ({ label: `webhook#${i + 1} ${hostOf(url)}`, send: (a: Alert) => postJson(url, a) })),
      ...targets.slack.map((url, i) => ({ label: `slack#${i + 1} ${hostOf(url)}`, send: (a: Alert) => postJson(url, slackPayload(a, baseUrl)) })),
      ...(targets.smtp ? [smtpChannel(targets.smtp, baseUrl)] : []),
    ];
  }

  channelLabels(): string[] {
    return this.channels.map((c) => c.label);
  }

  /** Stores the alert and starts its delivery; resolves once stored (delivery goes on). */
  async raise(alert: Alert): Promise<Alert> {
    const delivery = Object.fromEntries(this.channels.map((c) => [c.label, { ok: false, attempts: 0, pending: true }]));
    await this.options.db
      .insertInto('alerts')
      .values({ id: alert.id, time: alert.time, kind: alert.kind, image_digest: alert.image?.digest ?? null, title: alert.title.slice(0, 500), details: JSON.stringify(alertDocument(alert)), delivery: JSON.stringify(delivery) })
      .execute();
    if (this.channels.length) {
      const job = this.deliver(alert).catch((e: unknown) => this.options.onWarning?.(`alert ${alert.id}: recording its delivery failed: ${(e as Error).message}`));
      this.pending.add(job);
      void job.finally(() => this.pending.delete(job));
    }
    return alert;
  }

  /** A new-vulnerability alert for an image (its current tags looked up), raised. */
  async newVulnerabilities(image: { digest: string; repository: string }, findings: Finding[]): Promise<Alert> {
    const tags = (await this.options.db.selectFrom('image_tags').select('tag').where('digest', '=', image.digest).orderBy('tag').execute()).map((t) => t.tag);
    return this.raise(newVulnerabilityAlert({ ...image, tags }, findings));
  }

  /** Resolves when every delivery started so far has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private async deliver(alert: Alert): Promise<void> {
    const outcomes: Record<string, DeliveryOutcome> = {};
    await Promise.all(
      this.channels.map(async (c) => {
        outcomes[c.label] = await withRetry(() => c.send(alert), this.options.retry);
        if (!outcomes[c.label]!.ok) this.options.onWarning?.(`alert ${alert.id}: delivery to ${c.label} failed after ${outcomes[c.label]!.attempts} attempt(s): ${outcomes[c.label]!.error}`);
      }),
    );
    await this.options.db.updateTable('alerts').set({ delivery: JSON.stringify(outcomes) }).where('id', '=', alert.id).execute();
  }
}

/** What the `details` column keeps: everything but the columns stored apart. */
function alertDocument(alert: Alert): Record<string, unknown> {
  return { ...alert.details, ...(alert.image ? { image: alert.image } : {}), ...(alert.link ? { link: alert.link } : {}) };
}

function smtpChannel(smtp: NonNullable<AlertTargets['smtp']>, baseUrl: string | undefined): Channel {
  return {
    label: `smtp ${hostOf(smtp.url)}`,
    send: async (alert) => {
      await sendMail({ url: smtp.url, from: smtp.from, to: smtp.to, message: emailMessage(alert, smtp, baseUrl) });
      return undefined;
    },
  };
}

/** An alert row as the API returns it: the same shape the webhook received. */
export function alertFromRow(row: { id: string; time: string; kind: string; image_digest: string | null; title: string; details: string; delivery: string }): Alert & { delivery: unknown } {
  const doc = JSON.parse(row.details) as Record<string, unknown> & { image?: Alert['image']; link?: string };
  const { image, link, ...details } = doc;
  return { id: row.id, time: row.time, kind: row.kind as Alert['kind'], title: row.title, ...(image ? { image } : {}), details, ...(link ? { link } : {}), delivery: JSON.parse(row.delivery) as unknown };
}
