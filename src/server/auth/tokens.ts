/**
 * API tokens: `bh_<prefix>_<secret>`; the prefix (8 hex) finds the row, the secret (32 random bytes,
 * base64url) is checked against its scrypt hash. A verified token is remembered for a minute (keyed
 * by its SHA-256, never the token itself) so API latency does not pay scrypt on every request.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Role, StoreSchema } from '../../store/index.js';
import { hashSecret, verifySecret } from './password.js';

export interface Principal {
  userId: string;
  name: string;
  role: Role;
  tokenId: string;
}

const TOKEN_PATTERN = /^bh_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/u;

export async function createToken(
  db: Kysely<StoreSchema>,
  userId: string,
  name: string,
  options: { expiresAt?: Date; now?: Date } = {},
): Promise<{ id: string; token: string }> {
  const prefix = randomBytes(4).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const id = randomUUID();
  await db
    .insertInto('tokens')
    .values({
      id,
      user_id: userId,
      name,
      prefix,
      hash: await hashSecret(secret),
      created_at: (options.now ?? new Date()).toISOString(),
      last_used_at: null,
      expires_at: options.expiresAt?.toISOString() ?? null,
    })
    .execute();
  return { id, token: `bh_${prefix}_${secret}` };
}

export class TokenVerifier {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly db: Kysely<StoreSchema>, private readonly cacheMs = 60_000) {}

  async verify(token: string, now = Date.now()): Promise<Principal | undefined> {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return undefined;
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.principal;
    const rows = await this.db
      .selectFrom('tokens')
      .innerJoin('users', 'users.id', 'tokens.user_id')
      .select(['tokens.id as tokenId', 'tokens.hash', 'tokens.expires_at', 'users.id as userId', 'users.name', 'users.role', 'users.disabled'])
      .where('tokens.prefix', '=', match[1]!)
      .execute();
    for (const row of rows) {
      if (row.disabled || (row.expires_at && Date.parse(row.expires_at) <= now)) continue;
      if (!(await verifySecret(match[2]!, row.hash))) continue;
      const principal: Principal = { userId: row.userId, name: row.name, role: row.role, tokenId: row.tokenId };
      this.cache.set(key, { principal, until: now + this.cacheMs });
      if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
      await this.db.updateTable('tokens').set({ last_used_at: new Date(now).toISOString() }).where('id', '=', row.tokenId).execute();
      return principal;
    }
    return undefined;
  }

  /** Forget cached verifications (a token or user was revoked or changed). */
  clear(): void {
    this.cache.clear();
  }
}
