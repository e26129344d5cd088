/**
 * Early, friendly refusals for analyst SQL: one read statement, no clause that writes,
 * exports or changes settings, with a reason a person can act on. It is NOT the wall: our
 * lexer cannot know every way the engine reads text (it once took U+2018/U+2019 for
 * strings where this lexer saw plain characters, so one "SELECT" was several statements).
 * What runs is decided by the engine's own parser (adapters/clickhouse-sql-inspector.ts,
 * domain/sql-policy.ts); this only turns the common mistakes away sooner and more clearly.
 */
export type SqlVerdict = { ok: true; sql: string; statement: string } | { ok: false; reason: string };

interface Token {
  kind: 'word' | 'punct' | 'literal';
  text: string;
  /** Offset of the token in the input. */
  pos: number;
}

const READ_STATEMENTS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'EXISTS']);
const WRITE_STATEMENTS = new Set(['INSERT', 'UPDATE', 'DELETE', 'UPSERT', 'REPLACE', 'MERGE']);
const DDL_STATEMENTS = new Set(['CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'RENAME', 'ATTACH', 'DETACH', 'EXCHANGE', 'UNDROP', 'OPTIMIZE', 'MOVE']);
const ADMIN_STATEMENTS = new Set(['SET', 'USE', 'GRANT', 'REVOKE', 'KILL', 'SYSTEM', 'BACKUP', 'RESTORE', 'CHECK', 'BEGIN', 'COMMIT', 'ROLLBACK', 'WATCH']);

/**
 * Splits SQL into words, punctuation and opaque literals. Strings ('...', with '' and \
 * escapes), quoted identifiers (`...`, "..."), heredocs ($tag$...$tag$) and comments
 * (--, #, /* *\/, nested) never contribute keywords. Returns an error for an unterminated one.
 */
export function tokenize(sql: string): { tokens: Token[] } | { error: string } {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      i++;
    } else if ((c === '-' && next === '-') || c === '#') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) return { error: 'unterminated comment' };
    } else if (c === "'" || c === '"' || c === '`') {
      const quote = c;
      let j = i + 1;
      for (;;) {
        if (j >= n) return { error: `unterminated ${quote === "'" ? 'string' : 'quoted identifier'}` };
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === quote && sql[j + 1] === quote) j += 2;
        else if (sql[j] === quote) break;
        else j++;
      }
      tokens.push({ kind: quote === "'" ? 'literal' : 'word', text: quote === "'" ? "''" : '`identifier`', pos: i });
      i = j + 1;
    } else if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (m) {
        const end = sql.indexOf(m[0], i + m[0].length);
        if (end < 0) return { error: 'unterminated heredoc string' };
        tokens.push({ kind: 'literal', text: "''", pos: i });
        i = end + m[0].length;
      } else {
        tokens.push({ kind: 'punct', text: c, pos: i });
        i++;
      }
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j])) j++;
      tokens.push({ kind: 'word', text: sql.slice(i, j), pos: i });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(sql[j])) j++;
      tokens.push({ kind: 'literal', text: sql.slice(i, j), pos: i });
      i = j;
    } else {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
    }
  }
  return { tokens };
}

export function checkReadOnlySql(input: string, maxBytes: number): SqlVerdict {
  if (Buffer.byteLength(input) > maxBytes) return { ok: false, reason: `query is longer than ${maxBytes} bytes` };
  const lexed = tokenize(input);
  if ('error' in lexed) return { ok: false, reason: `cannot read the query: ${lexed.error}` };
  const tokens = [...lexed.tokens];
  // Trailing semicolons (and any comment after them) are cut off, so the engine gets one clean statement.
  let end = input.length;
  while (tokens.length > 0 && tokens[tokens.length - 1].text === ';') end = tokens.pop()!.pos;
  if (tokens.length === 0) return { ok: false, reason: 'empty query' };
  if (tokens.some((t) => t.text === ';')) return { ok: false, reason: 'multiple statements are not allowed: send one query per request' };

  // A query may open with parentheses: `(SELECT ...) UNION ALL (SELECT ...)`.
  const first = tokens.find((t) => t.text !== '(');
  const keyword = first?.kind === 'word' ? first.text.toUpperCase() : '';
  if (WRITE_STATEMENTS.has(keyword)) return { ok: false, reason: `${keyword} is a write: the SQL API is read-only` };
  if (DDL_STATEMENTS.has(keyword)) return { ok: false, reason: `${keyword} is DDL: the SQL API is read-only` };
  if (ADMIN_STATEMENTS.has(keyword)) return { ok: false, reason: `${keyword} changes server or session state: the SQL API is read-only` };
  if (!READ_STATEMENTS.has(keyword)) return { ok: false, reason: `only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN and EXISTS queries are allowed (got ${keyword || first?.text || 'nothing'})` };

  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind !== 'word') continue;
    const word = t.text.toUpperCase();
    const nextText = tokens[k + 1]?.text;
    if (word === 'INTO' && tokens[k + 1]?.text.toUpperCase() === 'OUTFILE') return { ok: false, reason: 'INTO OUTFILE is not allowed: results come back in the response' };
    // `format(...)` and `settings(...)` are functions; the bare words are clauses.
    if (word === 'SETTINGS' && nextText !== '(') return { ok: false, reason: 'query-level SETTINGS are not allowed: the API sets the limits' };
    if (word === 'FORMAT' && nextText !== '(') return { ok: false, reason: 'a FORMAT clause is not allowed: choose json, jsonl, csv or tsv with ?format=' };
    if (word === 'INSERT' && nextText?.toUpperCase() === 'INTO') return { ok: false, reason: 'INSERT is a write: the SQL API is read-only' };
  }
  return { ok: true, sql: input.slice(0, end).trim(), statement: keyword };
}
