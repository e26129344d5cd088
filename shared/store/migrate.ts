import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.ts';
import { quoteIdent, type Store } from './port.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'infra', 'clickhouse');

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Splits a migration file on `;` at line ends; comments (`--`) are dropped. */
export function parseMigration(file: string, text: string): Migration {
  const m = /^(\d+)[_-](.+)\.sql$/.exec(file);
  if (!m) throw new AppError('CONFIG_INVALID', `migration file name must look like 001_name.sql: ${file}`);
  const body = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  const statements = body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { version: Number(m[1]), name: m[2], statements };
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => parseMigration(f, readFileSync(join(dir, f), 'utf8')));
}

/**
 * Applies numbered migrations once each. Every statement is written to be idempotent
 * (IF NOT EXISTS), so a migration interrupted half-way can simply run again.
 */
export async function migrate(store: Store, options: { dir?: string; onApplied?: (m: Migration) => void } = {}): Promise<Migration[]> {
  const db = quoteIdent(store.database);
  await store.command(`CREATE TABLE IF NOT EXISTS ${store.table('schema_migrations')} (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version`);
  const done = new Set((await store.query<{ version: number }>(`SELECT version FROM ${store.table('schema_migrations')} FINAL`)).map((r) => Number(r.version)));
  const applied: Migration[] = [];
  for (const migration of loadMigrations(options.dir)) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements) {
      await store.command(statement.replaceAll('{db}', db));
    }
    await store.insert('schema_migrations', [{ version: migration.version, name: migration.name }]);
    applied.push(migration);
    options.onApplied?.(migration);
  }
  return applied;
}
