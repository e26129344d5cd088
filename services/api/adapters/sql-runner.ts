/**
 * Runs analyst SQL that already passed the guard and carries its limits in a query-level
 * SETTINGS clause. Settings never travel as `clickhouse_settings`: on the embedded engine
 * those become session-wide `SET` statements, and `SET readonly = 1` would make every
 * later write of every service in the process fail.
 */
import { AppError, isAppError } from '../../../shared/errors.ts';
import type { Store } from '../../../shared/store/port.ts';

export interface SqlRunner {
  /** Returns the result text in a ClickHouse output format; throws AppError (SQL_REFUSED, SQL_LIMIT_EXCEEDED, STORE_QUERY_FAILED, STORE_UNAVAILABLE). */
  run(sql: string, format: string): Promise<string>;
  close(): Promise<void>;
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
  constructor(private readonly store: Store) {}
  async run(sql: string, format: string): Promise<string> {
    try {
      return await this.store.queryText(sql, format);
    } catch (err) {
      throw classifySqlError(err);
    }
  }
  async close(): Promise<void> {}
}

/**
 * On the embedded engine analyst queries run on connections of their own (`store.isolated()`), a
 * small pool of them, so an analyst's long query or failure never sits in a service's session. The
 * store itself replaces a connection after an error (chDB would hand a failed query's partial output
 * to the next caller).
 */
export class PooledSqlRunner implements SqlRunner {
  private readonly free: Store[] = [];
  private readonly all: Store[] = [];
  private readonly waiting: ((store: Store) => void)[] = [];
  private closed = false;

  static async open(store: Store, size: number): Promise<PooledSqlRunner> {
    const runner = new PooledSqlRunner();
    try {
      for (let i = 0; i < size; i++) {
        const s = await store.isolated();
        runner.all.push(s);
        runner.free.push(s);
      }
    } catch (err) {
      await runner.close();
      throw err;
    }
    return runner;
  }

  private acquire(): Promise<Store> {
    const s = this.free.pop();
    return s ? Promise.resolve(s) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(s: Store): void {
    const next = this.waiting.shift();
    if (next) next(s);
    else this.free.push(s);
  }

  async run(sql: string, format: string): Promise<string> {
    if (this.closed) throw new AppError('STORE_UNAVAILABLE', 'the SQL runner is closed');
    const s = await this.acquire();
    try {
      return await s.queryText(sql, format);
    } catch (err) {
      throw classifySqlError(err);
    } finally {
      this.release(s);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((s) => s.close().catch(() => undefined)));
    this.all.length = 0;
    this.free.length = 0;
  }
}

export async function openSqlRunner(store: Store, connections: number): Promise<SqlRunner> {
  return store.kind === 'chdb' ? PooledSqlRunner.open(store, connections) : new StoreSqlRunner(store);
}
