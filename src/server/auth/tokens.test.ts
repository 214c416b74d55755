/**
 * API tokens and users on both dialects (SQLite and a real PostgreSQL from the Debian `postgresql`
 * package): a token authenticates its user; expired tokens, disabled users, wrong secrets behind a
 * right prefix and malformed tokens are refused; the verification cache never outlives clear().
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startPostgres, type PostgresCluster } from '../../../test/harness/postgres.js';
import { openStore, type Store } from '../../store/index.js';
import { createToken, TokenVerifier } from './tokens.js';
import { checkPassword, createUser, userCount } from './users.js';

const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-tokens-'));
let cluster: PostgresCluster;
before(async () => {
  cluster = await startPostgres();
});
after(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`tokens and users on ${dialect}`, () => {
    let store: Store;
    before(async () => {
      store = await openStore(dialect === 'sqlite' ? join(tmp, 'tokens.db') : await cluster.createDatabase());
    });
    after(async () => store?.close());

    test('a token authenticates its user and role; last use is recorded', async () => {
      const user = await createUser(store.db, 'ops', 'operator');
      assert.equal(await userCount(store.db), 1);
      const { id, token } = await createToken(store.db, user.id, 'ci');
      assert.match(token, /^bh_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/u);
      const stored = await store.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      // The secret is everything after `bh_<prefix>_`; base64url may itself contain '_'.
      const secret = token.slice('bh_00000000_'.length);
      assert.equal(secret.length, 43);
      assert.ok(!stored.hash.includes(secret), 'only a hash of the secret is stored');
      assert.equal(stored.last_used_at, null);
      const verifier = new TokenVerifier(store.db);
      assert.deepEqual(await verifier.verify(token), { userId: user.id, name: 'ops', role: 'operator', tokenId: id });
      assert.notEqual((await store.db.selectFrom('tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at, null);
    });

    test('wrong secret behind a right prefix, and malformed tokens, are refused', async () => {
      const user = await createUser(store.db, 'ops2', 'operator');
      const { token } = await createToken(store.db, user.id, 'ci');
      const verifier = new TokenVerifier(store.db);
      const prefix = token.slice(0, 12);
      assert.equal(await verifier.verify(prefix + randomBytes(32).toString('base64url')), undefined);
      for (const bad of ['', token + 'x', token.slice(0, -1), token.toUpperCase(), `Bearer ${token}`, `bh_zzzzzzzz_${token.slice(12)}`]) {
        assert.equal(await verifier.verify(bad), undefined, bad.slice(0, 20));
      }
      assert.ok(await verifier.verify(token), 'the right token still works after the failures');
    });

    test('expired tokens are refused, also once cached', async () => {
      const user = await createUser(store.db, 'temp', 'auditor');
      const now = Date.now();
      const expired = await createToken(store.db, user.id, 'old', { expiresAt: new Date(now - 1000) });
      const verifier = new TokenVerifier(store.db, 60_000);
      assert.equal(await verifier.verify(expired.token), undefined);
      const soon = await createToken(store.db, user.id, 'soon', { expiresAt: new Date(now + 30_000) });
      assert.ok(await verifier.verify(soon.token, now));
      assert.equal(await verifier.verify(soon.token, now + 31_000 + 60_000), undefined, 'after the expiry and the cache time');
    });

    test('disabled users are refused, and the cache does not outlive clear()', async () => {
      const user = await createUser(store.db, 'leaver', 'admin', 'a long enough password');
      const { id, token } = await createToken(store.db, user.id, 'laptop');
      const verifier = new TokenVerifier(store.db);
      assert.ok(await verifier.verify(token));
      assert.ok(await checkPassword(store.db, 'leaver', 'a long enough password'));

      await store.db.updateTable('users').set({ disabled: 1 }).where('id', '=', user.id).execute();
      verifier.clear();
      assert.equal(await verifier.verify(token), undefined, 'disabled user');
      assert.equal(await checkPassword(store.db, 'leaver', 'a long enough password'), undefined, 'disabled user cannot log in');

      await store.db.updateTable('users').set({ disabled: 0 }).where('id', '=', user.id).execute();
      assert.ok(await verifier.verify(token));
      await store.db.deleteFrom('tokens').where('id', '=', id).execute();
      verifier.clear();
      assert.equal(await verifier.verify(token), undefined, 'revoked token after clear()');
      // without clear(), the cache lasts at most cacheMs
      const short = new TokenVerifier(store.db, 50);
      const second = await createToken(store.db, user.id, 'phone');
      assert.ok(await short.verify(second.token));
      await store.db.deleteFrom('tokens').where('id', '=', second.id).execute();
      await new Promise((r) => setTimeout(r, 80));
      assert.equal(await short.verify(second.token), undefined);
    });

    test('passwords: wrong password, unknown user and duplicate names', async () => {
      await createUser(store.db, 'alice', 'auditor', 'correct horse battery');
      assert.equal((await checkPassword(store.db, 'alice', 'correct horse battery'))?.name, 'alice');
      assert.equal(await checkPassword(store.db, 'alice', 'correct horse batterY'), undefined);
      assert.equal(await checkPassword(store.db, 'nobody', 'correct horse battery'), undefined);
      await assert.rejects(createUser(store.db, 'alice', 'admin'), /exists already/u);
      await assert.rejects(createUser(store.db, 'bad name', 'admin'), /letters, digits/u);
      const row = await store.db.selectFrom('users').select('password_hash').where('name', '=', 'alice').executeTakeFirstOrThrow();
      assert.match(row.password_hash ?? '', /^scrypt\$\d+\$\d+\$\d+\$/u);
    });
  });
}
