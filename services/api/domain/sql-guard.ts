export type SqlVerdict = { ok: true; sql: string } | { ok: false; reason: string };

const READ_STATEMENTS = /^(SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS)\b/i;

/** Removes comments and string literals so keywords inside them do not count. */
function skeleton(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^'\\]|\\.|'')*'/g, "''")
    .replace(/`(?:[^`\\]|\\.)*`/g, '``')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

/**
 * First line of defence for analyst SQL: one read statement only. The store enforces
 * `readonly=1` underneath, so this guard exists to give a clear reason, not to be the only wall.
 */
export function checkReadOnlySql(input: string, maxBytes: number): SqlVerdict {
  if (Buffer.byteLength(input) > maxBytes) return { ok: false, reason: `query is longer than ${maxBytes} bytes` };
  const bare = skeleton(input).trim().replace(/;\s*$/, '');
  if (!bare) return { ok: false, reason: 'empty query' };
  if (bare.includes(';')) return { ok: false, reason: 'multiple statements are not allowed' };
  if (!READ_STATEMENTS.test(bare)) return { ok: false, reason: 'only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN and EXISTS queries are allowed' };
  if (/\bINTO\s+OUTFILE\b/i.test(bare)) return { ok: false, reason: 'INTO OUTFILE is not allowed' };
  if (/\bSETTINGS\b/i.test(bare)) return { ok: false, reason: 'query-level SETTINGS are not allowed' };
  return { ok: true, sql: input.trim().replace(/;\s*$/, '') };
}
