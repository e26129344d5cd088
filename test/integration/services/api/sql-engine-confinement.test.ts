/**
 * The engine's own wall in embedded mode, without the API's checks in front: hostile statements
 * go straight to an analyst connection (`openAnalystConnection`, the engine role
 * `oilwire_analyst`, see shared/store/chdb-access.ts), and the engine's RBAC must refuse each
 * one and leave no trace: no file read or written, no table or dictionary created, no row
 * inserted, no connection reaching a local listener, no command run. The same statements on
 * a pipeline connection show that each detector sees the effect when it happens.
 * The limits have a wall of the engine's too: a pinned analyst session (`pinAnalystSession`) holds
 * them as its own settings under `readonly = 1`, and the engine refuses every change of a setting on it.
 * What these walls do not cover is pinned in sql-embedded-files.test.ts.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAnalystConnection, openSqlRunner, pinAnalystSession } from '../../../../services/api/adapters/sql-runner.ts';
import { sqlSettings } from '../../../../services/api/routes/sql.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { ANALYST_ROLE } from '../../../../shared/store/chdb-access.ts';
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

describe('a pinned analyst session, with no check of ours in front', () => {
  const settings = sqlSettings(apiConfigSchema.parse({}).sql);
  // A bare chDB session on the same engine: the store would replace its connection after each refusal,
  // and the point here is that the very session the engine refused keeps its limits.
  let session: Session;
  const run = (sql: string) => session.query(sql, 'TabSeparatedRaw');
  const engineOutcome = (sql: string) => {
    try {
      run(sql);
      return 'ok';
    } catch (err) {
      return /\(([A-Z_]+)\)\s*$/.exec((err as Error).message)?.[1] ?? (err as Error).message;
    }
  };
  const limits = () => run("SELECT getSetting('max_memory_usage'), getSetting('readonly'), getSetting('max_execution_time'), getSetting('max_bytes_ratio_before_external_sort')");
  const inForce = `${settings.max_memory_usage}\t1\t${settings.max_execution_time}\t0\n`;

  beforeAll(async () => {
    session = new Session(dataDir);
    run(`SET ROLE ${ANALYST_ROLE}`);
    await pinAnalystSession({ command: async (sql) => void run(sql) }, settings);
  });
  afterAll(() => {
    session?.close();
  });

  it('holds the API limits, under readonly = 1', () => {
    expect(limits()).toBe(inForce);
    expect(run('SELECT currentRoles()')).toBe("['oilwire_analyst']\n");
  });

  const raises: [string, string][] = [
    ['SET max_memory_usage = 0', 'SET max_memory_usage = 0'],
    ['a query SETTINGS max_memory_usage = 0', 'SELECT 1 SETTINGS max_memory_usage = 0'],
    ['a query SETTINGS of a higher cap', 'SELECT 1 SETTINGS max_memory_usage = 100000000000'],
    ['SET readonly = 0', 'SET readonly = 0'],
    ['a query SETTINGS readonly = 0', 'SELECT 1 SETTINGS readonly = 0'],
    ['a query SETTINGS readonly = 2 (which would allow SET)', 'SELECT 1 SETTINGS readonly = 2'],
    ['SET max_execution_time = 0', 'SET max_execution_time = 0'],
    ['SET max_threads = 64', 'SET max_threads = 64'],
    ['SET of the spill ratio back to half the machine', 'SET max_bytes_ratio_before_external_sort = 0.5'],
    ['SET max_memory_usage_for_user (the pipeline shares the engine user)', 'SET max_memory_usage_for_user = 1000000'],
    ["SET result_overflow_mode = 'break'", "SET result_overflow_mode = 'break'"],
  ];

  it.each(raises)('the engine refuses %s, and the limits stay', (_name, sql) => {
    expect(engineOutcome(sql)).toBe('READONLY');
    expect(limits()).toBe(inForce);
  });

  it('a settings profile cannot lift them either: SET profile is taken but changes nothing', () => {
    expect(engineOutcome("SET profile = 'default'")).toBe('ok');
    expect(limits()).toBe(inForce);
  });

  it('widening its roles again (SET ROLE ALL) still leaves it unable to write', async () => {
    run('SET ROLE ALL');
    try {
      const before = { ticks: await ticks(), pwned: await pwned() };
      expect(engineOutcome(`INSERT INTO ${store.table('ticks_store')} (symbol, ts, price, source) VALUES ('BRENT', '2026-01-05 11:00:00', 1, 'pwn')`)).toBe('READONLY');
      expect(engineOutcome(`CREATE TABLE ${store.database}.pwn_pinned (a UInt8) ENGINE = Memory`)).toBe('READONLY');
      expect({ ticks: await ticks(), pwned: await pwned() }).toEqual(before);
    } finally {
      run(`SET ROLE ${ANALYST_ROLE}`);
    }
    expect(limits()).toBe(inForce);
  });

  it('the API pool runs every statement on a pinned session, again after an error replaced the connection', async () => {
    const runner = await openSqlRunner(store, 1);
    try {
      const probe = "SELECT getSetting('readonly') AS r, getSetting('max_memory_usage') AS m";
      const expected = `{"r":1,"m":${settings.max_memory_usage}}\n`;
      // The pool runs the canonical statement bare: what it reads is the session's own settings.
      expect(await runner.run(probe, 'JSONEachRow', settings)).toBe(expected);
      await expect(runner.run('SELECT throwIf(1)', 'JSONEachRow', settings)).rejects.toMatchObject({ code: 'STORE_QUERY_FAILED' });
      expect(await runner.run(probe, 'JSONEachRow', settings)).toBe(expected);
      expect(await runner.run('SELECT currentRoles() AS r', 'JSONEachRow', settings)).toBe('{"r":["oilwire_analyst"]}\n');
    } finally {
      await runner.close();
    }
  });
});
