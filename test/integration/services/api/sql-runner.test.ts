/** The analyst runners on chDB: which settings reach the engine, and the options the config asks for. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlRunner, pinAnalystSession, runnerOptions, StoreSqlRunner } from '../../../../services/api/adapters/sql-runner.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { sqlSettings } from '../../../../services/api/routes/sql.ts';
import { AppError } from '../../../../shared/errors.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { dropTestStore, openTestStore } from './helpers.ts';

let store: Store;
const settings = sqlSettings(apiConfigSchema.parse({ sql: { maxMemoryBytes: 123_000_000, externalGroupByBytes: 30_000_000, externalSortBytes: 30_000_000, maxThreads: 3 } }).sql);
const probe = "SELECT getSetting('readonly') AS r, getSetting('max_memory_usage') AS m, getSetting('max_threads') AS t, getSetting('result_overflow_mode') AS o";

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  if (store) await dropTestStore(store);
});

describe('analyst runners', () => {
  it('run the canonical statement with every limit, readonly last', async () => {
    const runner = await openSqlRunner(store, 1);
    try {
      expect(await runner.run(probe, 'JSONEachRow', settings)).toBe('{"r":1,"m":123000000,"t":3,"o":"throw"}\n');
    } finally {
      await runner.close();
    }
  });

  it('run nothing on a connection that cannot take the limits (fail closed)', async () => {
    const runner = await openSqlRunner(store, 1);
    try {
      const before = await store.query<{ n: number }>(`SELECT count() AS n FROM ${store.table('ticks_store')}`);
      // An unknown setting makes the engine refuse the pin; the statement must not run without it.
      await expect(runner.run('SELECT 1 AS x', 'JSONEachRow', { ...settings, no_such_setting_oilwire: 1 })).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: expect.stringMatching(/could not take the analyst limits; the query did not run/),
      });
      expect(await store.query(`SELECT count() AS n FROM ${store.table('ticks_store')}`)).toEqual(before);
      // The next run pins the replacement connection and runs.
      expect(await runner.run(probe, 'JSONEachRow', settings)).toBe('{"r":1,"m":123000000,"t":3,"o":"throw"}\n');
    } finally {
      await runner.close();
    }
  });

  it('pin a session with SET statements: the limits, the spill ratios at 0, readonly = 1 last, names checked', async () => {
    const sent: string[] = [];
    await pinAnalystSession({ command: async (sql) => void sent.push(sql) }, { max_memory_usage: 5, result_overflow_mode: "th'row", readonly: 2, flag: true });
    expect(sent).toEqual([
      'SET max_memory_usage = 5',
      "SET result_overflow_mode = 'th\\'row'",
      'SET flag = 1',
      'SET max_bytes_ratio_before_external_group_by = 0',
      'SET max_bytes_ratio_before_external_sort = 0',
      'SET readonly = 1',
    ]);
    await expect(pinAnalystSession({ command: async () => undefined }, { 'max_memory_usage = 0, readonly': 0 })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('leave readonly and the overflow mode to a server profile that holds them as constants', async () => {
    const runner = new StoreSqlRunner(store, true);
    // readonly 0 here because chDB has no profile; on a server the analyst user's profile holds 2.
    expect(await runner.run(probe, 'JSONEachRow', settings)).toBe('{"r":0,"m":123000000,"t":3,"o":"throw"}\n');
  });

  it('sign in as the analyst user only once it has a password, ensuring it with the configured limits', () => {
    expect(runnerOptions(apiConfigSchema.parse({}).sql)).toEqual({});
    const password = 'a-long-analyst-password';
    expect(runnerOptions(apiConfigSchema.parse({ sql: { analystPassword: password, maxMemoryBytes: 100_000_000, externalGroupByBytes: 25_000_000, externalSortBytes: 26_000_000 } }).sql)).toEqual({
      analystUser: { username: 'oilwire_analyst', password },
      ensureUser: { limits: { maxMemoryBytes: 100_000_000, maxExecutionTimeSec: 10, maxResultRows: 100_000, maxResultBytes: 50_000_000, externalGroupByBytes: 25_000_000, externalSortBytes: 26_000_000, maxThreads: 2 } },
    });
  });

  it('on a server, create or update the analyst user at start before signing in as it, and report a user that may not', async () => {
    // A server store that records what it is sent; the statements themselves are read by the engine in analyst-user.test.ts.
    const sent: string[] = [];
    let refuse = false;
    const signedInAs: unknown[] = [];
    const server = {
      kind: 'server',
      database: 'oil_db',
      command: async (sql: string) => {
        sent.push(sql);
        // What the store makes of the engine's refusal: its AppError around the vendor error.
        if (refuse) throw new AppError('STORE_QUERY_FAILED', 'command: not enough privileges', { cause: Object.assign(new Error('denied'), { type: 'ACCESS_DENIED' }) });
      },
      // A server as new as 25.1: the profile must pin its spill ratios.
      query: async (sql: string, options: { params: { names: string[] } }) => (sql.includes('system.settings') ? options.params.names.map((name) => ({ name })) : []),
      isolated: async (access: unknown) => {
        signedInAs.push(access);
        return { ...server, close: async () => {} };
      },
      close: async () => {},
    } as unknown as Store;
    const sql = apiConfigSchema.parse({ sql: { analystPassword: 'a-long-analyst-password' } }).sql;
    const results: unknown[] = [];
    const runner = await openSqlRunner(server, 1, runnerOptions(sql, (r) => results.push(r)));
    await runner.close();
    expect(sent.map((s) => s.split(' ').slice(0, 3).join(' '))).toEqual(['CREATE SETTINGS PROFILE', 'CREATE USER IF', 'ALTER USER `oilwire_analyst`', 'REVOKE ALL ON', 'GRANT SELECT ON']);
    expect(sent.at(-1)).toBe('GRANT SELECT ON `oil_db`.* TO `oilwire_analyst`');
    expect(sent[0]).toMatch(/readonly = 2 CONST.*max_memory_usage = 512000000 MAX 512000000.*max_bytes_ratio_before_external_group_by = 0 CONST, max_bytes_ratio_before_external_sort = 0 CONST$/);
    expect(results).toEqual([{ applied: true }]);
    expect(signedInAs).toEqual([{ username: 'oilwire_analyst', password: 'a-long-analyst-password' }]);

    refuse = true;
    sent.length = 0;
    results.length = 0;
    await (await openSqlRunner(server, 1, runnerOptions(sql, (r) => results.push(r)))).close();
    expect(sent).toHaveLength(1);
    expect(results).toEqual([{ applied: false, reason: expect.stringMatching(/cannot manage users \(ACCESS_DENIED\)/), statements: expect.arrayContaining([expect.stringContaining("BY '<sha256 of the password>'")]) }]);
  });
});
