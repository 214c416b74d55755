/**
 * Registry push notifications in the Docker Distribution format (distribution
 * `docs/notifications.md`, "Envelope"): `{"events": [{action, target: {mediaType, digest,
 * repository, url, tag}, request: {host}}]}` sent with the media type
 * `application/vnd.docker.distribution.events.v1+json`. Only pushes of manifests are scans to make:
 * pulls (our own scans pull too) and blob pushes are ignored, so a scan never triggers another.
 */
import { z } from 'zod';
import type { Registry } from '../../store/index.js';
import { MEDIA_TYPES } from '../../image/registry/index.js';

export const NOTIFICATION_MEDIA_TYPE = /^application\/vnd\.docker\.distribution\.events\.v\d+\+json/u;

const eventSchema = z.object({
  action: z.string(),
  target: z
    .object({
      mediaType: z.string().optional(),
      digest: z.string().optional(),
      repository: z.string().optional(),
      url: z.string().optional(),
      tag: z.string().optional(),
    })
    .passthrough()
    .optional(),
  request: z.object({ host: z.string().optional() }).passthrough().optional(),
}).passthrough();

export const envelopeSchema = z.object({ events: z.array(eventSchema).max(10_000) }).passthrough();
export type NotificationEnvelope = z.infer<typeof envelopeSchema>;

const MANIFEST_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);

export interface PushedManifest {
  registry: Pick<Registry, 'id' | 'url' | 'username' | 'secret_enc' | 'repositories'>;
  repository: string;
  digest: string;
  tags: string[];
}

export interface SortedEvents {
  pushes: PushedManifest[];
  /** Events that are not manifest pushes (pulls, blobs, deletes). */
  ignored: number;
  /** Manifest pushes from a registry that is not configured. */
  unknownRegistry: number;
}

/**
 * Picks the manifest pushes and matches each to a configured registry by the host the pusher used
 * (`request.host`) or the host of `target.url`. Pushes of one digest to one repository are merged.
 */
export function manifestPushes(envelope: NotificationEnvelope, registries: PushedManifest['registry'][]): SortedEvents {
  const out: SortedEvents = { pushes: [], ignored: 0, unknownRegistry: 0 };
  const byHost = new Map(registries.map((r) => [new URL(r.url).host.toLowerCase(), r]));
  for (const event of envelope.events) {
    const target = event.target;
    if (event.action !== 'push' || !target?.digest || !target.repository || !target.mediaType || !MANIFEST_TYPES.has(target.mediaType.split(';')[0]!.trim())) {
      out.ignored++;
      continue;
    }
    const hosts = [event.request?.host, hostOf(target.url)].filter((h): h is string => !!h).map((h) => h.toLowerCase());
    const registry = hosts.map((h) => byHost.get(h)).find((r) => r !== undefined);
    if (!registry) {
      out.unknownRegistry++;
      continue;
    }
    const existing = out.pushes.find((p) => p.registry.id === registry.id && p.repository === target.repository && p.digest === target.digest);
    const tags = target.tag ? [target.tag] : [];
    if (existing) existing.tags.push(...tags.filter((t) => !existing.tags.includes(t)));
    else out.pushes.push({ registry, repository: target.repository, digest: target.digest, tags });
  }
  return out;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
