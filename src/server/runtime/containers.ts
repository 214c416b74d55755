/**
 * Containers as the agents last reported them. Each inventory report replaces the host's list (a
 * container that is gone disappears). On read, each container is joined with the image the server
 * knows by digest: a registry digest (`name@sha256:…` → `images.digest`) or, for images built or
 * loaded locally, the image ID (`images.config_digest`), to show its scan and signature status.
 */
import type { Kysely } from 'kysely';
import type { Image, StoreSchema } from '../../store/index.js';
import type { InventoryBody } from './agent-bodies.js';
import { upsertHost } from './hosts.js';

type Db = Kysely<StoreSchema>;
const CHUNK = 100;

/** `repo@sha256:…` → `sha256:…`; a bare digest or id stays as it is. */
export function bareDigest(reference: string | undefined): string {
  if (!reference) return '';
  const at = reference.lastIndexOf('@');
  return at >= 0 ? reference.slice(at + 1) : reference;
}

export async function replaceContainers(db: Db, report: InventoryBody, now = new Date()): Promise<number> {
  await upsertHost(db, report.host, now);
  const seen = now.toISOString();
  // one container id may be listed twice in a racy inventory: keep the last
  const unique = [...new Map(report.containers.map((c) => [c.id, c])).values()];
  const rows = unique.map((c) => ({
    host_id: report.host.id,
    container_id: c.id,
    name: c.name,
    image: c.image,
    image_digest: bareDigest(c.imageDigest ?? c.imageId),
    state: c.state ?? 'unknown',
    started_at: c.startedAt ?? null,
    last_seen: seen,
    fact: JSON.stringify(c),
  }));
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('containers').where('host_id', '=', report.host.id).execute();
    for (let i = 0; i < rows.length; i += CHUNK) await tx.insertInto('containers').values(rows.slice(i, i + CHUNK)).execute();
  });
  return rows.length;
}

export interface ContainerView {
  hostId: string;
  hostName: string;
  id: string;
  name: string;
  image: string;
  imageDigest: string;
  state: string;
  startedAt: string | null;
  lastSeen: string;
  /** The server's record of the image, when it has scanned it. */
  scan: {
    status: 'scanned' | 'not-scanned';
    digest?: string;
    worstSeverity?: string | null;
    counts?: Record<string, number>;
    lastScannedAt?: string | null;
  };
  signatureStatus: string;
  policyStatus: string;
  fact: Record<string, unknown>;
}

export interface ContainerFilter {
  host?: string;
  image?: string;
}

export async function listContainersWithImages(db: Db, filter: ContainerFilter = {}): Promise<ContainerView[]> {
  let query = db
    .selectFrom('containers')
    .innerJoin('hosts', 'hosts.id', 'containers.host_id')
    .selectAll('containers')
    .select('hosts.name as host_name');
  if (filter.host) query = query.where((eb) => eb.or([eb('containers.host_id', '=', filter.host!), eb('hosts.name', '=', filter.host!)]));
  if (filter.image) query = query.where('containers.image', '=', filter.image);
  const rows = await query.orderBy('hosts.name').orderBy('containers.name').execute();

  const facts = rows.map((r) => JSON.parse(r.fact) as Record<string, unknown>);
  const digests = [...new Set(rows.map((r) => r.image_digest).filter((d) => d !== ''))];
  const ids = [...new Set(facts.map((f) => bareDigest(f['imageId'] as string | undefined)).filter((d) => d !== ''))];
  const byDigest = new Map<string, Image>();
  const byConfig = new Map<string, Image>();
  for (let i = 0; i < Math.max(digests.length, ids.length); i += CHUNK) {
    const d = digests.slice(i, i + CHUNK);
    const c = ids.slice(i, i + CHUNK);
    if (d.length === 0 && c.length === 0) continue;
    const images = await db
      .selectFrom('images')
      .selectAll()
      .where((eb) => eb.or([...(d.length ? [eb('digest', 'in', d)] : []), ...(c.length ? [eb('config_digest', 'in', c)] : [])]))
      .execute();
    for (const image of images) {
      byDigest.set(image.digest, image);
      if (image.config_digest) byConfig.set(image.config_digest, image);
    }
  }

  return rows.map((r, i) => {
    const fact = facts[i]!;
    const image = byDigest.get(r.image_digest) ?? byConfig.get(r.image_digest) ?? byConfig.get(bareDigest(fact['imageId'] as string | undefined));
    return {
      hostId: r.host_id,
      hostName: r.host_name,
      id: r.container_id,
      name: r.name,
      image: r.image,
      imageDigest: r.image_digest,
      state: r.state,
      startedAt: r.started_at,
      lastSeen: r.last_seen,
      scan: image
        ? {
            status: image.last_scanned_at ? 'scanned' : 'not-scanned',
            digest: image.digest,
            worstSeverity: image.worst_severity,
            counts: JSON.parse(image.counts) as Record<string, number>,
            lastScannedAt: image.last_scanned_at,
          }
        : { status: 'not-scanned' },
      signatureStatus: image?.signature_status ?? 'unknown',
      policyStatus: image?.policy_status ?? 'unknown',
      fact,
    };
  });
}
