/**
 * The wall around analyst SQL, decided on what the engine itself parsed: the lines of
 * `EXPLAIN AST` over the statement the engine formatted (see
 * adapters/clickhouse-sql-inspector.ts). Nothing here reads SQL text the engine could
 * read differently; the only text it looks at is the engine's own canonical formatting
 * of one statement, and only to recognise the two non-SELECT shapes it lets through.
 *
 * The rules are context-free where they can be: every `Function`, `TableIdentifier` and
 * `Identifier` line is checked on its own, so lines an odd identifier adds to the dump
 * (a quoted name may contain a newline) can only add refusals, never hide a real node.
 */

/** Node types a read query's AST is made of; anything else (a `Set` is a SETTINGS clause) is refused. */
const READ_NODES = new Set([
  'SelectWithUnionQuery',
  'SelectIntersectExceptQuery',
  'SelectQuery',
  'ExpressionList',
  'Literal',
  'Identifier',
  'Function',
  'Lambda',
  'TablesInSelectQuery',
  'TablesInSelectQueryElement',
  'TableExpression',
  'TableIdentifier',
  'TableJoin',
  'ArrayJoin',
  'Subquery',
  'WithElement',
  'Asterisk',
  'QualifiedAsterisk',
  'ColumnsRegexpMatcher',
  'ColumnsListMatcher',
  'QualifiedColumnsRegexpMatcher',
  'QualifiedColumnsListMatcher',
  'ColumnsTransformerList',
  'ColumnsApplyTransformer',
  'ColumnsExceptTransformer',
  'ColumnsReplaceTransformer',
  'ColumnsReplaceTransformer::Replacement',
  'OrderByElement',
  'WindowDefinition',
  'WindowListElement',
  'Interpolate',
  'InterpolateElement',
  'SampleRatio',
  'DataType',
]);

/** Table functions that generate rows and touch nothing else. Every other table function (file, url, s3, remote, mysql, executable, merge, ...) is refused. */
export const TABLE_GENERATORS = new Set(['numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'generate_series', 'generateseries']);

/** Objects outside oilwire's database an analyst may name: the engine's own one-row and number tables. */
const SYSTEM_TABLES = new Set(['system.one', 'system.numbers', 'system.numbers_mt', 'system.zeros', 'system.zeros_mt']);

/** Databases whose contents are never the analyst's: other analysts' queries (system.processes), users, settings. */
const FORBIDDEN_DATABASES = new Set(['system', 'information_schema']);

/**
 * Scalar functions (lower-case names, or a prefix ending in `*`) that read files, models or
 * dictionaries, open connections or show server secrets. Families are matched by prefix so
 * `dictGetOrDefault`, `dictGetStringOrDefault`, ... go with `dictGet`.
 */
const DENIED_FUNCTIONS = [
  'file',
  'dict*',
  'joinget*',
  'catboostevaluate',
  'modelevaluate',
  'naivebayesclassifier',
  'hascolumnintable',
  'showcertificate',
  'reversednsquery',
  'getclienthttpheader',
  'getserversetting',
  'getmergetreesetting',
  'gethttpheader',
  'getmacro',
  'filesystem*',
  'url', // not a scalar today; listed so a future one is refused rather than allowed
  'ai*',
  'llm*',
];

/** system.functions categories refused as a whole. */
const DENIED_CATEGORIES = new Set(['Dictionary', 'Embedded Dictionary', 'Introspection', 'AI', 'Machine Learning']);

export interface FunctionInfo {
  name: string;
  /** `alias_to` in system.functions: the function a name stands for. */
  aliasTo: string;
  /** `System` for built-ins; SQL or executable user-defined functions are refused. */
  origin: string;
  categories: string;
}

/** What the engine knows, read once from system.functions and system.table_functions. */
export interface FunctionCatalogue {
  /** Keyed by lower-case name. */
  functions: Map<string, FunctionInfo>;
  /** Lower-case names of every table function. */
  tableFunctions: Set<string>;
}

export interface PolicyContext {
  /** oilwire's database: the only one analysts read. */
  database: string;
  /** Every database the engine has, so `otherdb.table` and `x IN otherdb.t` are recognised. */
  databases: string[];
  catalogue: FunctionCatalogue;
}

export type PolicyVerdict = { ok: true } | { ok: false; reason: string };

const refuse = (reason: string): PolicyVerdict => ({ ok: false, reason });

function deniedName(lower: string): boolean {
  return DENIED_FUNCTIONS.some((d) => (d.endsWith('*') ? lower.startsWith(d.slice(0, -1)) : lower === d));
}

/** Checks one scalar or aggregate function name (as written) against the catalogue and the deny lists. */
export function checkFunction(name: string, catalogue: FunctionCatalogue): PolicyVerdict {
  const lower = name.toLowerCase();
  const info = catalogue.functions.get(lower);
  const target = (info?.aliasTo || name).toLowerCase();
  const targetInfo = catalogue.functions.get(target) ?? info;
  if (deniedName(lower) || deniedName(target)) return refuse(`function ${name}() reaches files, the network, models or dictionaries: not available to analyst SQL`);
  if (targetInfo && targetInfo.origin !== 'System') return refuse(`function ${name}() is user-defined (${targetInfo.origin}): not available to analyst SQL`);
  const category = targetInfo?.categories.split(/,\s*/).find((c) => DENIED_CATEGORIES.has(c));
  if (category) return refuse(`function ${name}() is in the ${category} family: not available to analyst SQL`);
  // A table function's name outside FROM is either an error or a scalar twin (format); only the twin is a function.
  if (catalogue.tableFunctions.has(lower) && !TABLE_GENERATORS.has(lower) && !info) return refuse(`${name} is a table function that reaches outside oilwire's database`);
  return { ok: true };
}

/** `db.table` as the dump prints it, checked against what analysts may read. */
export function checkTable(name: string, ctx: Pick<PolicyContext, 'database'>): PolicyVerdict {
  const lower = name.toLowerCase();
  if (SYSTEM_TABLES.has(lower)) return { ok: true };
  const dot = name.indexOf('.');
  if (dot < 0) return { ok: true }; // unqualified: a CTE or a table of the current database, which is oilwire's
  if (name.slice(0, dot) === ctx.database && !name.slice(dot + 1).includes('.')) return { ok: true };
  return refuse(`table ${name} is outside oilwire's database ${ctx.database}: analysts read its tables and views only`);
}

const FUNCTION_LINE = /^Function ([A-Za-z_][A-Za-z0-9_]*)(?: \(alias .*\))?(?: \(children \d+\))?$/;
const TABLE_LINE = /^TableIdentifier ([A-Za-z0-9_.]+)(?: \(alias .*\))?$/;
const IDENTIFIER_LINE = /^Identifier (.*?)(?: \(alias .*\))?$/;

/**
 * Checks the lines of `EXPLAIN AST` (one node per line, indented by depth) of one SELECT.
 * Refuses SETTINGS anywhere, table functions other than the generators, tables outside
 * oilwire's database (system.* beyond `one`/`numbers`/`zeros`), identifiers that reach
 * into another database (`x IN system.processes`), and denied function families.
 */
export function checkSelectAst(lines: readonly string[], ctx: PolicyContext): PolicyVerdict {
  if (lines.length === 0 || !/^SelectWithUnionQuery\b/.test(lines[0])) return refuse('only SELECT queries (with WITH, UNION, joins, subqueries) are allowed');
  const otherDatabases = new Set(ctx.databases.filter((d) => d !== ctx.database).map((d) => d.toLowerCase()));
  for (const d of FORBIDDEN_DATABASES) otherDatabases.add(d);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const text = raw.trimStart();
    const depth = raw.length - text.length;
    const type = /^\S+/.exec(text)?.[0] ?? '';
    if (type === 'Set') return refuse('query-level SETTINGS are not allowed: the API sets the limits');
    if (type === 'QueryParameter') return refuse('query parameters ({name:Type}) are not supported');
    if (!READ_NODES.has(type)) return refuse(`unsupported construct in analyst SQL: ${JSON.stringify(text.slice(0, 80))}`);
    if (type === 'Function') {
      const m = FUNCTION_LINE.exec(text);
      if (!m) return refuse(`unusual function name in ${JSON.stringify(text.slice(0, 80))}: call functions by their plain name`);
      const name = m[1];
      const prev = lines[i - 1];
      const prevText = prev?.trimStart() ?? '';
      const asTable = prevText.startsWith('TableExpression') && prev.length - prevText.length === depth - 1;
      if (asTable) {
        if (!TABLE_GENERATORS.has(name.toLowerCase())) return refuse(`table function ${name}() reaches outside oilwire's database: only numbers, numbers_mt, zeros, zeros_mt and generate_series are available`);
        continue;
      }
      const verdict = checkFunction(name, ctx.catalogue);
      if (!verdict.ok) return verdict;
    } else if (type === 'TableIdentifier') {
      const m = TABLE_LINE.exec(text);
      if (!m) return refuse(`unusual table name in ${JSON.stringify(text.slice(0, 80))}: quote-free names only`);
      const verdict = checkTable(m[1], ctx);
      if (!verdict.ok) return verdict;
    } else if (type === 'Identifier') {
      const name = IDENTIFIER_LINE.exec(text)?.[1] ?? '';
      const parts = name.split('.');
      if (parts.length >= 2 && otherDatabases.has(parts[0].toLowerCase())) return refuse(`${name} is outside oilwire's database ${ctx.database}`);
    }
  }
  return { ok: true };
}

/** The two statements besides SELECT analysts may send, recognised on the engine's canonical text of them. */
export function otherReadStatement(canonical: string, database: string): 'show_tables' | 'describe' | undefined {
  if (canonical === 'SHOW TABLES') return 'show_tables';
  const m = /^DESCRIBE TABLE ([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$/.exec(canonical);
  if (m && (m[2] === undefined || m[1] === database)) return 'describe';
  return undefined;
}
