/**
 * Runs analyst SQL that already passed the guard and carries its limits in a query-level
 * SETTINGS clause. Settings never travel as `clickhouse_settings`: on the embedded engine
 * those become session-wide `SET` statements, and `SET readonly = 1` would make every
 * later write of every service in the process fail.
 *
 * On the embedded engine analyst queries also get connections of their own. chDB keeps
 * the partial output of a query that fails mid-stream (a timeout, a result limit, a
 * throwIf) and prepends it to the next result on the same connection; a connection that
 * saw an error is therefore thrown away before anyone else can read from it.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { AppError, isAppError } from '../../../shared/errors.ts';
import type { Store } from '../../../shared/store/port.ts';
import { quoteIdent } from '../../../shared/store/port.ts';

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

interface Slot {
  client: ClickHouseClient;
  busy: boolean;
}

export class ChdbSqlRunner implements SqlRunner {
  private readonly slots: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private closed = false;

  private constructor(
    private readonly path: string,
    private readonly database: string,
  ) {}

  static async open(store: Store, size: number): Promise<ChdbSqlRunner> {
    // The data folder is not part of the Store port; the engine knows where it lives.
    const [row] = await store.query<{ path: string }>(`SELECT path FROM system.disks WHERE name = 'default'`);
    if (!row?.path) throw new AppError('STORE_UNAVAILABLE', 'cannot find the embedded engine data folder');
    const runner = new ChdbSqlRunner(row.path, store.database);
    try {
      for (let i = 0; i < size; i++) runner.slots.push({ client: await runner.connect(), busy: false });
    } catch (err) {
      await runner.close();
      throw err;
    }
    return runner;
  }

  private async connect(): Promise<ClickHouseClient> {
    const client = createClient({ connection: createChdbConnection({ path: this.path }) as never });
    try {
      // The current database is per connection: unqualified names resolve in oilwire's database.
      await client.command({ query: `USE ${quoteIdent(this.database)}` });
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
    return client;
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  async run(sql: string, format: string): Promise<string> {
    if (this.closed) throw new AppError('STORE_UNAVAILABLE', 'the SQL runner is closed');
    const slot = await this.acquire();
    try {
      const rs = await slot.client.query({ query: sql, format: format as never });
      return await rs.text();
    } catch (err) {
      // Whatever the failed query left behind must not reach the next caller.
      await slot.client.close().catch(() => undefined);
      try {
        slot.client = await this.connect();
      } catch (reconnectErr) {
        this.slots.splice(this.slots.indexOf(slot), 1);
        throw new AppError('STORE_UNAVAILABLE', 'cannot reopen an analyst connection', { cause: reconnectErr });
      }
      throw classifySqlError(err);
    } finally {
      if (this.slots.includes(slot)) this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.client.close().catch(() => undefined)));
    this.slots.length = 0;
  }
}

export async function openSqlRunner(store: Store, connections: number): Promise<SqlRunner> {
  return store.kind === 'chdb' ? ChdbSqlRunner.open(store, connections) : new StoreSqlRunner(store);
}
