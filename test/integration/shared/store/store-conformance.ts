import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors.ts';
import { loadMigrations, migrate } from '../../../../shared/store/migrate.ts';
import type { Store } from '../../../../shared/store/port.ts';

/** One suite for every Store adapter: the embedded engine and a ClickHouse server must behave the same. */
export function runStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await open();
    });

    afterAll(async () => {
      await store.command(`DROP DATABASE IF EXISTS ${store.table('x').split('.')[0]}`);
      await store.close();
    });

    it('applies every migration once; a second run applies none', async () => {
      const first = await migrate(store);
      expect(first.map((m) => m.version)).toEqual(loadMigrations().map((m) => m.version));
      expect(await migrate(store)).toEqual([]);
      const tables = await store.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name`, { params: { db: store.database } });
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['news_store', 'ticks_store', 'impact_store', 'news', 'ticks', 'impact', 'schema_migrations']));
    });

    it('round-trips rows with millisecond UTC times and query parameters', async () => {
      await store.insert('ticks_store', [
        { symbol: 'CONF', ts: '2026-06-01 10:00:00.123', seq: 0, source: 's', price: 80.5, size: null },
        { symbol: 'CONF', ts: '2026-06-01T10:00:01.5Z', seq: 0, source: 's', price: 80.75, size: 2 },
      ]);
      const rows = await store.query<{ t: string; price: number; size: number | null }>(
        `SELECT toUnixTimestamp64Milli(ts) AS t, price, size FROM ${store.table('ticks')} WHERE symbol = {s:String} ORDER BY ts`,
        { params: { s: 'CONF' } },
      );
      expect(rows.map((r) => [Number(r.t), r.price, r.size])).toEqual([
        [Date.UTC(2026, 5, 1, 10, 0, 0, 123), 80.5, null],
        [Date.UTC(2026, 5, 1, 10, 0, 1, 500), 80.75, 2],
      ]);
    });

    it('keeps one row per identity in the views when the same rows are written again', async () => {
      const row = { symbol: 'DUP', ts: '2026-06-01 11:00:00.000', seq: 7, source: 's', price: 81, size: 1 };
      await store.insert('ticks_store', [row]);
      await store.insert('ticks_store', [row]);
      const [v] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('ticks')} WHERE symbol = 'DUP'`);
      expect(Number(v.n)).toBe(1);
    });

    it('stores a retried insert with the same deduplication token once', async () => {
      await store.command(`CREATE TABLE IF NOT EXISTS ${store.table('conf_log')} (id String) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100`);
      for (let i = 0; i < 3; i++) await store.insert('conf_log', [{ id: 'a' }, { id: 'b' }], { dedupToken: 'batch-1' });
      await store.insert('conf_log', [{ id: 'a' }, { id: 'b' }], { dedupToken: 'batch-2' });
      const [v] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('conf_log')}`);
      expect(Number(v.n)).toBe(4);
    });

    it('returns text formats', async () => {
      const csv = await store.queryText(`SELECT 1 AS a, 'x,y' AS b`, 'CSVWithNames');
      expect(csv).toBe('"a","b"\n1,"x,y"\n');
      const tsv = await store.queryText(`SELECT 1 AS a, 'x' AS b`, 'TabSeparatedWithNames');
      expect(tsv).toBe('a\tb\n1\tx\n');
    });

    it('wraps engine errors in AppError: a bad query is not retryable', async () => {
      const err = await store.query(`SELECT * FROM ${store.table('no_such_table')}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('STORE_QUERY_FAILED');
      expect((err as AppError).retryable).toBe(false);
      expect((err as AppError).message).toMatch(/no_such_table/);
    });

    it('refuses writes under readonly=1, and the setting ends with its query', async () => {
      const err = await store.query(`INSERT INTO ${store.table('conf_log')} VALUES ('z')`, { settings: { readonly: 1 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).toMatch(/readonly/i);
      const [r] = await store.query<{ ro: string }>(`SELECT getSetting('readonly') AS ro`, { settings: { readonly: 1, max_execution_time: 5 } });
      expect(Number(r.ro)).toBe(1);
      const [after] = await store.query<{ ro: string }>(`SELECT getSetting('readonly') AS ro`);
      expect(Number(after.ro)).toBe(0);
      await store.insert('conf_log', [{ id: 'after-readonly' }]);
    });

    it('scopes a deduplication token to its own insert', async () => {
      await store.command(`CREATE TABLE IF NOT EXISTS ${store.table('conf_tok')} (id String) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100`);
      await store.insert('conf_tok', [{ id: 'a' }], { dedupToken: 'only-this' });
      await store.insert('conf_tok', [{ id: 'b' }]);
      await store.insert('conf_tok', [{ id: 'c' }]);
      const [v] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('conf_tok')}`);
      expect(Number(v.n)).toBe(3);
    });

    it('enforces result limits given as settings', async () => {
      const err = await store.query(`SELECT number FROM numbers(100)`, { settings: { max_result_rows: 10, result_overflow_mode: 'throw', readonly: 1 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).toMatch(/Limit for result exceeded/);
    });

    it('does not let what a failed query had already produced reach the next query', async () => {
      for (const format of ['JSONEachRow', 'CSVWithNames']) {
        const err = await store.queryText(`SELECT number, throwIf(number = 300000, 'boom') AS t FROM numbers(400000)`, format, { settings: { max_block_size: 1000 } }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect(await store.queryText(`SELECT 42 AS x`, 'JSONEachRow')).toBe('{"x":42}\n');
        const limited = await store.queryText(`SELECT number FROM numbers(100000)`, format, { settings: { max_result_rows: 10, result_overflow_mode: 'throw' } }).catch((e: unknown) => e);
        expect(limited).toBeInstanceOf(AppError);
        expect(await store.query(`SELECT 7 AS y`)).toEqual([{ y: 7 }]);
      }
      // The data written before the error is still there after the store changed connections.
      const [v] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('ticks')} WHERE symbol = 'CONF'`);
      expect(Number(v.n)).toBe(2);
    });

    it('gives an isolated store on the same data that closes without closing this one', async () => {
      const other = await store.isolated();
      const [v] = await other.query<{ n: string }>(`SELECT count() AS n FROM ${other.table('ticks')} WHERE symbol = 'CONF'`);
      expect(Number(v.n)).toBe(2);
      expect(await other.queryText(`SELECT count() AS n FROM ticks WHERE symbol = 'CONF'`, 'TabSeparated')).toBe('2\n');
      await other.close();
      expect(await store.query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    });

    it('quotes identifiers in table names', () => {
      expect(store.table('news')).toBe(`\`${store.database}\`.\`news\``);
      expect(store.table('we`ird')).toBe(`\`${store.database}\`.\`we\\\`ird\``);
    });

    it('answers ping', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
