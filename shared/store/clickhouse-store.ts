// First: it sets the allocator options that libchdb.so reads when `chdb` loads it.
import './chdb-allocator.ts';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Session } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, wrapError } from '../errors.ts';
import { redactUrl } from '../runtime/redact.ts';
import { writeEngineConfig } from './chdb-access.ts';
import { DAMAGE_ENGINE_ERRORS, engineErrorType, skipIndexDamage, storeError } from './engine-errors.ts';
import { quoteIdent, type QueryOptions, type Settings, type Store, type StoreDamage } from './port.ts';

export interface StoreOptions {
  /** ClickHouse server URL; without it the embedded engine (chDB) is used. */
  url?: string;
  username?: string;
  password?: string;
  /** Data folder of the embedded engine; ':memory:' for a throwaway one. */
  path?: string;
  database: string;
  requestTimeoutMs?: number;
  /**
   * Told when the engine reports a damaged part (`found`, awaited before the check and repair start) and when the
   * repair ends (`repaired`, with the parts the engine moved aside, or `failed`): the store has no logger of its own.
   */
  onDamage?: (event: DamageEvent) => void | Promise<void>;
}

export interface DamageEvent {
  event: 'found' | 'repaired' | 'failed';
  damage: StoreDamage;
  /** `repaired`: the parts the engine moved to `detached/` (`table/broken-on-start_<part>`). */
  movedAside?: string[];
  /** `repaired`: the skip indexes rebuilt from their parts' own columns (`table.index`), every row kept where it was. */
  rebuiltIndexes?: string[];
}

// libchdb binds one data directory per process: stores in a process may open several connections, all on one folder.
// The first connection starts the engine with our access configuration (chdb-access.ts); an anchor session holds
// it (and a ':memory:' store's throwaway folder) until the last connection closes.
interface ChdbEngine {
  path: string;
  dir: string;
  connections: number;
  anchor: Session;
  temporary: boolean;
  /** What the engine said of damaged parts, and the repair of them: one engine, one state, whichever store hit it. */
  damage: DamageState;
  /** Set while a repair has tables detached: every store operation waits for it instead of meeting UNKNOWN_TABLE (final). */
  gate?: Promise<void>;
  /** Store operations under way on the engine. */
  running: number;
  /** Told when `running` falls to 0: a repair waiting for the operations under way to end. */
  idle: (() => void)[];
  /** Tables a repair detached and could not attach again yet: the next repair attaches them first. */
  detached: Set<string>;
}
let openChdb: ChdbEngine | undefined;

function startChdb(wanted: string): ChdbEngine {
  const temporary = wanted === ':memory:';
  const dir = temporary ? mkdtempSync(join(tmpdir(), 'oilwire-chdb-')) : wanted;
  try {
    mkdirSync(dir, { recursive: true });
    const args = writeEngineConfig(join(dir, 'oilwire-access'));
    return { path: wanted, dir, connections: 0, anchor: new Session(dir, { connectionArgs: args }), temporary, damage: {}, running: 0, idle: [], detached: new Set() };
  } catch (err) {
    if (temporary) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function openChdbConnection(path: string): { connection: ReturnType<typeof createChdbConnection>; release: () => Promise<void>; engine: ChdbEngine } {
  const wanted = path === ':memory:' ? path : resolve(path);
  if (openChdb && openChdb.path !== wanted) {
    throw new AppError('CONFIG_INVALID', `the embedded store is already open at ${openChdb.path}; one process can use one chDB data folder (asked for ${wanted})`);
  }
  openChdb ??= startChdb(wanted);
  const engine = openChdb;
  const connection = createChdbConnection({ path: engine.dir });
  engine.connections++;
  let released = false;
  return {
    connection,
    engine,
    release: async () => {
      if (released) return;
      released = true;
      await connection.close();
      if (--engine.connections <= 0 && openChdb === engine) {
        openChdb = undefined;
        engine.anchor.close();
        if (engine.temporary) rmSync(engine.dir, { recursive: true, force: true });
      }
    },
  };
}


/**
 * Per-query settings travel in the statement's own SETTINGS clause. The embedded
 * connection turns `clickhouse_settings` into session-wide `SET`s that outlive the query
 * (a `readonly=1` would lock the whole process, a dedup token would stick to later
 * inserts); a SETTINGS clause is scoped to its statement on chDB and on a server alike.
 */
export function settingsClause(settings: Settings | undefined): string {
  const entries = Object.entries(settings ?? {});
  if (entries.length === 0) return '';
  return (
    ' SETTINGS ' +
    entries
      .map(([k, v]) => {
        if (!/^[a-z_][a-z0-9_]*$/i.test(k)) throw new AppError('INPUT_INVALID', `invalid setting name ${JSON.stringify(k)}`);
        const value = typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? '1' : '0') : `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
        return `${k} = ${value}`;
      })
      .join(', ')
  );
}

function withSettings(sql: string, settings: Settings | undefined): string {
  const clause = settingsClause(settings);
  return clause ? `${sql}\n${clause.trimStart()}` : sql;
}

interface DamageState {
  damage?: StoreDamage;
  running?: Promise<void>;
  lastAttemptAt?: number;
}

/** A server's damage state, per server and database: the stores of one process on it (isolated ones too) share it. */
const serverDamage = new Map<string, DamageState>();

/** A repair is tried again at most this often while the damage lasts (each damaged read, each readiness probe asks). */
export const REPAIR_INTERVAL_MS = 5_000;

interface BrokenPart {
  table: string;
  part: string;
  message: string;
}

/** The engine's own check of every part of each MergeTree table of `database` (sizes and checksums of its files). */
async function brokenParts(client: ClickHouseClient, database: string): Promise<BrokenPart[]> {
  const tables = await mergeTreeTables(client, database);
  const broken: BrokenPart[] = [];
  for (const table of tables) {
    const rs = await client.query({
      query: `CHECK TABLE ${quoteIdent(database)}.${quoteIdent(table)} SETTINGS check_query_single_value_result = 0`,
      format: 'JSONEachRow',
    });
    for (const row of (await rs.json()) as { part_path: string; is_passed: number | string; message: string }[]) {
      if (Number(row.is_passed) !== 1) broken.push({ table, part: row.part_path, message: row.message.slice(0, 300) });
    }
  }
  return broken;
}

async function mergeTreeTables(client: ClickHouseClient, database: string): Promise<string[]> {
  const rs = await client.query({
    query: `SELECT name FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree' ORDER BY name`,
    format: 'JSONEachRow',
    query_params: { db: database },
  });
  return ((await rs.json()) as { name: string }[]).map((r) => r.name);
}


/**
 * Rebuilds damaged skip indexes from the columns of their parts (MATERIALIZE INDEX, a mutation: each part is written
 * anew with its columns linked and the index computed again), waiting for it. Unlike moving the part aside this keeps
 * its rows even when the source parts of its merge are gone from disk; returns `table.index` for each one rebuilt.
 */
async function rebuildSkipIndexes(client: ClickHouseClient, database: string, damage: Map<string, Set<string>>): Promise<string[]> {
  const rebuilt: string[] = [];
  for (const [table, indexes] of damage) {
    for (const index of indexes) {
      await client.command({ query: `ALTER TABLE ${quoteIdent(database)}.${quoteIdent(table)} MATERIALIZE INDEX ${quoteIdent(index)} SETTINGS mutations_sync = 2` });
      rebuilt.push(`${table}.${index}`);
    }
  }
  return rebuilt;
}

/** How long a repair waits for the store operations under way to end, and keeps trying to attach a table again. */
const RELOAD_WAIT_MS = 30_000;

/**
 * DETACH TABLE + ATTACH TABLE of each table, the gate closed: the operations under way end first (up to
 * RELOAD_WAIT_MS; the engine refuses the ATTACH of a table a query still holds, "detached but still used by some
 * query"), then each table is detached and attached again, the ATTACH retried for as long; a table left detached
 * is kept in `engine.detached` for the next repair to attach first.
 */
async function reloadTables(client: ClickHouseClient, engine: ChdbEngine, database: string, tables: string[]): Promise<void> {
  let open!: () => void;
  engine.gate = new Promise<void>((resolve) => (open = resolve));
  try {
    if (engine.running > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => engine.idle.push(resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, RELOAD_WAIT_MS)))]);
      clearTimeout(timer);
    }
    for (const table of tables) {
      await client.command({ query: `DETACH TABLE ${quoteIdent(database)}.${quoteIdent(table)}` });
      engine.detached.add(`${database}\u0000${table}`);
    }
    for (const key of [...engine.detached]) {
      const [db, table] = key.split('\u0000');
      const attachBy = Date.now() + RELOAD_WAIT_MS;
      for (;;) {
        try {
          await client.command({ query: `ATTACH TABLE ${quoteIdent(db)}.${quoteIdent(table)}` });
          break;
        } catch (err) {
          if (engineErrorType(err) === 'TABLE_ALREADY_EXISTS') break;
          if (Date.now() >= attachBy) throw err;
          await sleep(50);
        }
      }
      engine.detached.delete(key);
    }
  } finally {
    engine.gate = undefined;
    open();
  }
}

export class ClickHouseStore implements Store {
  readonly kind: 'chdb' | 'server';
  readonly database: string;
  private client: ClickHouseClient;
  private releaseChdb?: () => Promise<void>;
  private chdbPath?: string;
  private serverOptions?: StoreOptions;
  private closed = false;
  /** Embedded: the role every connection of this store narrows itself to (an analyst connection). */
  private role?: string;
  /** Set when a replacement connection could not take the role: the store then refuses all work. */
  private unconfined?: AppError;
  private engine?: ChdbEngine;
  private damageState: DamageState = {};
  private onDamage?: StoreOptions['onDamage'];

  private constructor(client: ClickHouseClient, kind: 'chdb' | 'server', database: string) {
    this.client = client;
    this.kind = kind;
    this.database = database;
  }

  private static chdbClient(path: string): { client: ClickHouseClient; release: () => Promise<void>; engine: ChdbEngine } {
    const { connection, release, engine } = openChdbConnection(path);
    return { client: createClient({ connection: connection as never, clickhouse_settings: { date_time_input_format: 'best_effort' } }), release, engine };
  }

  /** The embedded store's connection to the engine (`path`), with the engine's shared damage state. */
  private attachChdb(path: string, opened: { client: ClickHouseClient; release: () => Promise<void>; engine: ChdbEngine }): void {
    this.chdbPath = path;
    this.releaseChdb = opened.release;
    this.engine = opened.engine;
    this.damageState = opened.engine.damage;
  }

  private attachServer(options: StoreOptions): void {
    this.serverOptions = options;
    const key = `${options.url ?? ''}|${options.database}`;
    let state = serverDamage.get(key);
    if (!state) serverDamage.set(key, (state = {}));
    this.damageState = state;
  }

  /**
   * Every operation: waits while a repair holds the gate, is counted while it runs (the repair detaches a table only
   * once none runs: the engine refuses to attach a table again while a query still holds it), and turns a failure
   * into an AppError.
   */
  private async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    while (this.engine?.gate) await this.engine.gate;
    const engine = this.engine;
    if (engine) engine.running++;
    try {
      return await work();
    } catch (err) {
      await this.afterError();
      throw this.failed(err, what);
    } finally {
      if (engine && --engine.running === 0) for (const done of engine.idle.splice(0)) done();
    }
  }

  private failed(err: unknown, what: string): AppError {
    const error = storeError(err, what);
    const type = engineErrorType(err);
    if (type && DAMAGE_ENGINE_ERRORS.has(type)) {
      const state = this.damageState;
      const message = error.message.slice(0, 500);
      if (state.damage) Object.assign(state.damage, { error: message, engineError: type });
      else {
        state.damage = { since: Date.now(), engineError: type, error: message, broken: [], repair: 'running', attempts: 0 };
        // A new damage is repaired at once, however recently the last one was.
        state.lastAttemptAt = undefined;
      }
      this.startRepair();
    }
    return error;
  }

  damage(): StoreDamage | undefined {
    const d = this.damageState.damage;
    if (d && !this.damageState.running) this.startRepair();
    return d ? { ...d, broken: [...d.broken] } : undefined;
  }

  /** One repair at a time per engine, at most every REPAIR_INTERVAL_MS; in the background (the failed call stays retryable). */
  private startRepair(): void {
    const state = this.damageState;
    if (this.closed || state.running || !state.damage) return;
    if (state.lastAttemptAt !== undefined && Date.now() - state.lastAttemptAt < REPAIR_INTERVAL_MS) return;
    state.lastAttemptAt = Date.now();
    state.running = this.repair(state).finally(() => {
      state.running = undefined;
    });
  }

  /**
   * Finds the damaged parts with the engine's own CHECK TABLE and, embedded, rebuilds a damage only of skip indexes from
   * the parts' columns (MATERIALIZE INDEX: every row stays), or else has the engine move the parts aside the way it
   * does at a restart: DETACH TABLE + ATTACH TABLE, whose loading renames a part that fails its check to
   * `detached/broken-on-start_<part>` and brings back the source parts a broken merge result covered while they are
   * still on disk (the rows of a part whose sources are gone stay in `detached/`). Store operations wait at the gate
   * while tables are detached. On a server the tables are the operator's: the store
   * reports the broken parts and checks again until they pass.
   */
  private async repair(state: DamageState): Promise<void> {
    const damage = state.damage;
    if (!damage) return;
    damage.repair = 'running';
    damage.attempts++;
    const tell = async (event: DamageEvent['event'], movedAside?: string[], rebuiltIndexes?: string[]) => {
      try {
        await this.onDamage?.({ event, damage: { ...damage, broken: [...damage.broken] }, ...(movedAside ? { movedAside } : {}), ...(rebuiltIndexes ? { rebuiltIndexes } : {}) });
      } catch {
        // A listener's failure must not stop or undo a repair.
      }
    };
    await tell('found');
    const runner = this.kind === 'chdb' && this.chdbPath ? ClickHouseStore.chdbClient(this.chdbPath) : undefined;
    const client = runner?.client ?? this.client;
    try {
      if (this.engine && this.engine.detached.size > 0) await reloadTables(client, this.engine, this.database, []);
      const broken = await brokenParts(client, this.database);
      damage.broken = broken.map((b) => `${b.table}/${b.part}: ${b.message}`);
      if (!runner || !this.engine) {
        if (broken.length === 0) {
          state.damage = undefined;
          await tell('repaired', []);
        } else {
          Object.assign(damage, { repair: 'operator', note: 'CHECK TABLE finds broken parts on the server: detach them (ALTER TABLE ... DETACH PART) or restart it' });
          await tell('failed');
        }
        return;
      }
      // Damage only in skip indexes is rebuilt from the parts' own columns: no part moves aside, so no row is lost even
      // when the merge's source parts are gone (moved aside, such a part's rows would stay in detached/, unread).
      const indexDamage = skipIndexDamage(broken);
      if (indexDamage) {
        try {
          const rebuilt = await rebuildSkipIndexes(client, this.database, indexDamage);
          if ((await brokenParts(client, this.database)).length === 0) {
            state.damage = undefined;
            await tell('repaired', [], rebuilt);
            return;
          }
        } catch {
          // A rebuild the engine refuses leaves the part as it was: moving it aside below is still the engine's own way.
        }
      }
      // A damage CHECK TABLE cannot see is still one the engine's load can: reload every table, as a restart would.
      const tables = broken.length > 0 ? [...new Set(broken.map((b) => b.table))] : await mergeTreeTables(client, this.database);
      await reloadTables(client, this.engine, this.database, tables);
      const left = await brokenParts(client, this.database);
      if (left.length === 0) {
        const rs = await client.query({
          query: `SELECT table, name FROM system.detached_parts WHERE database = {db:String} AND table IN {tables:Array(String)} AND reason = 'broken-on-start' ORDER BY table, name`,
          format: 'JSONEachRow',
          query_params: { db: this.database, tables },
        });
        const movedAside = ((await rs.json()) as { table: string; name: string }[]).map((r) => `${r.table}/${r.name}`);
        state.damage = undefined;
        await tell('repaired', movedAside);
        return;
      }
      Object.assign(damage, {
        repair: 'failed',
        broken: left.map((b) => `${b.table}/${b.part}: ${b.message}`),
        note: 'parts still fail CHECK TABLE after their tables were attached again: restart the process',
      });
      await tell('failed');
    } catch (err) {
      Object.assign(damage, { repair: 'failed', note: `the repair failed: ${(err instanceof Error ? err.message : String(err)).slice(0, 300)}` });
      await tell('failed');
    } finally {
      await runner?.release().catch(() => undefined);
    }
  }

  /**
   * chDB keeps the partial output of a query that failed mid-stream (a limit, a timeout, a throwIf)
   * and prepends it to the next result on the same connection. After any error the embedded
   * store swaps in a fresh connection (the new one opens before the old closes, so an in-memory
   * engine never drops to zero connections and loses its data).
   */
  private async afterError(): Promise<void> {
    if (this.kind !== 'chdb' || this.closed || !this.chdbPath) return;
    const next = ClickHouseStore.chdbClient(this.chdbPath);
    const previousRelease = this.releaseChdb;
    this.client = next.client;
    this.releaseChdb = next.release;
    this.engine = next.engine;
    try {
      await this.client.command({ query: `USE ${quoteIdent(this.database)}` });
    } catch {
      // The database may be gone (a test dropped it); qualified names keep working regardless.
    }
    if (this.role) {
      try {
        await this.client.command({ query: `SET ROLE ${quoteIdent(this.role)}` });
      } catch (err) {
        // A connection that kept every role must never run a confined caller's query: fail closed.
        this.unconfined = wrapError('STORE_UNAVAILABLE', err, `the embedded connection could not take role ${this.role}`);
      }
    }
    await previousRelease?.().catch(() => undefined);
  }

  /** One client per set of credentials, with the same settings for the pipeline and the analyst user. */
  private static serverClient(options: StoreOptions, username: string | undefined, password: string | undefined): ClickHouseClient {
    return createClient({
      url: options.url,
      username,
      password,
      database: options.database,
      request_timeout: options.requestTimeoutMs ?? 30_000,
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
  }

  static async open(options: StoreOptions): Promise<ClickHouseStore> {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(options.database)) {
      throw new AppError('CONFIG_INVALID', `store.database must be a plain identifier, got ${JSON.stringify(options.database)}`);
    }
    let store: ClickHouseStore;
    const onDamage = options.onDamage;
    if (options.url) {
      const client = ClickHouseStore.serverClient(options, options.username, options.password);
      store = new ClickHouseStore(client, 'server', options.database);
      store.attachServer(options);
      // The database must exist before the client can use it as its default.
      const admin = createClient({ url: options.url, username: options.username, password: options.password, request_timeout: options.requestTimeoutMs ?? 30_000 });
      try {
        await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdent(options.database)}` });
      } catch (err) {
        await client.close();
        throw storeError(err, `cannot reach ClickHouse at ${redactUrl(options.url)}`);
      } finally {
        await admin.close();
      }
    } else {
      const path = options.path ?? './data';
      const opened = ClickHouseStore.chdbClient(path);
      store = new ClickHouseStore(opened.client, 'chdb', options.database);
      store.attachChdb(path, opened);
    }
    store.onDamage = onDamage;
    if (store.kind === 'chdb') {
      await store.command(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(options.database)}`);
      // Analysts' unqualified table names resolve in oilwire's database (the server client gets it per request).
      await store.command(`USE ${quoteIdent(options.database)}`);
    }
    return store;
  }

  table(name: string): string {
    return `${quoteIdent(this.database)}.${quoteIdent(name)}`;
  }

  async insert(table: string, rows: Record<string, unknown>[], options: { dedupToken?: string; settings?: Settings } = {}): Promise<void> {
    if (this.unconfined) throw this.unconfined;
    if (rows.length === 0) return;
    const settings: Settings = { ...(options.settings ?? {}) };
    if (options.dedupToken) settings.insert_deduplication_token = options.dedupToken;
    const target = table.includes('.') ? table : this.table(table);
    await this.run(`insert into ${table}`, async () => {
      // `INSERT INTO t SETTINGS ... FORMAT JSONEachRow`: the client puts the table text right after INSERT INTO.
      await this.client.insert({ table: target + settingsClause(settings), values: rows, format: 'JSONEachRow' });
    });
  }

  async query<T = Record<string, unknown>>(sql: string, options: QueryOptions = {}): Promise<T[]> {
    if (this.unconfined) throw this.unconfined;
    return this.run('query', async () => {
      const rs = await this.client.query({
        query: withSettings(sql, options.settings),
        format: 'JSONEachRow',
        query_params: options.params,
        abort_signal: options.signal,
      });
      return (await rs.json()) as T[];
    });
  }

  async queryText(sql: string, format: string, options: QueryOptions = {}): Promise<string> {
    if (this.unconfined) throw this.unconfined;
    return this.run('query', async () => {
      const rs = await this.client.query({
        query: withSettings(sql, options.settings),
        format: format as never,
        query_params: options.params,
        abort_signal: options.signal,
      });
      return await rs.text();
    });
  }

  async command(sql: string, options: QueryOptions = {}): Promise<void> {
    if (this.unconfined) throw this.unconfined;
    await this.run('command', async () => {
      await this.client.command({ query: withSettings(sql, options.settings), query_params: options.params, abort_signal: options.signal });
    });
  }

  async isolated(access?: { username: string; password: string } | { role: string }): Promise<Store> {
    const credentials = access && 'username' in access ? access : undefined;
    if (this.kind === 'server' && credentials && this.serverOptions) {
      // Its own client, so the analyst user's requests never borrow the pipeline's credentials.
      const o = this.serverOptions;
      const client = ClickHouseStore.serverClient(o, credentials.username, credentials.password);
      const store = new ClickHouseStore(client, 'server', this.database);
      store.attachServer({ ...o, username: credentials.username, password: credentials.password });
      store.onDamage = this.onDamage;
      return store;
    }
    if (this.kind !== 'chdb' || !this.chdbPath) return new IsolatedView(this);
    const opened = ClickHouseStore.chdbClient(this.chdbPath);
    const store = new ClickHouseStore(opened.client, 'chdb', this.database);
    store.attachChdb(this.chdbPath, opened);
    store.onDamage = this.onDamage;
    if (access && 'role' in access) store.role = access.role;
    try {
      await store.command(`USE ${quoteIdent(this.database)}`);
      if (store.role) await store.command(`SET ROLE ${quoteIdent(store.role)}`);
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  async ping(): Promise<boolean> {
    try {
      await this.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A repair holds a connection of its own and may have tables detached: let it finish first.
    await this.damageState.running;
    if (this.kind === 'chdb') await this.releaseChdb?.();
    else await this.client.close();
  }
}

export function openStore(options: StoreOptions): Promise<Store> {
  return ClickHouseStore.open(options);
}

/** On a server every request is its own session: an isolated store shares the client and leaves closing it to the owner. */
class IsolatedView implements Store {
  constructor(private readonly inner: Store) {}
  get kind() {
    return this.inner.kind;
  }
  get database() {
    return this.inner.database;
  }
  table = (name: string) => this.inner.table(name);
  insert: Store['insert'] = (table, rows, options) => this.inner.insert(table, rows, options);
  query: Store['query'] = (sql, options) => this.inner.query(sql, options);
  queryText: Store['queryText'] = (sql, format, options) => this.inner.queryText(sql, format, options);
  command: Store['command'] = (sql, options) => this.inner.command(sql, options);
  ping = () => this.inner.ping();
  isolated: Store['isolated'] = (access) => this.inner.isolated(access);
  damage = () => this.inner.damage?.();
  async close(): Promise<void> {}
}
