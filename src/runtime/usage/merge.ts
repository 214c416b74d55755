/**
 * Merging usage: what one agent run gathered for an image (a delta) into the stored record. Pure.
 * Counts add up; containers are merged by id (earliest first sighting, latest last); observed seconds
 * add up, because the agent counts them as the union of running intervals within its own run and two
 * runs of the agent never overlap in time. `sources` keeps the weakest: a flag stays true only when
 * every contributing window had it, and `procfs` wins over `bpftrace`, so the record never claims more
 * coverage than it had.
 */
import type { UsageRecord } from './types.js';

export type UsageDelta = Omit<UsageRecord, 'schema'>;

type Counts = Record<string, number>;

function addCounts(a: Counts | undefined, b: Counts | undefined): Counts {
  const out: Counts = { ...(a ?? {}) };
  for (const [k, n] of Object.entries(b ?? {})) out[k] = (out[k] ?? 0) + n;
  return sortKeys(out);
}

function sortKeys(counts: Counts): Counts {
  return Object.fromEntries(Object.entries(counts).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

const min = (a: string, b: string): string => (a <= b ? a : b);
const max = (a: string, b: string): string => (a >= b ? a : b);

export function mergeUsage(base: UsageRecord | undefined, delta: UsageDelta): UsageRecord {
  if (!base) return { schema: 1, ...delta, executables: sortKeys(delta.executables), libraries: sortKeys(delta.libraries), filesRead: sortKeys(delta.filesRead), capabilities: sortKeys(delta.capabilities), ...(delta.syscalls ? { syscalls: sortKeys(delta.syscalls) } : {}), containers: [...delta.containers], sources: { ...delta.sources } };
  const containers = new Map(base.containers.map((c) => [c.id, { ...c }]));
  for (const c of delta.containers) {
    const known = containers.get(c.id);
    if (!known) containers.set(c.id, { ...c });
    else containers.set(c.id, { id: c.id, name: c.name || known.name, firstSeen: min(known.firstSeen, c.firstSeen), lastSeen: max(known.lastSeen, c.lastSeen) });
  }
  const repoDigests = [...new Set([...(base.repoDigests ?? []), ...(delta.repoDigests ?? [])])];
  const record: UsageRecord = {
    schema: 1,
    image: delta.image || base.image,
    imageId: base.imageId,
    ...(repoDigests.length > 0 ? { repoDigests } : {}),
    firstSeen: min(base.firstSeen, delta.firstSeen),
    lastSeen: max(base.lastSeen, delta.lastSeen),
    observedSeconds: Math.round((base.observedSeconds + delta.observedSeconds) * 1000) / 1000,
    containers: [...containers.values()].sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : a.id < b.id ? -1 : 1)),
    executables: addCounts(base.executables, delta.executables),
    libraries: addCounts(base.libraries, delta.libraries),
    filesRead: addCounts(base.filesRead, delta.filesRead),
    capabilities: addCounts(base.capabilities, delta.capabilities),
    sources: {
      probe: base.sources.probe === 'procfs' || delta.sources.probe === 'procfs' ? 'procfs' : 'bpftrace',
      syscalls: base.sources.syscalls && delta.sources.syscalls,
      capabilities: base.sources.capabilities && delta.sources.capabilities,
      fileReads: base.sources.fileReads && delta.sources.fileReads,
    },
  };
  if (base.syscalls || delta.syscalls) record.syscalls = addCounts(base.syscalls, delta.syscalls);
  return record;
}
