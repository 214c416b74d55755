/**
 * The agent's side of behaviour profiles: profiles live in memory so every observation is checked
 * synchronously; learning marks a profile dirty and it is saved (a new version) at most every few
 * seconds; edits made on disk meanwhile (`agent profiles set-mode`, a hand edit) are picked up on the
 * next tick and win over the agent's copy, with what it learned since merged in.
 */
import { parseDuration } from '../../policy/index.js';
import type { Reporter } from '../../progress.js';
import type { RuntimeConfig } from '../config/schema.js';
import type { Detection } from '../detectors/types.js';
import type { Observation } from '../events/observation.js';
import {
  PROFILE_API_VERSION,
  PROFILE_KIND,
  ProfileStore,
  effectiveMode,
  learnObservation,
  learningDue,
  profileDeviation,
  type BehaviourProfile,
  type ProfileMode,
} from '../profiles/index.js';

const DEVIATION_RULES: Record<string, string> = {
  executable: 'BH-RT-201',
  process: 'BH-RT-202',
  listen: 'BH-RT-203',
  outbound: 'BH-RT-204',
  write: 'BH-RT-205',
};

interface Entry {
  profile: BehaviourProfile;
  dirty: boolean;
  /** Deviations already reported for this profile version: container id + reason. */
  reported: Set<string>;
}

export class ProfileKeeper {
  private readonly entries = new Map<string, Entry>();
  private syncing: Promise<void> | undefined;
  private lastSync = 0;

  constructor(
    readonly store: ProfileStore,
    private readonly config: RuntimeConfig['profiles'],
    private readonly reporter: Reporter,
    private readonly syncEveryMs = 2000,
  ) {}

  async load(): Promise<void> {
    for (const profile of await this.store.list()) this.entries.set(profile.image, { profile, dirty: false, reported: new Set() });
  }

  profile(image: string): BehaviourProfile | undefined {
    return this.entries.get(image)?.profile;
  }

  /** Learns from the observation, or returns the deviation it shows (monitor and protect). */
  observe(observation: Observation, agentMode: ProfileMode): Detection | undefined {
    const image = observation.container.imageName;
    let entry = this.entries.get(image);
    if (!entry) {
      entry = { profile: this.newProfile(image, observation.timeMs), dirty: true, reported: new Set() };
      this.entries.set(image, entry);
      this.reporter.warn(`new behaviour profile for image ${image}: learning`);
    }
    const mode = effectiveMode(agentMode, entry.profile.mode);
    if (mode === 'learn') {
      if (learnObservation(entry.profile, observation)) entry.dirty = true;
      return undefined;
    }
    const deviation = profileDeviation(entry.profile, observation);
    if (!deviation) return undefined;
    // one alert per deviation, container and profile version (a periodic job would repeat it)
    const key = `${observation.container.ref.id}\u0000${deviation.reason}`;
    if (entry.reported.has(key)) return undefined;
    entry.reported.add(key);
    const response = mode === 'protect' ? (entry.profile.response ?? this.config.response) : 'alert';
    return {
      type: 'profile-deviation',
      rule: DEVIATION_RULES[deviation.what] ?? 'BH-RT-200',
      severity: deviation.what === 'executable' || deviation.what === 'outbound' ? 'high' : 'medium',
      container: observation.container,
      pid: observation.pid,
      ...(observation.path ? { path: observation.path } : {}),
      reason: deviation.reason,
      response,
      details: { deviation: deviation.what, profileVersion: entry.profile.version, profileMode: entry.profile.mode },
    };
  }

  /** Ends timed learning and saves what changed, at most every `syncEveryMs`. */
  tick(nowMs: number): void {
    for (const entry of this.entries.values()) {
      const next = learningDue(entry.profile, nowMs, this.config.afterLearning);
      if (next) {
        const { learnUntil: _ended, ...rest } = entry.profile;
        entry.profile = { ...rest, mode: next };
        entry.dirty = true;
        this.reporter.warn(`behaviour profile of image ${entry.profile.image} finished learning: now in ${next} mode`);
      }
    }
    if (nowMs - this.lastSync < this.syncEveryMs) return;
    this.lastSync = nowMs;
    this.syncing ??= this.sync().finally(() => (this.syncing = undefined));
  }

  /** Saves every dirty profile now. */
  async flush(): Promise<void> {
    await this.syncing;
    await this.sync();
  }

  private async sync(): Promise<void> {
    let onDisk: BehaviourProfile[];
    try {
      onDisk = await this.store.list();
    } catch (e) {
      this.reporter.warn(`behaviour profiles not read: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const disk = new Map(onDisk.map((p) => [p.image, p]));
    for (const [image, entry] of this.entries) {
      const stored = disk.get(image);
      if (stored && stored.version !== entry.profile.version) {
        // changed on disk (set-mode, a hand edit): the disk wins, what was learned since is kept
        const merged = entry.dirty ? mergeLearned(stored, entry.profile) : stored;
        entry.profile = merged;
        entry.reported.clear();
        entry.dirty = entry.dirty && merged !== stored;
      }
      if (!entry.dirty) continue;
      try {
        const snapshot = structuredClone(entry.profile);
        const saved = await this.store.save(snapshot);
        // learning may have gone on while saving: keep the in-memory lists, take the new version
        entry.profile = { ...entry.profile, version: saved.version, updated: saved.updated };
        entry.dirty = JSON.stringify(listsOf(entry.profile)) !== JSON.stringify(listsOf(snapshot));
        entry.reported.clear();
      } catch (e) {
        this.reporter.warn(`behaviour profile of image ${image} not saved: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    for (const [image, profile] of disk) {
      if (!this.entries.has(image)) this.entries.set(image, { profile, dirty: false, reported: new Set() });
    }
  }

  private newProfile(image: string, nowMs: number): BehaviourProfile {
    const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/u, 'Z');
    const learnMs = this.config.learnFor ? parseDuration(this.config.learnFor) : undefined;
    return {
      apiVersion: PROFILE_API_VERSION,
      kind: PROFILE_KIND,
      image,
      mode: 'learn',
      version: 0,
      created: now,
      updated: now,
      ...(learnMs ? { learnUntil: new Date(nowMs + learnMs).toISOString().replace(/\.\d{3}Z$/u, 'Z') } : {}),
      executables: [],
      processes: [],
      listening: [],
      outbound: [],
      writes: [],
    };
  }
}

function listsOf(p: BehaviourProfile): unknown[] {
  return [p.executables, p.processes, p.listening, p.outbound, p.writes];
}

/** The disk profile with the agent's learned entries added (union, sorted as learn keeps them). */
function mergeLearned(disk: BehaviourProfile, learned: BehaviourProfile): BehaviourProfile {
  const union = <T>(a: T[], b: T[]): T[] => {
    const seen = new Map(a.map((x) => [JSON.stringify(x), x]));
    for (const x of b) if (!seen.has(JSON.stringify(x))) seen.set(JSON.stringify(x), x);
    return [...seen.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => v);
  };
  const merged = {
    ...disk,
    executables: union(disk.executables, learned.executables),
    processes: union(disk.processes, learned.processes),
    listening: union(disk.listening, learned.listening),
    outbound: union(disk.outbound, learned.outbound),
    writes: union(disk.writes, learned.writes),
  };
  return JSON.stringify(listsOf(merged)) === JSON.stringify(listsOf(disk)) ? disk : merged;
}

