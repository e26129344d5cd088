/**
 * Store port over @clickhouse/client. The same SQL runs on embedded chDB and on a
 * ClickHouse server; only the Connection under the client differs. Table names are
 * always qualified with the store's database (`store.table('news')`), because the
 * embedded engine has one process-wide current database.
 */
export type Settings = Record<string, string | number | boolean>;

export interface QueryOptions {
  params?: Record<string, unknown>;
  settings?: Settings;
  signal?: AbortSignal;
}

export interface Store {
  readonly kind: 'chdb' | 'server';
  readonly database: string;
  /** `db`.`name`, quoted. */
  table(name: string): string;
  /** Inserts JSON rows; with a dedup token a retried insert of the same batch is stored once. */
  insert(table: string, rows: Record<string, unknown>[], options?: { dedupToken?: string; settings?: Settings }): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, options?: QueryOptions): Promise<T[]>;
  /** Raw result text in a ClickHouse format (CSVWithNames, TabSeparatedWithNames, JSON...). */
  queryText(sql: string, format: string, options?: QueryOptions): Promise<string>;
  command(sql: string, options?: QueryOptions): Promise<void>;
  ping(): Promise<boolean>;
  /**
   * A store on the same engine and database with a connection of its own, closed separately.
   * On chDB, where a connection is a session, this keeps one caller's queries (and their
   * failures) apart from everyone else's; on a server every request is already its own session.
   * With `credentials` (server only) the new store signs in as that user, e.g. the API's
   * read-only analyst user; the embedded engine signs every connection in as `default` and ignores them. With `role`
   * (embedded only) every connection of the new store, including the ones that replace a
   * connection after an error, runs `SET ROLE` first (chdb-access.ts); a server ignores it.
   */
  isolated(access?: { username: string; password: string } | { role: string }): Promise<Store>;
  /**
   * Set while the engine has said a data part is damaged (CORRUPTED_DATA and kin): reads of that part fail
   * whatever a ping says, so readiness reports it. Stores that cannot tell leave it out.
   */
  damage?(): StoreDamage | undefined;
  close(): Promise<void>;
}

export interface StoreDamage {
  /** Epoch ms of the first error of this damage. */
  since: number;
  /** The engine's error type (ClickHouse's name for its error code), e.g. CORRUPTED_DATA. */
  engineError: string;
  /** The last such error. */
  error: string;
  /** Failing parts as CHECK TABLE names them (`table/part: why`), once a check ran. */
  broken: string[];
  /**
   * `running`: a check (and on the embedded engine the repair) is under way; `failed`: it could not run or did not
   * repair (`note` says why); `operator`: a server, where the store does not detach the operator's tables.
   */
  repair: 'running' | 'failed' | 'operator';
  note?: string;
  /** Repairs tried for this damage. */
  attempts: number;
}

export function quoteIdent(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}
