/**
 * What readiness needs to know beyond "the store answers a ping": whether writes succeed. A
 * full disk leaves `SELECT 1` working while every insert fails, so the write path reports its
 * own outcomes here, and /readyz reads them. One registry per process, like the metrics
 * registry: every service in the process writes through the same store.
 */
import type { Store } from '../store/port.ts';

export interface WriteFailure {
  /** Epoch ms of the first failure in the current run of failures. */
  since: number;
  /** Failed writes in a row. */
  failures: number;
  error: string;
}

export class WriteHealth {
  private failure: WriteFailure | undefined;
  private okAt: number | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  succeeded(): void {
    this.failure = undefined;
    this.okAt = this.now();
  }

  failed(err: unknown): void {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    this.failure = this.failure ? { ...this.failure, failures: this.failure.failures + 1, error } : { since: this.now(), failures: 1, error };
  }

  /** Set while the last write failed: writes are failing now, whatever a ping says. */
  failing(): WriteFailure | undefined {
    return this.failure;
  }

  lastSuccessAt(): number | undefined {
    return this.okAt;
  }
}

/** The process's registry: the composition root's store reports into it, the API's /readyz reads it. */
export const processWriteHealth = new WriteHealth();

/**
 * The same store, with every insert's outcome reported to `health` (isolated stores too). An
 * insert is the pipeline's write; `command` also runs reads and DDL, whose failures say nothing
 * about the disk.
 */
export function trackWrites(store: Store, health: WriteHealth = processWriteHealth): Store {
  return new WriteTrackingStore(store, health);
}

class WriteTrackingStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly health: WriteHealth,
  ) {}
  get kind() {
    return this.inner.kind;
  }
  get database() {
    return this.inner.database;
  }
  table = (name: string) => this.inner.table(name);
  insert: Store['insert'] = async (table, rows, options) => {
    try {
      await this.inner.insert(table, rows, options);
    } catch (err) {
      this.health.failed(err);
      throw err;
    }
    if (rows.length > 0) this.health.succeeded();
  };
  query: Store['query'] = (sql, options) => this.inner.query(sql, options);
  queryText: Store['queryText'] = (sql, format, options) => this.inner.queryText(sql, format, options);
  command: Store['command'] = (sql, options) => this.inner.command(sql, options);
  ping = () => this.inner.ping();
  isolated: Store['isolated'] = async (...args) => trackWrites(await this.inner.isolated(...args), this.health);
  damage = () => this.inner.damage?.();
  close = () => this.inner.close();
}
