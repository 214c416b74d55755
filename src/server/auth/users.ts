/** Users: creation, login by password, first-run bootstrap of the admin. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { BulkheadError } from '../../errors.js';
import type { Role, StoreSchema, User } from '../../store/index.js';
import { hashSecret, verifySecret } from './password.js';

export async function createUser(db: Kysely<StoreSchema>, name: string, role: Role, password?: string, now = new Date()): Promise<User> {
  if (!/^[A-Za-z0-9._@-]{1,64}$/u.test(name)) throw new BulkheadError('INPUT_INVALID', `user name "${name.slice(0, 80)}": letters, digits and . _ @ - only, at most 64`);
  const existing = await db.selectFrom('users').select('id').where('name', '=', name).executeTakeFirst();
  if (existing) throw new BulkheadError('INPUT_INVALID', `user "${name}" exists already`);
  const user: User = {
    id: randomUUID(),
    name,
    password_hash: password === undefined ? null : await hashSecret(password),
    role,
    created_at: now.toISOString(),
    disabled: 0,
  };
  await db.insertInto('users').values(user).execute();
  return user;
}

/** The user when the password matches (and the user is enabled); undefined otherwise. */
export async function checkPassword(db: Kysely<StoreSchema>, name: string, password: string): Promise<User | undefined> {
  const user = await db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
  if (!user || user.disabled || !user.password_hash) {
    // same work either way: no timing signal for unknown names
    await verifySecret(password, 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    return undefined;
  }
  return (await verifySecret(password, user.password_hash)) ? user : undefined;
}

export async function userCount(db: Kysely<StoreSchema>): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}
