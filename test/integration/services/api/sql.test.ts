import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { buildApp } from '../../../../services/api/app.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { dropTestStore, openTestStore } from './helpers.ts';

let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  store = await openTestStore();
  await store.command(`CREATE TABLE ${store.table('sample')} (id UInt32, name String) ENGINE = MergeTree ORDER BY id`);
  await store.insert(store.table('sample'), [
    { id: 1, name: 'brent' },
    { id: 2, name: 'wti' },
  ]);
  const config = apiConfigSchema.parse({ sql: { maxResultRows: 50, maxResultBytes: 20_000, maxExecutionTimeSec: 0.5, maxQueryBytes: 2000, connections: 1 } });
  app = await buildApp({ store, config, logger: silentLogger });
});

afterAll(async () => {
  await app?.close();
  await dropTestStore(store);
});

const sql = (payload: string, options: { contentType?: string; format?: string; accept?: string } = {}) =>
  app.inject({
    method: 'POST',
    url: `/sql${options.format ? `?format=${options.format}` : ''}`,
    headers: { 'content-type': options.contentType ?? 'application/sql', ...(options.accept ? { accept: options.accept } : {}) },
    payload,
  });

describe('POST /sql', () => {
  it('answers JSON by default, with unqualified names resolving in the oilwire database', async () => {
    const res = await sql('SELECT id, name FROM sample ORDER BY id');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = res.json();
    expect(body.data).toEqual([
      { id: 1, name: 'brent' },
      { id: 2, name: 'wti' },
    ]);
    expect(body.meta.map((m: { name: string }) => m.name)).toEqual(['id', 'name']);
    expect(body.rows).toBe(2);
  });

  it('answers CSV, TSV and JSON lines, chosen by ?format=, the JSON body or Accept', async () => {
    expect((await sql('SELECT id, name FROM sample ORDER BY id', { format: 'csv' })).body).toBe('"id","name"\n1,"brent"\n2,"wti"\n');
    const tsv = await sql('SELECT id, name FROM sample ORDER BY id', { format: 'tsv' });
    expect(tsv.headers['content-type']).toMatch(/text\/tab-separated-values/);
    expect(tsv.body).toBe('id\tname\n1\tbrent\n2\twti\n');
    expect((await sql('SELECT id FROM sample ORDER BY id', { format: 'jsonl' })).body).toBe('{"id":1}\n{"id":2}\n');
    const fromBody = await sql(JSON.stringify({ query: 'SELECT 1 AS a', format: 'csv' }), { contentType: 'application/json' });
    expect(fromBody.body).toBe('"a"\n1\n');
    expect((await sql('SELECT 1 AS a', { accept: 'text/csv' })).body).toBe('"a"\n1\n');
    // `curl -d` sends form encoding: the body is still the query.
    expect((await sql('SELECT 1 AS a', { contentType: 'application/sql', format: 'csv' })).body).toBe('"a"\n1\n');
  });

  it('refuses writes, DDL and multiple statements with 400 and the reason', async () => {
    for (const [query, reason] of [
      ['INSERT INTO sample VALUES (3, \'x\')', /INSERT is a write/],
      ['DROP TABLE sample', /DROP is DDL/],
      ['ALTER TABLE sample DELETE WHERE 1', /ALTER is DDL/],
      ['CREATE TABLE t2 (x UInt8) ENGINE = Memory', /CREATE is DDL/],
      ['SELECT 1; DROP TABLE sample', /multiple statements/],
      ['SELECT 1 SETTINGS readonly = 0', /SETTINGS/],
      ['SET readonly = 0', /SET changes/],
    ] as const) {
      const res = await sql(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toMatchObject({ error: 'SQL_REFUSED', retryable: false });
      expect(res.json().message, query).toMatch(reason);
    }
    const [row] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('sample')}`);
    expect(Number(row.n)).toBe(2);
  });

  it('refuses what the lexer lets through but the engine-parsed policy does not: table functions that reach files', async () => {
    const res = await sql("SELECT * FROM file('/etc/hostname', 'LineAsString')");
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'SQL_REFUSED' });
    expect(res.json().message).toMatch(/table function file\(\)/);
  });

  it('enforces the result row, byte and time limits with 422', async () => {
    const rows = await sql('SELECT number FROM numbers(51)');
    expect(rows.statusCode).toBe(422);
    expect(rows.json()).toMatchObject({ error: 'SQL_LIMIT_EXCEEDED' });
    expect(rows.json().message).toMatch(/max rows: 50/);
    expect((await sql('SELECT number FROM numbers(50)')).statusCode).toBe(200);

    const bytes = await sql("SELECT repeat(toString(number % 10), 1000) AS s FROM numbers(40)");
    expect(bytes.statusCode).toBe(422);
    expect(bytes.json().message).toMatch(/max bytes/);

    const slow = await sql('SELECT sum(cityHash64(number)) FROM numbers(100000000000)');
    expect(slow.statusCode).toBe(422);
    expect(slow.json()).toMatchObject({ error: 'SQL_LIMIT_EXCEEDED', details: { engine: 'TIMEOUT_EXCEEDED' } });
  });

  it('leaves nothing of a failed query for the next one (the engine keeps partial output on its connection)', async () => {
    // Default limits: the first 65k-row block is written out before the error in the second one.
    const roomy = await buildApp({ store, config: apiConfigSchema.parse({ sql: { connections: 1 } }), logger: silentLogger });
    try {
      const run = (payload: string) => roomy.inject({ method: 'POST', url: '/sql?format=jsonl', headers: { 'content-type': 'application/sql' }, payload });
      const failed = await run('SELECT throwIf(number = 100000) AS x FROM numbers(200000)');
      expect(failed.statusCode).toBe(400);
      expect(failed.json().error).toBe('STORE_QUERY_FAILED');
      expect((await run('SELECT 1 AS x')).body).toBe('{"x":1}\n');
    } finally {
      await roomy.close();
    }
  });

  it('does not leave the process read-only: the pipeline still writes after analyst queries', async () => {
    await sql('SELECT 1');
    await store.insert(store.table('sample'), [{ id: 3, name: 'dubai' }]);
    const [row] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('sample')}`);
    expect(Number(row.n)).toBe(3);
    await store.command(`ALTER TABLE ${store.table('sample')} DELETE WHERE id = 3 SETTINGS mutations_sync = 1`);
  });

  it('reports bad SQL, bad formats, missing and oversized queries clearly', async () => {
    const bad = await sql('SELECT * FROM no_such_table');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'STORE_QUERY_FAILED' });
    expect(bad.json().message).toMatch(/no_such_table/);
    const format = await sql('SELECT 1', { format: 'xml' });
    expect(format.statusCode).toBe(400);
    expect(format.json().message).toMatch(/format must be one of json, jsonl, csv, tsv/);
    const missing = await sql(JSON.stringify({ q: 'SELECT 1' }), { contentType: 'application/json' });
    expect(missing.statusCode).toBe(400);
    const big = await sql(`SELECT '${'x'.repeat(2100)}'`);
    expect(big.statusCode).toBe(413);
  });
});
