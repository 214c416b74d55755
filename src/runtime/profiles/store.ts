/**
 * Profiles on disk: one YAML file per image in a folder, old versions kept in `history/`. Saves are
 * atomic (temporary file, fsync, rename, fsync of the folder) so the agent and a person running
 * `bulkhead agent profiles set-mode` never see half a file, and a save that would overwrite a newer
 * version on disk is refused rather than silently undoing someone's change.
 */
import { constants } from 'node:fs';
import { parseDuration } from '../../policy/index.js';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { BulkheadError } from '../../errors.js';
import { historyFileName, PROFILE_EXTENSION, profileFileName } from './file-names.js';
import { parseProfile } from './parse-profile.js';
import { renderProfile } from './profile-yaml.js';
import { PROFILE_API_VERSION, PROFILE_KIND, profileSchema, type BehaviourProfile, type ProfileMode } from './schema.js';

/** Biggest profile file read; a learned profile is a few kilobytes. */
export const MAX_PROFILE_BYTES = 4 * 1024 * 1024;
export const HISTORY_DIR = 'history';

export interface StoredProfile {
  profile: BehaviourProfile;
  /** Path of the file it was read from. */
  file: string;
  /** The file's text (with its comments), as `show` prints it. */
  text: string;
}

/** A save that would replace a version it did not start from (the file changed since it was read). */
export class ProfileConflictError extends BulkheadError {
  constructor(file: string, message: string) {
    super('OUTPUT_FAILED', `${file}: ${message}`, { input: file });
  }
}


export class ProfileStore {
  constructor(readonly dir: string) {}

  /** Every profile in the folder, sorted by image; an invalid file throws ProfileInvalidError (FILE:LINE). */
  async list(): Promise<BehaviourProfile[]> {
    return (await this.readAll()).map((s) => s.profile);
  }

  async get(image: string): Promise<BehaviourProfile | undefined> {
    return (await this.read(image))?.profile;
  }

  /**
   * The profile of an image with its file and text. The file named after the image is tried first;
   * a profile whose file was renamed by hand is still found by its `image:` field.
   */
  async read(image: string): Promise<StoredProfile | undefined> {
    const expected = await this.readFile(join(this.dir, profileFileName(image)));
    if (expected?.profile.image === image) return expected;
    return (await this.readAll()).find((s) => s.profile.image === image);
  }

  /**
   * Writes a new version: `version` + 1 and `updated` = now. The version on disk must be the one the
   * profile was read at (ProfileConflictError otherwise); the file it replaces is kept as
   * `history/<name>.v<N>.yaml`. Returns the saved profile (the argument is not changed).
   */
  async save(profile: BehaviourProfile, now: Date = new Date()): Promise<BehaviourProfile> {
    const stored = await this.read(profile.image);
    if (stored && stored.profile.version !== profile.version) {
      throw new ProfileConflictError(stored.file, `the profile of image ${profile.image} is at version ${stored.profile.version} on disk, not ${profile.version}; read it again before saving`);
    }
    const next = { ...structuredClone(profile), version: (stored?.profile.version ?? profile.version) + 1, updated: isoSeconds(now) };
    const checked = profileSchema.safeParse(next);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new BulkheadError('INPUT_INVALID', `profile of image ${profile.image}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, { input: profile.image });
    }
    const file = stored?.file ?? join(this.dir, profileFileName(profile.image));
    await mkdir(this.dir, { recursive: true, mode: 0o750 });
    if (stored) {
      await mkdir(join(this.dir, HISTORY_DIR), { recursive: true, mode: 0o750 });
      await writeAtomically(join(this.dir, HISTORY_DIR, historyFileName(basename(file), stored.profile.version)), stored.text);
    }
    await writeAtomically(file, renderProfile(checked.data, stored?.text));
    return checked.data;
  }

  /** Sets the mode and saves a new version; leaving or entering a mode by hand ends timed learning. */
  async setMode(image: string, mode: ProfileMode, now: Date = new Date()): Promise<BehaviourProfile> {
    const stored = await this.read(image);
    if (!stored) throw new BulkheadError('INPUT_NOT_FOUND', `no behaviour profile for image "${image}" in ${this.dir}`, { input: image });
    const { learnUntil: _dropped, ...rest } = stored.profile;
    return this.save({ ...rest, mode }, now);
  }

  /**
   * A new profile (version 1) with empty lists. `learnFor` (a duration such as `7d`, or milliseconds)
   * sets `learnUntil` when the mode is learn. Throws ProfileConflictError when the image has one.
   */
  async create(image: string, mode: ProfileMode, now: Date, learnFor?: string | number, afterLearning?: 'monitor' | 'protect'): Promise<BehaviourProfile> {
    const existing = await this.read(image);
    if (existing) throw new ProfileConflictError(existing.file, `the image ${image} has a profile already (version ${existing.profile.version})`);
    const learnMs = learnFor === undefined ? undefined : typeof learnFor === 'number' ? learnFor : durationMs(learnFor);
    const profile: BehaviourProfile = {
      apiVersion: PROFILE_API_VERSION,
      kind: PROFILE_KIND,
      image,
      mode,
      version: 0,
      created: isoSeconds(now),
      updated: isoSeconds(now),
      ...(mode === 'learn' && learnMs !== undefined ? { learnUntil: isoSeconds(new Date(now.getTime() + learnMs)) } : {}),
      ...(afterLearning ? { afterLearning } : {}),
      executables: [],
      processes: [],
      listening: [],
      outbound: [],
      writes: [],
    };
    return this.save(profile, now);
  }

  private async readAll(): Promise<StoredProfile[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new BulkheadError('INPUT_INVALID', `${this.dir}: cannot list the profiles folder: ${(e as Error).message}`, { input: this.dir, cause: e });
    }
    const out: StoredProfile[] = [];
    for (const name of names.sort()) {
      if (name.startsWith('.') || !name.endsWith(PROFILE_EXTENSION)) continue;
      const stored = await this.readFile(join(this.dir, name));
      if (stored) out.push(stored);
    }
    return out.sort((a, b) => (a.profile.image < b.profile.image ? -1 : a.profile.image > b.profile.image ? 1 : 0));
  }

  /** Reads and validates one file; undefined when it does not exist (or is not a regular file). */
  private async readFile(file: string): Promise<StoredProfile | undefined> {
    let handle;
    try {
      // a symbolic link planted in the folder must not make the agent read (or later replace) another file
      handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENAMETOOLONG') return undefined;
      throw new BulkheadError('INPUT_INVALID', `${file}: cannot read the profile: ${(e as Error).message}`, { input: file, cause: e });
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return undefined;
      if (info.size > MAX_PROFILE_BYTES) throw new BulkheadError('INPUT_INVALID', `${file}: the profile is ${info.size} bytes, over the ${MAX_PROFILE_BYTES}-byte limit`, { input: file });
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(await handle.readFile());
      } catch {
        throw new BulkheadError('INPUT_INVALID', `${file}: the profile is not UTF-8 text`, { input: file });
      }
      if (text.startsWith('\uFEFF')) text = text.slice(1);
      return { profile: parseProfile(text, file), file, text };
    } finally {
      await handle.close();
    }
  }
}

/** Temporary file in the same folder, fsync, rename over the target, fsync of the folder. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const slash = file.lastIndexOf('/');
  const folder = slash <= 0 ? '/' : file.slice(0, slash);
  const tmp = join(folder, `.${file.slice(slash + 1)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o640);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
    const dir = await open(folder, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (e) {
    await unlink(tmp).catch(() => {});
    if (e instanceof BulkheadError) throw e;
    throw new BulkheadError('OUTPUT_FAILED', `${file}: cannot write the profile (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { input: file, cause: e });
  }
}

/** RFC 3339 in UTC without milliseconds: `2026-11-24T10:00:00Z`. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/u, 'Z');
}

/** `7d`, `12h`, `30m`, `45s` (the agent config's duration form, src/runtime/config/schema.ts). */
function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new BulkheadError('USAGE', `"${text}" is not a duration (a whole number with s, m, h or d)`, { input: text });
  return ms;
}
