/** The analyst runners on chDB: which settings reach the engine, and the options the config asks for. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlRunner, runnerOptions, StoreSqlRunner } from '../../../../services/api/adapters/sql-runner.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { sqlSettings } from '../../../../services/api/routes/sql.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { dropTestStore, openTestStore } from './helpers.ts';

let store: Store;
const settings = sqlSettings(apiConfigSchema.parse({ sql: { maxMemoryBytes: 123_000_000, maxThreads: 3 } }).sql);
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

  it('leave readonly and the overflow mode to a server profile that holds them as constants', async () => {
    const runner = new StoreSqlRunner(store, true);
    // readonly 0 here because chDB has no profile; on a server the analyst user's profile holds 2.
    expect(await runner.run(probe, 'JSONEachRow', settings)).toBe('{"r":0,"m":123000000,"t":3,"o":"throw"}\n');
  });

  it('sign in as the analyst user only once it has a password', () => {
    expect(runnerOptions(apiConfigSchema.parse({}).sql)).toEqual({});
    const password = 'a-long-analyst-password';
    expect(runnerOptions(apiConfigSchema.parse({ sql: { analystPassword: password } }).sql)).toEqual({ analystUser: { username: 'oilwire_analyst', password } });
  });
});
