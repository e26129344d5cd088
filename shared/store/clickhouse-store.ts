import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Session } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppError, wrapError } from '../errors.ts';
import { redactUrl } from '../runtime/redact.ts';
import { writeEngineConfig } from './chdb-access.ts';
import { quoteIdent, type QueryOptions, type Settings, type Store } from './port.ts';

export interface StoreOptions {
  /** ClickHouse server URL; without it the embedded engine (chDB) is used. */
  url?: string;
  username?: string;
  password?: string;
  /** Data folder of the embedded engine; ':memory:' for a throwaway one. */
  path?: string;
  database: string;
  requestTimeoutMs?: number;
}

// libchdb binds one data directory per process: stores in a process may open several connections, all on one folder.
// The first connection starts the engine with our access configuration (chdb-access.ts); an anchor session holds
// it (and a ':memory:' store's throwaway folder) until the last connection closes.
let openChdb: { path: string; dir: string; connections: number; anchor: Session; temporary: boolean } | undefined;

function startChdb(wanted: string): NonNullable<typeof openChdb> {
  const temporary = wanted === ':memory:';
  const dir = temporary ? mkdtempSync(join(tmpdir(), 'oilwire-chdb-')) : wanted;
  try {
    mkdirSync(dir, { recursive: true });
    const args = writeEngineConfig(join(dir, 'oilwire-access'));
    return { path: wanted, dir, connections: 0, anchor: new Session(dir, { connectionArgs: args }), temporary };
  } catch (err) {
    if (temporary) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function openChdbConnection(path: string): { connection: ReturnType<typeof createChdbConnection>; release: () => Promise<void> } {
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
 * Engine error types (ClickHouseError.type, the engine's own name for its error code) that pass. A full disk passes:
 * chDB refuses the insert ("Cannot reserve 1.00 MiB, not enough space") and takes it once there is room. Final, it
 * sent every batch in flight to the dead-letter topic (the chaos suite's full-disk moment lost them so).
 */
const TRANSIENT_ENGINE_ERRORS = new Set(['NOT_ENOUGH_SPACE', 'TOO_MANY_SIMULTANEOUS_QUERIES']);

function isTransient(err: unknown): boolean {
  const e = err as { code?: string; message?: string; type?: string };
  if (e?.type && TRANSIENT_ENGINE_ERRORS.has(e.type)) return true;
  if (e?.code && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR_SOCKET|ENOSPC)$/.test(e.code)) return true;
  // Transport failures carry no engine type; an OS error text from below the engine neither.
  return /timeout|socket hang up|ECONNREFUSED|ECONNRESET|Too many simultaneous queries|MEMORY_LIMIT|No space left on device/i.test(e?.message ?? '');
}

/** Vendor errors become AppErrors here, at the edge: transient ones are retryable. */
function storeError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  return isTransient(err) ? wrapError('STORE_UNAVAILABLE', err, what) : wrapError('STORE_QUERY_FAILED', err, what);
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

  private constructor(client: ClickHouseClient, kind: 'chdb' | 'server', database: string) {
    this.client = client;
    this.kind = kind;
    this.database = database;
  }

  private static chdbClient(path: string): { client: ClickHouseClient; release: () => Promise<void> } {
    const { connection, release } = openChdbConnection(path);
    return { client: createClient({ connection: connection as never, clickhouse_settings: { date_time_input_format: 'best_effort' } }), release };
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
    if (options.url) {
      const client = ClickHouseStore.serverClient(options, options.username, options.password);
      store = new ClickHouseStore(client, 'server', options.database);
      store.serverOptions = options;
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
      const { client, release } = ClickHouseStore.chdbClient(path);
      store = new ClickHouseStore(client, 'chdb', options.database);
      store.chdbPath = path;
      store.releaseChdb = release;
    }
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
    try {
      // `INSERT INTO t SETTINGS ... FORMAT JSONEachRow`: the client puts the table text right after INSERT INTO.
      await this.client.insert({ table: target + settingsClause(settings), values: rows, format: 'JSONEachRow' });
    } catch (err) {
      await this.afterError();
      throw storeError(err, `insert into ${table}`);
    }
  }

  async query<T = Record<string, unknown>>(sql: string, options: QueryOptions = {}): Promise<T[]> {
    if (this.unconfined) throw this.unconfined;
    try {
      const rs = await this.client.query({
        query: withSettings(sql, options.settings),
        format: 'JSONEachRow',
        query_params: options.params,
        abort_signal: options.signal,
      });
      return (await rs.json()) as T[];
    } catch (err) {
      await this.afterError();
      throw storeError(err, 'query');
    }
  }

  async queryText(sql: string, format: string, options: QueryOptions = {}): Promise<string> {
    if (this.unconfined) throw this.unconfined;
    try {
      const rs = await this.client.query({
        query: withSettings(sql, options.settings),
        format: format as never,
        query_params: options.params,
        abort_signal: options.signal,
      });
      return await rs.text();
    } catch (err) {
      await this.afterError();
      throw storeError(err, 'query');
    }
  }

  async command(sql: string, options: QueryOptions = {}): Promise<void> {
    if (this.unconfined) throw this.unconfined;
    try {
      await this.client.command({ query: withSettings(sql, options.settings), query_params: options.params, abort_signal: options.signal });
    } catch (err) {
      await this.afterError();
      throw storeError(err, 'command');
    }
  }

  async isolated(access?: { username: string; password: string } | { role: string }): Promise<Store> {
    const credentials = access && 'username' in access ? access : undefined;
    if (this.kind === 'server' && credentials && this.serverOptions) {
      // Its own client, so the analyst user's requests never borrow the pipeline's credentials.
      const o = this.serverOptions;
      const client = ClickHouseStore.serverClient(o, credentials.username, credentials.password);
      const store = new ClickHouseStore(client, 'server', this.database);
      store.serverOptions = { ...o, username: credentials.username, password: credentials.password };
      return store;
    }
    if (this.kind !== 'chdb' || !this.chdbPath) return new IsolatedView(this);
    const { client, release } = ClickHouseStore.chdbClient(this.chdbPath);
    const store = new ClickHouseStore(client, 'chdb', this.database);
    store.chdbPath = this.chdbPath;
    store.releaseChdb = release;
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
  async close(): Promise<void> {}
}
