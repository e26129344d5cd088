/**
 * Lets ClickHouse decide what an analyst's text is. The text goes to the engine only as a
 * bound parameter of `formatQuery`, which parses it with the engine's own parser and
 * refuses more than one statement; what comes back is the canonical text of that one
 * statement, and that text, never the analyst's, is what gets checked and run. The
 * check is on the engine's `EXPLAIN AST` of it (domain/sql-policy.ts).
 */
import { AppError, isAppError } from '../../../shared/errors.ts';
import type { Store } from '../../../shared/store/port.ts';
import { checkSelectAst, otherReadStatement, type FunctionCatalogue, type FunctionInfo } from '../domain/sql-policy.ts';

export interface Inspection {
  /** The engine's canonical text of the one statement: what runs. */
  sql: string;
  kind: 'select' | 'show_tables' | 'describe';
}

function engineMessage(err: unknown): string {
  const inner = isAppError(err) && err.cause !== undefined ? err.cause : err;
  const message = (inner as { message?: string })?.message ?? String(inner);
  return message.replace(/^default: /, '').replace(/^query: /, '').slice(0, 1000);
}

const refused = (message: string) => new AppError('SQL_REFUSED', message);

export async function loadCatalogue(store: Store): Promise<FunctionCatalogue> {
  const rows = await store.query<{ name: string; alias_to: string; origin: string; categories: string }>('SELECT name, alias_to, toString(origin) AS origin, categories FROM system.functions');
  const functions = new Map<string, FunctionInfo>();
  for (const r of rows) {
    const key = r.name.toLowerCase();
    // Two names differing only in case: keep a user-defined one, so the stricter rule wins.
    if (!functions.has(key) || r.origin !== 'System') functions.set(key, { name: r.name, aliasTo: r.alias_to, origin: r.origin, categories: r.categories });
  }
  const tables = await store.query<{ name: string }>('SELECT name FROM system.table_functions');
  return { functions, tableFunctions: new Set(tables.map((t) => t.name.toLowerCase())) };
}

export class ClickHouseSqlInspector {
  private catalogue?: Promise<FunctionCatalogue>;

  constructor(private readonly database: string) {}

  private functions(store: Store): Promise<FunctionCatalogue> {
    this.catalogue ??= loadCatalogue(store);
    this.catalogue.catch(() => (this.catalogue = undefined));
    return this.catalogue;
  }

  /** Returns the statement to run, or throws SQL_REFUSED with the reason. */
  async inspect(store: Store, text: string): Promise<Inspection> {
    let canonical: string;
    let stable: boolean;
    try {
      // One round trip: the canonical text, and whether the engine reads its own output back as itself.
      const [row] = await store.query<{ sql: string; same: number }>('SELECT formatQuery({q:String}) AS sql, formatQuery(sql) = sql AS same', { params: { q: text } });
      canonical = row.sql;
      stable = Number(row.same) === 1;
    } catch (err) {
      if (isAppError(err) && err.code === 'STORE_UNAVAILABLE') throw err;
      const message = engineMessage(err);
      if (/Multi-statements are not allowed/i.test(message)) throw refused(`multiple statements are not allowed, as the engine reads this text: send one query per request (${message})`);
      throw refused(`the engine cannot parse this query: ${message}`);
    }
    // A canonical text that reformats differently is not trusted.
    if (!stable) throw refused('the engine does not format this statement stably; rewrite it more plainly');

    const other = otherReadStatement(canonical, this.database);
    if (other) return { sql: canonical, kind: other };

    let lines: string[];
    try {
      // A subquery EXPLAIN accepts only a SELECT and no output options (FORMAT, INTO OUTFILE): the engine refuses those for us.
      const rows = await store.query<{ explain: string }>(`SELECT explain FROM (EXPLAIN AST ${canonical})`);
      lines = rows.map((r) => r.explain);
    } catch (err) {
      if (isAppError(err) && err.code === 'STORE_UNAVAILABLE') throw err;
      const message = engineMessage(err);
      const first = /^\(*\s*([A-Za-z]+)/.exec(canonical)?.[1]?.toUpperCase() ?? '';
      if (/supports only SELECT/i.test(message)) throw refused(`${first || 'this statement'} is not a read query: the SQL API runs SELECT (with WITH, UNION, joins, subqueries), SHOW TABLES and DESCRIBE TABLE <table>`);
      if (/output options/i.test(message)) throw refused('FORMAT and INTO OUTFILE are not allowed: choose json, jsonl, csv or tsv with ?format=, results come back in the response');
      throw refused(`the engine cannot check this query: ${message}`);
    }
    let databases: string[] = [];
    // Only a qualified name can reach another database; most queries have none, and skip the round trip.
    if (lines.some((l) => /^\s*Identifier [^ ]*\./.test(l))) {
      try {
        databases = (await store.query<{ name: string }>('SELECT name FROM system.databases')).map((r) => r.name);
      } catch {
        // A server user without access to system.databases cannot reach other databases either (grants).
      }
    }
    const verdict = checkSelectAst(lines, { database: this.database, databases, catalogue: await this.functions(store) });
    if (!verdict.ok) throw refused(verdict.reason);
    return { sql: canonical, kind: 'select' };
  }
}
