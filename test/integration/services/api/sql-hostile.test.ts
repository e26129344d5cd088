/**
 * Hostile analyst SQL against the real engine: every payload must be refused (or, where the
 * engine reads it as something harmless, answer without effect), and none may leave a side
 * effect: no file created or changed, no table or dictionary created, no connection to a
 * local listener, no secret in the answer. The detectors are shown to work first, by
 * asking the engine directly for the same effects.
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/api/app.ts';
import { openSqlRunner, type SqlRunner } from '../../../../services/api/adapters/sql-runner.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { sqlSettings } from '../../../../services/api/routes/sql.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { CountingListener } from './counting-listener.ts';
import { dropTestStore, openTestStore } from './helpers.ts';

const SECRET = 'oilwire-hostile-secret-7f3a';
let store: Store;
let app: FastifyInstance;
let runner: SqlRunner;
let dir: string;
let listener: CountingListener;
let port = 0;
let filesBefore: string[];
let secretMtime: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oilwire-hostile-'));
  writeFileSync(join(dir, 'secret.txt'), `${SECRET}\n`);
  secretMtime = statSync(join(dir, 'secret.txt')).mtimeMs;
  filesBefore = readdirSync(dir).sort();
  listener = await CountingListener.open();
  port = listener.port;
  store = await openTestStore();
  await store.insert(store.table('ticks_store'), [
    { symbol: 'BRENT', ts: '2026-01-05 10:00:00', price: 80.5, source: 'test' },
    { symbol: 'BRENT', ts: '2026-01-05 10:01:00', price: 80.7, source: 'test' },
  ]);
  runner = await openSqlRunner(store, 1);
  app = await buildApp({ store, config: apiConfigSchema.parse({ sql: { connections: 1, maxExecutionTimeSec: 5 }, rateLimit: { perMinute: 100_000, burst: 10_000 } }), logger: silentLogger });
});

afterAll(async () => {
  await app?.close();
  await runner?.close();
  await listener?.close();
  if (store) await dropTestStore(store);
  rmSync(dir, { recursive: true, force: true });
});

const post = (query: string) =>
  app.inject({ method: 'POST', url: '/sql?format=jsonl', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ query }) });

async function createdObjects(): Promise<string[]> {
  const rows = await store.query<{ name: string }>(
    `SELECT concat(database, '.', name) AS name FROM system.tables WHERE name ILIKE '%pwn%' UNION ALL SELECT concat(database, '.', name) FROM system.dictionaries UNION ALL SELECT name FROM system.functions WHERE origin != 'System'`,
  );
  return rows.map((r) => r.name);
}

/** Every side effect a payload could have had; empty when there was none. */
async function sideEffects(): Promise<string[]> {
  const found: string[] = [];
  const files = readdirSync(dir).sort();
  if (JSON.stringify(files) !== JSON.stringify(filesBefore)) found.push(`files now ${files.join(', ')}`);
  if (readFileSync(join(dir, 'secret.txt'), 'utf8') !== `${SECRET}\n` || statSync(join(dir, 'secret.txt')).mtimeMs !== secretMtime) found.push('secret.txt changed');
  if (listener.connections > 0) found.push(`${listener.connections} connection(s) reached the listener`);
  for (const name of await createdObjects()) found.push(`object ${name} exists`);
  return found;
}

describe('the side-effect detectors', () => {
  it('see what the engine does when asked directly (so their silence below means something)', async () => {
    await store.command(`INSERT INTO FUNCTION file('${dir}/probe.txt', 'LineAsString') SELECT 'x'`);
    await store.query(`SELECT * FROM url('http://127.0.0.1:${port}/', 'LineAsString')`);
    await store.command(`CREATE TABLE ${store.table('pwn_probe')} (x UInt8) ENGINE = Memory`);
    const [read] = await store.query<{ s: string }>(`SELECT file('${dir}/secret.txt') AS s`);
    expect(read.s).toContain(SECRET);
    try {
      // url() connects once for schema inference and once to read.
      expect(await sideEffects()).toEqual([`files now probe.txt, secret.txt`, expect.stringMatching(/^\d+ connection\(s\) reached the listener$/), `object ${store.database}.pwn_probe exists`]);
    } finally {
      rmSync(join(dir, 'probe.txt'));
      await store.command(`DROP TABLE ${store.table('pwn_probe')}`);
      listener.connections = 0;
    }
    expect(await sideEffects()).toEqual([]);
  });
});

/** `{dir}`, `{port}` and `{secret}` are filled in; each string is one request body. */
const REFUSED: [string, string][] = [
  // Class 1: quotes the engine reads and a hand-written lexer may not.
  ['typographic single quotes hide a second statement', "SELECT \u2018a\u2019; CREATE TABLE pwn_q1 (x UInt8) ENGINE = Memory; SELECT \u2018b\u2019"],
  ['typographic double quotes hide a second statement', 'SELECT \u201Ca\u201D; CREATE TABLE pwn_q2 (x UInt8) ENGINE = Memory'],
  ['a typographic quote opened inside a comment', "SELECT 1 -- \u2018\n; INSERT INTO FUNCTION file('{dir}/pwn_q3.txt', 'LineAsString') SELECT 'x'"],
  ['a lone typographic quote before OUTFILE', "SELECT \u2018x\u2019 INTO OUTFILE '{dir}/pwn_q4.txt'"],
  ['fullwidth and modifier apostrophes', "SELECT \uFF07a\uFF07, \u02BCb\u02BC; CREATE TABLE pwn_q5 (x UInt8) ENGINE = Memory"],
  ['low-9 and guillemet quotes', 'SELECT \u201Ea\u201C, \u00ABb\u00BB; CREATE TABLE pwn_q6 (x UInt8) ENGINE = Memory'],
  ['prime and reversed quotes', "SELECT \u2032a\u2032, \u201Bb\u201B; DROP DATABASE {db}"],
  ['a typographic-quoted EXECUTABLE dictionary', "SELECT \u2018a\u2019; CREATE DICTIONARY pwn_q8 (a UInt8) PRIMARY KEY a SOURCE(EXECUTABLE(COMMAND 'touch {dir}/pwn_q8' FORMAT TSV)) LAYOUT(FLAT()) LIFETIME(0); SELECT dictGet('pwn_q8', 'a', 1)"],
  ['a typographic-quoted url() call', "SELECT \u2018a\u2019; SELECT * FROM url('http://127.0.0.1:{port}/', 'LineAsString')"],
  // Comments and heredocs.
  ['a statement after a -- comment line', "SELECT 1 -- comment\n; CREATE TABLE pwn_c1 (x UInt8) ENGINE = Memory"],
  ['a statement after a # comment line', "SELECT 1 # ' unbalanced\n; CREATE TABLE pwn_c2 (x UInt8) ENGINE = Memory"],
  ['nested block comments around a semicolon', 'SELECT 1 /* /* */ ; CREATE TABLE pwn_c3 (x UInt8) ENGINE = Memory; /* */'],
  ['a heredoc before a second statement', 'SELECT $$a$$; CREATE TABLE pwn_h1 (x UInt8) ENGINE = Memory'],
  ['a tagged heredoc holding a semicolon', 'SELECT $t$;$t$ AS s; CREATE TABLE pwn_h2 (x UInt8) ENGINE = Memory'],
  ['a heredoc holding a quote', "SELECT $$ ' $$; INSERT INTO FUNCTION file('{dir}/pwn_h3.txt', 'LineAsString') SELECT 'x'"],
  // Multi-statements.
  ['two statements', 'SELECT 1;CREATE TABLE pwn_m1 (x UInt8) ENGINE = Memory'],
  ['a SET before the query', 'SET readonly = 0; SELECT 1'],
  ['a KILL after the query', 'SELECT 1;\n\nKILL QUERY WHERE 1 SYNC'],
  // SETTINGS, FORMAT and INTO OUTFILE in any form.
  ['a SETTINGS clause', 'SELECT 1 SETTINGS readonly = 0'],
  ['SETTINGS after a tab, lower case', 'SELECT 1 settings\tmax_memory_usage = 0'],
  ['SETTINGS after a no-break space', 'SELECT * FROM numbers(10) SETTINGS\u00A0max_threads = 64'],
  ['SETTINGS inside a subquery', 'SELECT * FROM (SELECT 1 SETTINGS max_memory_usage = 0)'],
  ['SETTINGS inside a CTE', 'WITH q AS (SELECT 1 SETTINGS readonly = 0) SELECT * FROM q'],
  ['a FORMAT clause', 'SELECT 1 FORMAT JSON'],
  ['FORMAT across a line break', 'SELECT 1 format\nTabSeparatedRaw'],
  ['INTO OUTFILE', "SELECT 1 INTO OUTFILE '{dir}/pwn_o1.txt'"],
  ['INTO OUTFILE with a comment between', "SELECT 1 INTO/**/OUTFILE '{dir}/pwn_o2.txt' TRUNCATE FORMAT CSV"],
  ['INTO OUTFILE APPEND onto an existing file', "SELECT 'x' INTO OUTFILE '{dir}/secret.txt' APPEND"],
  ['INTO OUTFILE after a CTE', "WITH 1 AS x SELECT x INTO OUTFILE '{dir}/pwn_o3.txt'"],
  // Class 2: functions that reach files, the network, processes, dictionaries.
  ['scalar file()', "SELECT file('{dir}/secret.txt')"],
  ['scalar file() in mixed case', "SELECT FiLe('{dir}/secret.txt')"],
  ['scalar file() as a quoted name', "SELECT `file`('{dir}/secret.txt')"],
  ['scalar file() in WHERE', "SELECT 1 WHERE file('{dir}/secret.txt') != ''"],
  ['scalar file() in a lambda', "SELECT arrayMap(x -> file(x), ['{dir}/secret.txt'])"],
  ['scalar file() in a scalar subquery', "WITH (SELECT file('{dir}/secret.txt')) AS s SELECT s"],
  ['scalar file() of /proc/self/environ', "SELECT file('/proc/self/environ')"],
  ['table file()', "SELECT * FROM file('{dir}/secret.txt', 'LineAsString')"],
  ['table file() in a subquery', "SELECT * FROM (SELECT * FROM file('{dir}/secret.txt', 'LineAsString'))"],
  ['table file() joined to an oilwire view', "SELECT * FROM ticks AS t JOIN file('{dir}/secret.txt', 'LineAsString') AS f ON 1"],
  ['table file() after UNION ALL', "SELECT symbol FROM ticks UNION ALL SELECT * FROM file('{dir}/secret.txt', 'LineAsString')"],
  ['url()', "SELECT * FROM url('http://127.0.0.1:{port}/', 'LineAsString')"],
  ['URL() upper case', "SELECT * FROM URL('http://127.0.0.1:{port}/', 'LineAsString')"],
  ['s3()', "SELECT * FROM s3('http://127.0.0.1:{port}/bucket/key.csv', 'CSV', 'x String')"],
  ['remote()', "SELECT * FROM remote('127.0.0.1:{port}', system.one)"],
  ['remoteSecure()', "SELECT * FROM remoteSecure('127.0.0.1:{port}', system.one)"],
  ['cluster()', "SELECT * FROM cluster('default', system.one)"],
  ['mysql()', "SELECT * FROM mysql('127.0.0.1:{port}', 'db', 't', 'u', 'p')"],
  ['postgresql()', "SELECT * FROM postgresql('127.0.0.1:{port}', 'db', 't', 'u', 'p')"],
  ['mongodb()', "SELECT * FROM mongodb('127.0.0.1:{port}', 'db', 'c', 'u', 'p', 'x String')"],
  ['redis()', "SELECT * FROM redis('127.0.0.1:{port}', 'k', 'k String, v String')"],
  ['sqlite()', "SELECT * FROM sqlite('{dir}/pwn_s.db', 't')"],
  ['hdfs()', "SELECT * FROM hdfs('hdfs://127.0.0.1:{port}/f', 'TSV', 'x String')"],
  ['azureBlobStorage()', "SELECT * FROM azureBlobStorage('http://127.0.0.1:{port}/a', 'c', 'f.csv')"],
  ['iceberg()', "SELECT * FROM iceberg('http://127.0.0.1:{port}/t/')"],
  ['deltaLake()', "SELECT * FROM deltaLake('http://127.0.0.1:{port}/t/')"],
  ['jdbc() and odbc()', "SELECT * FROM jdbc('jdbc:mysql://127.0.0.1:{port}/db', 't')"],
  ['executable()', "SELECT * FROM executable('touch {dir}/pwn_x1', 'TSV', 'x String')"],
  ['input()', "SELECT * FROM input('x String')"],
  ['merge() over system tables', "SELECT * FROM merge('system', '^processes$')"],
  ['generateRandom()', "SELECT * FROM generateRandom('a String') LIMIT 1"],
  ['filesystem()', "SELECT * FROM filesystem('{dir}')"],
  ['view() wrapping file()', "SELECT * FROM view(SELECT file('{dir}/secret.txt'))"],
  ['dictionary()', "SELECT * FROM dictionary('pwn')"],
  ['dictGet()', "SELECT dictGet('pwn', 'a', toUInt64(1))"],
  ['dictGetOrDefault()', "SELECT dictGetOrDefault('pwn', 'a', toUInt64(1), 'x')"],
  ['joinGet() on a system table', "SELECT joinGet('system.processes', 'query', 1)"],
  ['hasColumnInTable() to a remote host', "SELECT hasColumnInTable('127.0.0.1:{port}', 'default', '', 'db', 't', 'c')"],
  ['catboostEvaluate() on a file', "SELECT catboostEvaluate('{dir}/secret.txt', 1)"],
  ['showCertificate()', 'SELECT showCertificate()'],
  ['getServerSetting()', "SELECT getServerSetting('user_files_path')"],
  ['INSERT INTO FUNCTION file()', "INSERT INTO FUNCTION file('{dir}/pwn_i1.txt', 'LineAsString') SELECT 'x'"],
  ['INSERT INTO FUNCTION url()', "INSERT INTO FUNCTION url('http://127.0.0.1:{port}/', 'LineAsString') SELECT 'x'"],
  // DDL and state.
  ['CREATE DICTIONARY with an EXECUTABLE source', "CREATE DICTIONARY pwn_d1 (a UInt8) PRIMARY KEY a SOURCE(EXECUTABLE(COMMAND 'touch {dir}/pwn_d1' FORMAT TSV)) LAYOUT(FLAT()) LIFETIME(0)"],
  ['CREATE TABLE ENGINE = URL', "CREATE TABLE pwn_t1 (x String) ENGINE = URL('http://127.0.0.1:{port}/', CSV)"],
  ['CREATE FUNCTION', 'CREATE FUNCTION pwn_f1 AS () -> 1'],
  ['DROP DATABASE', 'DROP DATABASE {db}'],
  ['SYSTEM', 'SYSTEM RELOAD DICTIONARIES'],
  ['OPTIMIZE', 'OPTIMIZE TABLE ticks_store FINAL'],
  ['GRANT', 'GRANT ALL ON *.* TO default'],
  ['BACKUP', "BACKUP TABLE ticks_store TO File('{dir}/pwn_b1')"],
  ['USE', 'USE system'],
  // DESCRIBE / EXPLAIN / SHOW tricks, other analysts' queries, other databases.
  ['DESCRIBE over url()', "DESCRIBE TABLE url('http://127.0.0.1:{port}/', 'CSV')"],
  ['DESC over file()', "DESC file('{dir}/secret.txt')"],
  ['DESCRIBE over s3()', "DESCRIBE TABLE s3('http://127.0.0.1:{port}/b/k.csv')"],
  ['DESCRIBE of a subquery reading file()', "DESCRIBE (SELECT * FROM file('{dir}/secret.txt'))"],
  ['EXPLAIN over url()', "EXPLAIN SELECT * FROM url('http://127.0.0.1:{port}/', 'LineAsString')"],
  ['EXPLAIN SYNTAX over file()', "EXPLAIN SYNTAX SELECT file('{dir}/secret.txt')"],
  ['SHOW CREATE over a table function', "SHOW CREATE TABLE url('http://127.0.0.1:{port}/', 'CSV')"],
  ['SHOW PROCESSLIST', 'SHOW PROCESSLIST'],
  ['SHOW TABLES FROM system', 'SHOW TABLES FROM system'],
  ['SHOW DATABASES', 'SHOW DATABASES'],
  ['SHOW SETTINGS', "SHOW SETTINGS LIKE '%path%'"],
  ['SHOW GRANTS', 'SHOW GRANTS'],
  ['EXISTS over a system table', 'EXISTS TABLE system.processes'],
  ['system.processes', 'SELECT query FROM system.processes'],
  ['system.processes quoted', 'SELECT query FROM `system`.`processes`'],
  ['system.processes double-quoted', 'SELECT query FROM "system"."processes"'],
  ['system.processes in IN', "SELECT 1 WHERE 'x' IN system.processes"],
  ['system.processes in a subquery', "SELECT 1 WHERE 'x' IN (SELECT query FROM system.processes)"],
  ['system.query_log', 'SELECT query FROM system.query_log'],
  ['system.settings', "SELECT value FROM system.settings WHERE name = 'readonly'"],
  ['information_schema', 'SELECT * FROM INFORMATION_SCHEMA.TABLES'],
  ['another database', 'SELECT * FROM default.anything'],
  ['DESCRIBE of a system table', 'DESCRIBE TABLE system.processes'],
];

/** Payloads the engine reads as something harmless: they may run, but must do nothing else. */
const HARMLESS: [string, string][] = [
  ['a MySQL-style executable comment is only a comment', '/*! CREATE TABLE pwn_e1 (x UInt8) ENGINE = Memory */ SELECT 1 AS x'],
  ['a statement inside nested block comments', 'SELECT 1 AS x /* /* ; CREATE TABLE pwn_e2 (x UInt8) ENGINE = Memory */ */'],
  ['a trailing semicolon and comment', 'SELECT 1 AS x; -- then nothing'],
  ['typographic quotes read as a string and an identifier', 'SELECT \u2018a\u2019 AS \u201Cx\u201D'],
];

const fill = (s: string) => s.replaceAll('{dir}', dir).replaceAll('{port}', String(port)).replaceAll('{db}', store.database).replaceAll('{secret}', SECRET);

describe('hostile analyst SQL', () => {
  it.each(REFUSED)('refuses %s, with no side effect', async (_name, template) => {
    const res = await post(fill(template));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'SQL_REFUSED', retryable: false });
    expect(res.body).not.toContain(SECRET);
    expect(await sideEffects()).toEqual([]);
  });

  it.each(HARMLESS)('runs %s, with no side effect', async (_name, template) => {
    const res = await post(fill(template));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain(SECRET);
    expect(await sideEffects()).toEqual([]);
  });
});

describe('the engine-parsed wall alone (no early lexer in front)', () => {
  const settings = sqlSettings(apiConfigSchema.parse({}).sql);
  it.each(REFUSED)('refuses %s, with no side effect', async (_name, template) => {
    const err = await runner.run(fill(template), 'JSONEachRow', settings).then(
      (text) => new Error(`ran: ${text}`),
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'SQL_REFUSED' });
    expect((err as Error).message).not.toContain(SECRET);
    expect(await sideEffects()).toEqual([]);
  });
});

describe('legitimate analyst SQL still works', () => {
  it.each([
    ['a read of a view', 'SELECT symbol, price FROM ticks ORDER BY ts', '{"symbol":"BRENT","price":80.5}\n{"symbol":"BRENT","price":80.7}\n'],
    ['a qualified name', 'SELECT count() AS n FROM {db}.ticks', '{"n":2}\n'],
    ['a CTE and a join of views', 'WITH last AS (SELECT symbol, max(ts) AS ts FROM ticks GROUP BY symbol) SELECT t.price FROM ticks AS t JOIN last USING (symbol, ts)', '{"price":80.7}\n'],
    ['aggregates with combinators and window functions', 'SELECT round(avg(price), 2) AS a, countIf(price > 80.6) AS c, max(price) OVER () AS m FROM ticks GROUP BY price ORDER BY price LIMIT 1', '{"a":80.5,"c":0,"m":80.7}\n'],
    ['numbers() and system.one', 'SELECT sum(number) AS s FROM numbers(10) WHERE 1 IN (SELECT dummy + 1 FROM system.one)', '{"s":45}\n'],
    ['string format(), lambdas, arrays, tuples, casts', "SELECT format('{}-{}', 'a', 'b') AS f, arrayMap(x -> x * 2, [1, 2]) AS m, (1, 'z').2 AS t, 5::Int8 AS i", '{"f":"a-b","m":[2,4],"t":"z","i":5}\n'],
    ['UNION, INTERSECT, subqueries', 'SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2 AS x) WHERE x IN (SELECT 2 INTERSECT SELECT 2)', '{"x":2}\n'],
    ['SHOW TABLES', 'SHOW TABLES', /"name":"ticks"/],
    ['DESCRIBE TABLE of a view', 'DESCRIBE ticks', /"name":"symbol"/],
  ])('%s', async (_name, query, expected) => {
    const res = await post(fill(query));
    expect(res.statusCode, res.body).toBe(200);
    if (typeof expected === 'string') expect(res.body).toBe(expected);
    else expect(res.body).toMatch(expected);
    expect(await sideEffects()).toEqual([]);
  });
});
