/**
 * Profile modes chosen by operators, per image (the key of a behaviour profile). Each choice is a
 * command every agent applies once: a host sees the modes it has not acknowledged yet, and its
 * acknowledgement counts only for the request it applied (a newer choice made meanwhile stays
 * pending). `applied_by` is updated with a compare-and-set, so two hosts acknowledging at the same
 * moment on PostgreSQL both count.
 */
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../store/index.js';

type Db = Kysely<StoreSchema>;
export type ProfileModeValue = 'learn' | 'monitor' | 'protect';

export interface ProfileModeView {
  image: string;
  mode: string;
  requestedBy: string;
  requestedAt: string;
  /** Host ids that applied it. */
  appliedBy: string[];
}

export async function setProfileMode(db: Db, image: string, mode: ProfileModeValue, actor: string, now = new Date()): Promise<ProfileModeView> {
  const row = { mode, requested_by: actor, requested_at: now.toISOString(), applied_by: '[]' };
  await db
    .insertInto('profile_modes')
    .values({ image, ...row })
    .onConflict((oc) => oc.column('image').doUpdateSet(row))
    .execute();
  return { image, mode, requestedBy: actor, requestedAt: row.requested_at, appliedBy: [] };
}

export async function listProfileModes(db: Db): Promise<ProfileModeView[]> {
  const rows = await db.selectFrom('profile_modes').selectAll().orderBy('image').execute();
  return rows.map((r) => ({ image: r.image, mode: r.mode, requestedBy: r.requested_by, requestedAt: r.requested_at, appliedBy: JSON.parse(r.applied_by) as string[] }));
}

/** Modes this host has not applied yet. */
export async function pendingProfileModes(db: Db, hostId: string): Promise<Array<{ image: string; mode: string; requestedAt: string }>> {
  const all = await listProfileModes(db);
  return all.filter((m) => !m.appliedBy.includes(hostId)).map((m) => ({ image: m.image, mode: m.mode, requestedAt: m.requestedAt }));
}

/** Records that `hostId` applied these requests; returns how many still matched the current choice. */
export async function acknowledgeProfileModes(db: Db, hostId: string, applied: Array<{ image: string; mode: string; requestedAt: string }>): Promise<number> {
  let counted = 0;
  for (const a of applied) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const row = await db.selectFrom('profile_modes').selectAll().where('image', '=', a.image).executeTakeFirst();
      if (!row || row.mode !== a.mode || row.requested_at !== a.requestedAt) break;
      const hosts = JSON.parse(row.applied_by) as string[];
      if (hosts.includes(hostId)) {
        counted++;
        break;
      }
      const result = await db
        .updateTable('profile_modes')
        .set({ applied_by: JSON.stringify([...hosts, hostId]) })
        .where('image', '=', a.image)
        .where('requested_at', '=', row.requested_at)
        .where('applied_by', '=', row.applied_by)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) {
        counted++;
        break;
      }
    }
  }
  return counted;
}
