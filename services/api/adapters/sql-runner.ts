/**
 * Runs analyst SQL. Every query is first handed to the engine's own parser
 * (clickhouse-sql-inspector.ts); only the canonical statement the engine produced, and
 * that passed the policy on its AST, is executed, with the API's limits in a query-level
 * SETTINGS clause. Settings never travel as `clickhouse_settings`: on the embedded engine
 * those become session-wide `SET` statements, and `SET readonly = 1` would make every
 * later write of every service in the process fail.
 */
import { AppError, isAppError } from '../../../shared/errors.ts';
import { ensureAnalystUser, type AnalystLimits, type AnalystUserResult } from '../../../shared/store/analyst-user.ts';
import { ANALYST_ROLE } from '../../../shared/store/chdb-access.ts';
import type { Settings, Store } from '../../../shared/store/port.ts';
import { ClickHouseSqlInspector } from './clickhouse-sql-inspector.ts';

export interface SqlRunner {
  /**
   * Inspects `query` on the engine and runs its canonical form under `settings`; returns the result text in a
   * ClickHouse output format. Throws AppError (SQL_REFUSED, SQL_LIMIT_EXCEEDED, STORE_QUERY_FAILED, STORE_UNAVAILABLE).
   */
  run(query: string, format: string, settings: Settings): Promise<string>;
  close(): Promise<void>;
}

export interface SqlRunnerOptions {
  /**
   * Server mode: the read-only ClickHouse user analyst SQL signs in as (shared/store/analyst-user.ts). Its
   * settings profile holds readonly as a constant, so `readonly` is left out of the query's SETTINGS.
   */
  analystUser?: { username: string; password: string };
  /**
   * Server mode: create or bring up to date that user and its profile (these limits as constraints) before
   * signing in, as `oilwire migrate` does; `onResult` hears whether the store's user could, and if not, the
   * statements an administrator must run. Without it the user must already exist.
   */
  ensureUser?: { limits: AnalystLimits; onResult?: (result: AnalystUserResult) => void };
}

const LIMIT_TYPES = new Set(['TOO_MANY_ROWS_OR_BYTES', 'TIMEOUT_EXCEEDED', 'TOO_MANY_ROWS', 'TOO_MANY_BYTES', 'MEMORY_LIMIT_EXCEEDED', 'TOO_SLOW', 'TOO_MANY_ROWS_OR_BYTES_TO_READ']);
const REFUSED_TYPES = new Set(['READONLY', 'ACCESS_DENIED', 'NOT_ENOUGH_PRIVILEGES', 'SETTING_CONSTRAINT_VIOLATION']);

/** Engine errors become the API's codes: a limit is 422, a refusal 400, anything else in the query 400. */
export function classifySqlError(err: unknown): AppError {
  const inner = isAppError(err) && err.cause !== undefined ? err.cause : err;
  const e = inner as { type?: string; message?: string };
  const message = (e?.message ?? String(inner)).replace(/^default: /, '').slice(0, 2000);
  if (e?.type && LIMIT_TYPES.has(e.type)) return new AppError('SQL_LIMIT_EXCEEDED', message, { details: { engine: e.type } });
  if (e?.type && REFUSED_TYPES.has(e.type)) return new AppError('SQL_REFUSED', message, { details: { engine: e.type } });
  if (isAppError(err) && err.code === 'STORE_UNAVAILABLE') return err;
  return new AppError('STORE_QUERY_FAILED', message, e?.type ? { details: { engine: e.type } } : {});
}

/** A ClickHouse server: each HTTP request is its own session, so the store's client serves as is. */
export class StoreSqlRunner implements SqlRunner {
  private readonly inspector: ClickHouseSqlInspector;
  constructor(
    private readonly store: Store,
    private readonly profileHoldsReadonly = false,
    private readonly owned = false,
  ) {
    this.inspector = new ClickHouseSqlInspector(store.database);
  }
  async run(query: string, format: string, settings: Settings): Promise<string> {
    return runInspected(this.store, this.inspector, query, format, this.profileHoldsReadonly ? withoutReadonly(settings) : settings);
  }
  async close(): Promise<void> {
    if (this.owned) await this.store.close();
  }
}

/** The analyst user's profile holds these as constants (shared/store/analyst-user.ts); sending them again could only be refused. */
function withoutReadonly(settings: Settings): Settings {
  const { readonly: _readonly, result_overflow_mode: _mode, ...rest } = settings;
  return rest;
}

async function runInspected(store: Store, inspector: ClickHouseSqlInspector, query: string, format: string, settings: Settings): Promise<string> {
  const statement = await inspector.inspect(store, query);
  try {
    return await store.queryText(statement.sql, format, { settings });
  } catch (err) {
    throw classifySqlError(err);
  }
}

/**
 * Settings every embedded analyst session holds besides the API's own limits. Since ClickHouse 25.1
 * `max_bytes_ratio_before_external_sort` (0.5 by default) replaces `max_bytes_before_external_sort` as the
 * memory a query may use before a sort spills (half the machine's memory), so without a 0 here a sort never
 * spills under `max_memory_usage` and fails instead (test/integration/services/api/sql-spill.test.ts);
 * the GROUP BY one is zeroed too, so the configured threshold alone decides.
 */
export const EMBEDDED_SESSION_SETTINGS: Settings = { max_bytes_ratio_before_external_group_by: 0, max_bytes_ratio_before_external_sort: 0 };

const settingValue = (v: string | number | boolean) => (typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(Number(v)));

/**
 * Pins an embedded analyst session: the limits become the session's own settings and the session goes
 * `readonly = 1`, after which the engine itself refuses any change of any setting on it (`SET`, a query's
 * `SETTINGS`, `readonly` itself) with READONLY, whatever reaches it (sql-engine-confinement.test.ts).
 * chDB does not apply a settings profile to a connection (docs/api.md, "Embedded mode"), so this is the
 * engine's wall for limits there. `readonly` in `settings` is ignored: 1 always comes last.
 */
export async function pinAnalystSession(s: Pick<Store, 'command'>, settings: Settings): Promise<void> {
  const { readonly: _readonly, ...limits } = { ...settings, ...EMBEDDED_SESSION_SETTINGS };
  for (const [name, value] of Object.entries(limits)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new AppError('CONFIG_INVALID', `not a setting name: ${name}`);
    await s.command(`SET ${name} = ${settingValue(value)}`);
  }
  await s.command('SET readonly = 1');
}

/**
 * On the embedded engine analyst queries run on connections of their own, a small pool of them, so an
 * analyst's long query or failure never sits in a service's session. Each connection narrows itself to
 * the engine role `oilwire_analyst` (shared/store/chdb-access.ts): the engine's RBAC then refuses file,
 * network and process sources, writes and DDL on it, behind the inspector's checks. The store itself
 * replaces a connection after an error (chDB would hand a failed query's partial output to the next
 * caller) and gives the replacement the same role, or refuses to run anything on it.
 *
 * The connections that run analyst statements are pinned (`pinAnalystSession`) before their first
 * statement and again after any error (the store's replacement starts unpinned); a connection that
 * cannot be pinned runs nothing. The inspector's `EXPLAIN` needs a temporary table, which `readonly = 1`
 * refuses, so each pinned connection has an unpinned analyst connection beside it that inspects the
 * statements it will run and never runs an analyst's statement itself (one inspector for the whole pool
 * made concurrent queries wait for each other's inspection: `SELECT 1` over HTTP fell to 0.20x the store).
 * A pinned connection keeps the limits it was pinned with and runs statements bare, so every run of one
 * runner must pass the same settings (routes/sql.ts computes them once from the config).
 */
interface AnalystSlot {
  /** Pinned: runs the canonical statements. */
  run: Store;
  /** Unpinned: inspects what `run` will run. */
  inspect: Store;
}

export class PooledSqlRunner implements SqlRunner {
  private readonly free: AnalystSlot[] = [];
  private readonly all: AnalystSlot[] = [];
  private readonly waiting: ((slot: AnalystSlot) => void)[] = [];
  private readonly pinned = new WeakSet<Store>();
  private closed = false;
  private readonly inspector: ClickHouseSqlInspector;

  private constructor(database: string) {
    this.inspector = new ClickHouseSqlInspector(database);
  }

  static async open(store: Store, size: number): Promise<PooledSqlRunner> {
    const runner = new PooledSqlRunner(store.database);
    try {
      for (let i = 0; i < size; i++) {
        const slot = { run: await openAnalystConnection(store), inspect: await openAnalystConnection(store) };
        runner.all.push(slot);
        runner.free.push(slot);
      }
    } catch (err) {
      await runner.close();
      throw err;
    }
    return runner;
  }

  private acquire(): Promise<AnalystSlot> {
    const slot = this.free.pop();
    return slot ? Promise.resolve(slot) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: AnalystSlot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }

  async run(query: string, format: string, settings: Settings): Promise<string> {
    if (this.closed) throw new AppError('STORE_UNAVAILABLE', 'the SQL runner is closed');
    const slot = await this.acquire();
    const s = slot.run;
    try {
      const statement = await this.inspector.inspect(slot.inspect, query);
      if (!this.pinned.has(s)) {
        try {
          await pinAnalystSession(s, settings);
        } catch (err) {
          throw new AppError('STORE_UNAVAILABLE', 'an analyst connection could not take the analyst limits; the query did not run', { cause: err });
        }
        this.pinned.add(s);
      }
      try {
        // The pinned session holds the limits: the statement runs bare.
        return await s.queryText(statement.sql, format);
      } catch (err) {
        this.pinned.delete(s);
        throw classifySqlError(err);
      }
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.flatMap((slot) => [slot.run, slot.inspect]).map((s) => s.close().catch(() => undefined)));
    this.all.length = 0;
    this.free.length = 0;
  }
}

/** An embedded analyst connection: a store of its own under the engine role `oilwire_analyst`. */
export function openAnalystConnection(store: Store): Promise<Store> {
  return store.isolated({ role: ANALYST_ROLE });
}

/**
 * The runner options the `sql` config asks for: the analyst user once it has a password, created or updated at
 * start with the configured limits (so a changed limit never leaves the profile's MAX behind).
 */
export function runnerOptions(sql: { analystUser: string; analystPassword?: string } & AnalystLimits, onResult?: (result: AnalystUserResult) => void): SqlRunnerOptions {
  if (!sql.analystPassword) return {};
  const { maxMemoryBytes, maxExecutionTimeSec, maxResultRows, maxResultBytes, externalGroupByBytes, externalSortBytes, maxThreads } = sql;
  return {
    analystUser: { username: sql.analystUser, password: sql.analystPassword },
    ensureUser: { limits: { maxMemoryBytes, maxExecutionTimeSec, maxResultRows, maxResultBytes, externalGroupByBytes, externalSortBytes, maxThreads }, ...(onResult ? { onResult } : {}) },
  };
}

export async function openSqlRunner(store: Store, connections: number, options: SqlRunnerOptions = {}): Promise<SqlRunner> {
  if (store.kind === 'chdb') return PooledSqlRunner.open(store, connections);
  if (options.analystUser) {
    const { username: user, password } = options.analystUser;
    if (options.ensureUser) options.ensureUser.onResult?.(await ensureAnalystUser(store, { database: store.database, user, password, limits: options.ensureUser.limits }));
    return new StoreSqlRunner(await store.isolated(options.analystUser), true, true);
  }
  return new StoreSqlRunner(store);
}
