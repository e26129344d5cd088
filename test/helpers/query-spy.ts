import type { Store } from '../../shared/store/port.ts';

/** The store as it is, but every `query` is shown to `onQuery` first; `close` is left to the owner of `inner`. */
export function spyOnQueries(inner: Store, onQuery: (sql: string) => void): Store {
  return {
    kind: inner.kind,
    database: inner.database,
    table: (name) => inner.table(name),
    query: ((sql: string, options?: Parameters<Store['query']>[1]) => {
      onQuery(sql);
      return inner.query(sql, options);
    }) as Store['query'],
    queryText: (sql, format, options) => inner.queryText(sql, format, options),
    insert: (table, rows, options) => inner.insert(table, rows, options),
    command: (sql, options) => inner.command(sql, options),
    ping: () => inner.ping(),
    isolated: () => inner.isolated(),
    close: async () => {},
  };
}
