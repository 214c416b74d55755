/** The server's database (Kysely): SQLite by default, PostgreSQL for several workers. */
export { openStore, type Store } from './store.js';
export type { Dialect } from './migrations.js';
export * from './schema.js';
