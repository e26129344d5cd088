/**
 * The engine's own wall in embedded mode, without the API's checks in front: hostile statements
 * go straight to an analyst connection (`openAnalystConnection`, the engine role
 * `oilwire_analyst`, see shared/store/chdb-access.ts), and the engine's RBAC must refuse each
 * one and leave no trace: no file read or written, no table or dictionary created, no row
 * inserted, no connection reaching a local listener, no command run. The same statements on
 * a pipeline connection show that each detector sees the effect when it happens.
 * What this wall does not cover is pinned in sql-embedded-files.test.ts.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAnalystConnection, openSqlRunner } from '../../../../services/api/adapters/sql-runner.ts';
import { sqlSettings } from '../../../../services/api/routes/sql.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { dropTestStore, openTestStore } from '../../../helpers/store.ts';
import { CountingListener } from './counting-listener.ts';

const SECRET = 'oilwire-confinement-secret-51c2';
const dir = mkdtempSync(join(tmpdir(), 'oilwire-confine-'));
const secret = join(dir, 'secret.txt');
const dataDir = join(dir, 'data');
let store: Store;
let analyst: Store;
let listener: CountingListener;
let port = 0;

beforeAll(async () => {
  writeFileSync(secret, `${SECRET}\n`);
  listener = await CountingListener.open();
  port = listener.port;
  // On disk, as in production: the store starts the engine with its access configuration.
  store = await openTestStore(dataDir);
  await store.insert(store.table('ticks_store'), [{ symbol: 'BRENT', ts: '2026-01-05 10:00:00', price: 80.5, source: 'test' }]);
  analyst = await openAnalystConnection(store);
});

afterAll(async () => {
  await analyst?.close();
  await listener?.close();
  if (store) await dropTestStore(store);
  rmSync(dir, { recursive: true, force: true });
});

const text = (s: Store, sql: string) => s.queryText(sql, 'TabSeparatedRaw');

/** The engine's error type of `sql` on `s`, or 'ok' with the answer. */
async function outcome(s: Store, sql: string): Promise<string> {
  try {
    if (/^(SELECT|DESCRIBE)\b/.test(sql)) return `ok ${await text(s, sql)}`;
    await s.command(sql);
    return 'ok';
  } catch (err) {
    const cause = (err as { cause?: { type?: string; message?: string } }).cause;
    return cause?.type ?? cause?.message ?? String(err);
  }
}

const ticks = async () => Number((await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('ticks_store')}`))[0].n);
const pwned = async () =>
  (await store.query<{ n: string }>(`SELECT count() AS n FROM system.tables WHERE name ILIKE '%pwn%'`))[0].n +
  (await store.query<{ n: string }>(`SELECT count() AS n FROM system.dictionaries WHERE name ILIKE '%pwn%'`))[0].n;

describe('the detectors see each effect on a pipeline connection', () => {
  it('reads the file, reaches the listener and writes a file there', async () => {
    expect(await text(store, `SELECT * FROM file('${secret}', 'LineAsString')`)).toContain(SECRET);
    const before = listener.connections;
    await text(store, `SELECT * FROM url('http://127.0.0.1:${port}/x', 'LineAsString')`);
    expect(listener.connections).toBeGreaterThan(before);
    const out = join(dir, 'pipeline-wrote.txt');
    await store.command(`INSERT INTO FUNCTION file('${out}', 'LineAsString') SELECT 'x'`);
    expect(existsSync(out)).toBe(true);
    rmSync(out);
  });
});

describe('an analyst connection, with no check of ours in front', () => {
  const db = () => store.database;
  const listenerUrl = () => `http://127.0.0.1:${port}`;

  it('still reads oilwire tables and the generators the API allows', async () => {
    expect(await text(analyst, `SELECT count() FROM ${store.table('ticks_store')}`)).toBe('1\n');
    expect(await text(analyst, 'SELECT sum(number) FROM numbers(4)')).toBe('6\n');
    expect(await text(analyst, 'SELECT currentRoles()')).toBe("['oilwire_analyst']\n");
  });

  const sources: [string, () => string, string][] = [
    ['file() as a table', () => `SELECT * FROM file('${secret}', 'LineAsString')`, 'ACCESS_DENIED'],
    ['file() with a glob', () => `SELECT * FROM file('${dir}/*.txt', 'LineAsString')`, 'ACCESS_DENIED'],
    ['the default database read as files', () => `SELECT * FROM default.\`${secret}\``, 'ACCESS_DENIED'],
    ['DESCRIBE of file()', () => `DESCRIBE TABLE file('${secret}')`, 'ACCESS_DENIED'],
    ['url()', () => `SELECT * FROM url('${listenerUrl()}/a', 'LineAsString')`, 'ACCESS_DENIED'],
    ['DESCRIBE of url() (schema inference)', () => `DESCRIBE TABLE url('${listenerUrl()}/b')`, 'ACCESS_DENIED'],
    ['s3()', () => `SELECT * FROM s3('${listenerUrl()}/bucket/key.csv', 'CSV')`, 'ACCESS_DENIED'],
    ['remote()', () => `SELECT * FROM remote('127.0.0.1:${port}', system.one)`, 'ACCESS_DENIED'],
    ['mysql()', () => `SELECT * FROM mysql('127.0.0.1:${port}', 'd', 't', 'u', 'p')`, 'ACCESS_DENIED'],
    ['postgresql()', () => `SELECT * FROM postgresql('127.0.0.1:${port}', 'd', 't', 'u', 'p')`, 'ACCESS_DENIED'],
    ['azureBlobStorage()', () => `SELECT * FROM azureBlobStorage('${listenerUrl()}/acc', 'c', 'b')`, 'ACCESS_DENIED'],
    ['sqlite()', () => `SELECT * FROM sqlite('${join(dir, 'x.db')}', 't')`, 'ACCESS_DENIED'],
    ['hdfs()', () => `SELECT * FROM hdfs('hdfs://127.0.0.1:${port}/x', 'CSV')`, 'ACCESS_DENIED'],
    ['INSERT INTO FUNCTION file()', () => `INSERT INTO FUNCTION file('${join(dir, 'analyst-wrote.txt')}', 'LineAsString') SELECT 'x'`, 'ACCESS_DENIED'],
    ['INSERT INTO FUNCTION url()', () => `INSERT INTO FUNCTION url('${listenerUrl()}/c', 'CSV', 'a UInt8') SELECT 1`, 'ACCESS_DENIED'],
    ['INSERT into an oilwire table', () => `INSERT INTO ${db()}.ticks_store (symbol, ts, price, source) VALUES ('BRENT', '2026-01-05 11:00:00', 1, 'pwn')`, 'ACCESS_DENIED'],
    ['CREATE TABLE', () => `CREATE TABLE ${db()}.pwn (a UInt8) ENGINE = Memory`, 'ACCESS_DENIED'],
    ['CREATE TABLE with the File engine', () => `CREATE TABLE ${db()}.pwn_file (a String) ENGINE = File(LineAsString, '${secret}')`, 'ACCESS_DENIED'],
    [
      'CREATE DICTIONARY with an EXECUTABLE source',
      () => `CREATE DICTIONARY ${db()}.pwn_dict (a UInt8) PRIMARY KEY a SOURCE(EXECUTABLE(COMMAND 'touch ${join(dir, 'ran')}' FORMAT TabSeparated)) LAYOUT(FLAT()) LIFETIME(0)`,
      'ACCESS_DENIED',
    ],
    ['DROP TABLE', () => `DROP TABLE ${db()}.ticks_store`, 'ACCESS_DENIED'],
    ['TRUNCATE', () => `TRUNCATE TABLE ${db()}.ticks_store`, 'ACCESS_DENIED'],
    ['ALTER ... DELETE', () => `ALTER TABLE ${db()}.ticks_store DELETE WHERE 1`, 'ACCESS_DENIED'],
    ['SYSTEM', () => 'SYSTEM DROP DNS CACHE', 'ACCESS_DENIED'],
    ['the engine users', () => 'SELECT count() FROM system.users', 'ACCESS_DENIED'],
  ];

  it.each(sources)('refuses %s, and nothing happened', async (_name, sql, expected) => {
    const before = { connections: listener.connections, ticks: await ticks(), pwned: await pwned() };
    expect(await outcome(analyst, sql())).toBe(expected);
    expect({ connections: listener.connections, ticks: await ticks(), pwned: await pwned() }).toEqual(before);
    expect(existsSync(join(dir, 'analyst-wrote.txt'))).toBe(false);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    expect(readFileSync(secret, 'utf8')).toBe(`${SECRET}\n`);
  });

  it('refuses executable() under the API settings even for a script in the engine folder', async () => {
    // The only folder executable() runs from is the engine's own user_scripts_path (empty, inside the data folder).
    const script = join(dataDir, 'oilwire-access', 'user_scripts', 'pwn.sh');
    writeFileSync(script, `#!/bin/sh\ntouch ${join(dir, 'ran')}\necho 1\n`);
    chmodSync(script, 0o755);
    try {
      const settings = sqlSettings(apiConfigSchema.parse({}).sql);
      await expect(analyst.queryText("SELECT * FROM executable('pwn.sh', 'LineAsString', 'a String')", 'TabSeparated', { settings })).rejects.toMatchObject({ cause: { type: 'READONLY' } });
      expect(existsSync(join(dir, 'ran'))).toBe(false);
    } finally {
      rmSync(script);
    }
  });

  it('keeps the role on the connection that replaces one after an error', async () => {
    await expect(text(analyst, 'SELECT throwIf(1)')).rejects.toThrow();
    expect(await text(analyst, 'SELECT currentRoles()')).toBe("['oilwire_analyst']\n");
    expect(await outcome(analyst, `SELECT * FROM file('${secret}', 'LineAsString')`)).toBe('ACCESS_DENIED');
  });

  it('leaves the pipeline connection its rights: it still writes', async () => {
    const before = await ticks();
    await store.insert(store.table('ticks_store'), [{ symbol: 'BRENT', ts: '2026-01-05 10:02:00', price: 80.6, source: 'test' }]);
    expect(await ticks()).toBe(before + 1);
    expect(await text(store, 'SELECT length(currentRoles()) = 2')).toBe('1\n');
  });

  it('gives every connection of the API pool the role', async () => {
    const runner = await openSqlRunner(store, 2);
    try {
      const settings = sqlSettings(apiConfigSchema.parse({}).sql);
      expect(await runner.run('SELECT currentRoles()', 'TabSeparatedRaw', settings)).toBe("['oilwire_analyst']\n");
    } finally {
      await runner.close();
    }
  });
});
