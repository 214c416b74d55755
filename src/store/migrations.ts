/**
 * Schema migrations, one list for SQLite and PostgreSQL (Kysely's Migrator records what ran in
 * `kysely_migration`). Append new migrations; never edit one that shipped.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

function initial(dialect: Dialect): Migration {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const autoId = dialect === 'postgres' ? sql`serial primary key` : sql`integer primary key autoincrement`;
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('expires_at', 'text')
        .execute();
      await db.schema.createIndex('tokens_prefix').on('tokens').column('prefix').execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('registries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('username', 'text')
        .addColumn('secret_enc', 'text')
        .addColumn('repositories', 'text', (c) => c.notNull())
        .addColumn('poll_seconds', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_polled_at', 'text')
        .addColumn('last_error', 'text')
        .execute();
      await db.schema
        .createTable('images')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('repository', 'text', (c) => c.notNull())
        .addColumn('config_digest', 'text')
        .addColumn('os', 'text')
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_scanned_at', 'text')
        .addColumn('scan_id', 'text')
        .addColumn('worst_severity', 'text')
        .addColumn('counts', 'text', (c) => c.notNull())
        .addColumn('signature_status', 'text', (c) => c.notNull())
        .addColumn('policy_status', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('image_tags')
        .addColumn('repository', 'text', (c) => c.notNull())
        .addColumn('tag', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('image_tags_pk', ['repository', 'tag'])
        .execute();
      await db.schema
        .createTable('scans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('image_digest', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('db_built', 'text')
        .addColumn('analysis_gz', blob)
        .addColumn('result_gz', blob, (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('scans_image').on('scans').columns(['image_digest', 'created_at']).execute();
      await db.schema
        .createTable('findings')
        .addColumn('id', sql`${autoId}` as never)
        .addColumn('scan_id', 'text', (c) => c.notNull())
        .addColumn('image_digest', 'text', (c) => c.notNull())
        .addColumn('finding_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('package_name', 'text')
        .addColumn('package_version', 'text')
        .addColumn('fixed_version', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('suppressed', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('findings_scan').on('findings').column('scan_id').execute();
      await db.schema.createIndex('findings_image').on('findings').columns(['image_digest', 'finding_id']).execute();
      await db.schema
        .createTable('alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('image_digest', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('delivery', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alerts_time').on('alerts').column('time').execute();
      await db.schema
        .createTable('hosts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('agent_version', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('facts', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('containers')
        .addColumn('host_id', 'text', (c) => c.notNull())
        .addColumn('container_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('image', 'text', (c) => c.notNull())
        .addColumn('image_digest', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('fact', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('containers_pk', ['host_id', 'container_id'])
        .execute();
      await db.schema
        .createTable('runtime_events')
        .addColumn('id', sql`${autoId}` as never)
        .addColumn('host_id', 'text', (c) => c.notNull())
        .addColumn('agent_seq', 'integer', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('container_id', 'text', (c) => c.notNull())
        .addColumn('container_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addUniqueConstraint('runtime_events_host_seq', ['host_id', 'agent_seq'])
        .execute();
      await db.schema.createIndex('runtime_events_time').on('runtime_events').column('time').execute();
      await db.schema
        .createTable('profile_modes')
        .addColumn('image', 'text', (c) => c.primaryKey())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('applied_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('policies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('yaml', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * 0002_verdicts: each image's latest policy verdict per active policy (src/server/verdict): the
 * failed rules and the signature facts judged, as JSON. Same text columns on both dialects.
 */
function verdicts(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('image_verdicts')
        .addColumn('image_digest', 'text', (c) => c.notNull())
        .addColumn('policy_name', 'text', (c) => c.notNull())
        .addColumn('policy_version', 'integer', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('result_json', 'text', (c) => c.notNull())
        .addColumn('evaluated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('image_verdicts_pk', ['image_digest', 'policy_name'])
        .execute();
    },
  };
}

/**
 * 0003_layer_cache: per-layer analysis results shared by every scan worker (src/server/scale-out/
 * pg-layer-cache.ts), keyed by (analyser set key, layer digest), the gzipped JSON as it would be in
 * the file-system cache. Portable DDL, but only the PostgreSQL mode reads it.
 */
function layerCache(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('layer_cache')
        .addColumn('analyzer_set', 'text', (c) => c.notNull())
        .addColumn('layer_digest', 'text', (c) => c.notNull())
        .addColumn('analysis_gz', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('layer_cache_pk', ['analyzer_set', 'layer_digest'])
        .execute();
    },
  };
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => ({ '0001_initial': initial(dialect), '0002_verdicts': verdicts(), '0003_layer_cache': layerCache(dialect) }) };
}
