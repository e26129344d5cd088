import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPILL_RATIO_SETTINGS, analystUserStatements, ensureAnalystUser, printableStatements, serverSettings, type AnalystUserSpec } from '../../../../shared/store/analyst-user.ts';
import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import type { Store } from '../../../../shared/store/port.ts';

const spec: AnalystUserSpec = {
  database: 'oil_db',
  user: 'oilwire_analyst',
  password: 'correct-horse-battery-staple',
  limits: { maxMemoryBytes: 512_000_000, maxExecutionTimeSec: 10, maxResultRows: 100_000, maxResultBytes: 50_000_000, externalGroupByBytes: 128_000_000, externalSortBytes: 128_000_000, maxThreads: 2 },
};
const hash = createHash('sha256').update(spec.password).digest('hex');

let store: Store;
beforeAll(async () => {
  store = await openStore({ path: ':memory:', database: `test_analyst_${Date.now().toString(36)}` });
});
afterAll(async () => {
  await store?.command(`DROP DATABASE IF EXISTS \`${store.database}\``);
  await store?.close();
});

describe('analystUserStatements', () => {
  it('creates a read-only profile with the limits as constraints, the user, and SELECT on oilwire only', () => {
    expect(analystUserStatements(spec)).toEqual([
      "CREATE SETTINGS PROFILE OR REPLACE `oilwire_analyst_profile` SETTINGS readonly = 2 CONST, allow_ddl = 0 CONST, allow_introspection_functions = 0 CONST, max_memory_usage = 512000000 MAX 512000000, max_execution_time = 10 MAX 10, max_result_rows = 100000 MAX 100000, max_result_bytes = 50000000 MAX 50000000, result_overflow_mode = 'throw' CONST, max_bytes_before_external_group_by = 128000000 MAX 128000000, max_bytes_before_external_sort = 128000000 MAX 128000000, max_threads = 2 MAX 2",
      `CREATE USER IF NOT EXISTS \`oilwire_analyst\` IDENTIFIED WITH sha256_hash BY '${hash}' DEFAULT DATABASE \`oil_db\` SETTINGS PROFILE 'oilwire_analyst_profile'`,
      `ALTER USER \`oilwire_analyst\` IDENTIFIED WITH sha256_hash BY '${hash}' DEFAULT DATABASE \`oil_db\` SETTINGS PROFILE 'oilwire_analyst_profile'`,
      'REVOKE ALL ON *.* FROM `oilwire_analyst`',
      'GRANT SELECT ON `oil_db`.* TO `oilwire_analyst`',
    ]);
    const all = analystUserStatements(spec).join('\n');
    expect(all).not.toContain(spec.password);
    expect(all).not.toMatch(/\b(SOURCES|FILE|URL|REMOTE|S3|INTROSPECTION)\b|GRANT ALL/);
    expect(printableStatements(spec).join('\n')).not.toContain(hash);
    expect(() => analystUserStatements({ ...spec, user: 'x; DROP' })).toThrow(/plain identifier/);
  });

  it('pins the spill ratios to 0 only on a server that has them, and the engine tells which it has', async () => {
    expect(analystUserStatements(spec)[0]).not.toContain('ratio');
    const profile = analystUserStatements({ ...spec, knownSettings: new Set(SPILL_RATIO_SETTINGS) })[0];
    expect(profile).toMatch(/max_threads = 2 MAX 2, max_bytes_ratio_before_external_group_by = 0 CONST, max_bytes_ratio_before_external_sort = 0 CONST$/);
    expect(analystUserStatements({ ...spec, knownSettings: new Set(['max_bytes_ratio_before_external_sort']) })[0]).toMatch(/max_threads = 2 MAX 2, max_bytes_ratio_before_external_sort = 0 CONST$/);
    // The engine here is newer than 25.1: it has both, and nothing it lacks is reported.
    expect(await serverSettings(store, [...SPILL_RATIO_SETTINGS, 'no_such_setting_anywhere'])).toEqual(new Set(SPILL_RATIO_SETTINGS));
  });

  it('is read by the engine as exactly one statement each, unchanged in meaning', async () => {
    // The engine may quote names differently; word for word the statement is the same.
    const words = (sql: string) => sql.replace(/[`']/g, '');
    for (const statement of analystUserStatements({ ...spec, knownSettings: new Set(SPILL_RATIO_SETTINGS) })) {
      const [row] = await store.query<{ f: string }>('SELECT formatQuerySingleLine({q:String}) AS f', { params: { q: statement } });
      // ALTER USER ... SETTINGS PROFILE replaces what the user had: the engine spells that out.
      const meant = statement.startsWith('ALTER USER') ? statement.replace("SETTINGS PROFILE 'oilwire_analyst_profile'", 'DROP ALL SETTINGS, DROP ALL PROFILES, ADD PROFILE oilwire_analyst_profile') : statement;
      expect(words(row.f), statement).toBe(words(meant));
    }
  });

  it('on the embedded engine (no users) applies nothing and says why', async () => {
    expect(await ensureAnalystUser(store, { ...spec, database: store.database })).toMatchObject({ applied: false, reason: expect.stringMatching(/embedded engine has no users/) });
    // chDB's own user may not manage users either: what a server without the rights answers too.
    await expect(store.command(analystUserStatements(spec)[1])).rejects.toMatchObject({ cause: { type: 'ACCESS_DENIED' } });
  });
});
