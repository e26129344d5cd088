import { describe, expect, it } from 'vitest';
import { checkReadOnlySql, tokenize } from '../../../../../services/api/domain/sql-guard.ts';

const check = (sql: string) => checkReadOnlySql(sql, 100_000);
const refused = (sql: string) => {
  const v = check(sql);
  expect(v.ok, `expected refusal of ${sql}`).toBe(false);
  return v.ok ? '' : v.reason;
};

describe('checkReadOnlySql', () => {
  it('accepts the read statements', () => {
    for (const sql of [
      'SELECT 1',
      'select * from impact where horizon = \'5m\'',
      'WITH x AS (SELECT 1) SELECT * FROM x',
      'SHOW TABLES',
      'DESCRIBE TABLE news',
      'DESC news',
      'EXPLAIN SELECT 1',
      'EXISTS TABLE news',
      '(SELECT 1) UNION ALL (SELECT 2)',
    ]) {
      const v = check(sql);
      expect(v.ok, sql).toBe(true);
    }
  });

  it('refuses writes and DDL with a reason naming the statement', () => {
    expect(refused('INSERT INTO news VALUES (1)')).toMatch(/INSERT is a write/);
    expect(refused('insert into news select * from news')).toMatch(/INSERT is a write/);
    expect(refused('ALTER TABLE news DELETE WHERE 1')).toMatch(/ALTER is DDL/);
    expect(refused('DROP TABLE news')).toMatch(/DROP is DDL/);
    expect(refused('CREATE TABLE t (x Int8) ENGINE = Memory')).toMatch(/CREATE is DDL/);
    expect(refused('TRUNCATE TABLE news')).toMatch(/TRUNCATE is DDL/);
    expect(refused('RENAME TABLE news TO n2')).toMatch(/RENAME is DDL/);
    expect(refused('OPTIMIZE TABLE news FINAL')).toMatch(/OPTIMIZE is DDL/);
    expect(refused('DELETE FROM news WHERE 1')).toMatch(/DELETE is a write/);
    expect(refused('UPDATE news SET title = 1 WHERE 1')).toMatch(/UPDATE is a write/);
    expect(refused('SET readonly = 0')).toMatch(/SET changes server or session state/);
    expect(refused('SYSTEM DROP DNS CACHE')).toMatch(/SYSTEM changes/);
    expect(refused('KILL QUERY WHERE 1')).toMatch(/KILL changes/);
    expect(refused('GRANT ALL ON *.* TO default')).toMatch(/GRANT changes/);
  });

  it('refuses multiple statements, wherever the second one hides', () => {
    expect(refused('SELECT 1; SELECT 2')).toMatch(/multiple statements/);
    expect(refused('SELECT 1; DROP TABLE news')).toMatch(/multiple statements/);
    expect(refused('SELECT 1;DROP TABLE news;')).toMatch(/multiple statements/);
    expect(refused("SELECT 'a'/* ; */; INSERT INTO t VALUES (1)")).toMatch(/multiple statements/);
  });

  it('does not see keywords or semicolons inside strings, identifiers and comments', () => {
    expect(check("SELECT 'DROP TABLE news; INSERT INTO x' AS s").ok).toBe(true);
    expect(check('SELECT 1 AS `weird;name`').ok).toBe(true);
    expect(check("SELECT 'it''s; fine'").ok).toBe(true);
    expect(check("SELECT 'back\\'slash; still a string'").ok).toBe(true);
    expect(check('SELECT 1 -- ; DROP TABLE news').ok).toBe(true);
    expect(check('SELECT 1 /* nested /* ; */ still comment ; */').ok).toBe(true);
    expect(check('SELECT $$ ; DROP $$ AS s').ok).toBe(true);
    expect(check('/* leading comment */ SELECT 1').ok).toBe(true);
  });

  it('cuts trailing semicolons and the comments after them', () => {
    const v = check('SELECT 1;  -- done\n');
    expect(v).toMatchObject({ ok: true, sql: 'SELECT 1' });
    expect(check('SELECT 1;;;')).toMatchObject({ ok: true, sql: 'SELECT 1' });
  });

  it('refuses SETTINGS, FORMAT and INTO OUTFILE clauses but not the functions of those names', () => {
    expect(refused('SELECT 1 SETTINGS readonly = 0')).toMatch(/SETTINGS/);
    expect(refused('SELECT 1 FORMAT Pretty')).toMatch(/FORMAT clause/);
    expect(refused("SELECT 1 INTO OUTFILE '/tmp/x'")).toMatch(/INTO OUTFILE/);
    expect(check("SELECT format('{} {}', 'a', 'b')").ok).toBe(true);
  });

  it('refuses empty, oversized, unterminated and unknown input', () => {
    expect(refused('   ')).toMatch(/empty/);
    expect(refused(' ; ')).toMatch(/empty/);
    expect(checkReadOnlySql('SELECT 1', 3)).toMatchObject({ ok: false });
    expect(refused("SELECT 'open")).toMatch(/unterminated string/);
    expect(refused('SELECT 1 /* open')).toMatch(/unterminated comment/);
    expect(refused('VACUUM')).toMatch(/only SELECT/);
  });
});

describe('tokenize', () => {
  it('keeps the position of each token', () => {
    const lexed = tokenize('SELECT  x');
    expect('tokens' in lexed && lexed.tokens.map((t) => [t.text, t.pos])).toEqual([
      ['SELECT', 0],
      ['x', 8],
    ]);
  });
});

describe('tokenize: what each kind of text becomes', () => {
  const lex = (sql: string) => {
    const r = tokenize(sql);
    if ('error' in r) throw new Error(r.error);
    return r.tokens.map((t) => [t.kind, t.text, t.pos]);
  };
  const error = (sql: string) => {
    const r = tokenize(sql);
    return 'error' in r ? r.error : undefined;
  };

  it('splits words, numbers and punctuation, and skips every kind of white space', () => {
    expect(lex('a_1$x\t>=\n2.5e3\r(b)')).toEqual([
      ['word', 'a_1$x', 0],
      ['punct', '>', 6],
      ['punct', '=', 7],
      ['literal', '2.5e3', 9],
      ['punct', '(', 15],
      ['word', 'b', 16],
      ['punct', ')', 17],
    ]);
    expect(lex('_x 0x1F')).toEqual([
      ['word', '_x', 0],
      ['literal', '0x1F', 3],
    ]);
  });

  it('a single minus is an operator; -- and # comment out the rest of the line only', () => {
    expect(lex('1 - 2')).toEqual([
      ['literal', '1', 0],
      ['punct', '-', 2],
      ['literal', '2', 4],
    ]);
    expect(lex('a -- b ; c\nd')).toEqual([
      ['word', 'a', 0],
      ['word', 'd', 11],
    ]);
    expect(lex('a # b ; c\nd')).toEqual([
      ['word', 'a', 0],
      ['word', 'd', 10],
    ]);
    expect(lex('a / b * c')).toEqual([
      ['word', 'a', 0],
      ['punct', '/', 2],
      ['word', 'b', 4],
      ['punct', '*', 6],
      ['word', 'c', 8],
    ]);
  });

  it('block comments nest, and the text after the outermost end is read again', () => {
    expect(lex('a /* x /* y */ z */ b')).toEqual([
      ['word', 'a', 0],
      ['word', 'b', 20],
    ]);
    expect(lex('/**/b')).toEqual([['word', 'b', 4]]);
    expect(error('a /* x /* y */ z')).toBe('unterminated comment');
    expect(error('/*')).toBe('unterminated comment');
  });

  it('strings become one opaque literal, identifiers one opaque word, with their escapes', () => {
    expect(lex("'it''s' x")).toEqual([
      ['literal', "''", 0],
      ['word', 'x', 8],
    ]);
    expect(lex("'a\\'b' x")).toEqual([
      ['literal', "''", 0],
      ['word', 'x', 7],
    ]);
    expect(lex('"DROP" `x``y` `a\\`b` z')).toEqual([
      ['word', '`identifier`', 0],
      ['word', '`identifier`', 7],
      ['word', '`identifier`', 14],
      ['word', 'z', 21],
    ]);
    expect(lex("''")).toEqual([['literal', "''", 0]]);
  });

  it('names what was left open', () => {
    expect(error("'abc")).toBe('unterminated string');
    expect(error("'abc\\'")).toBe('unterminated string');
    expect(error("'it''")).toBe('unterminated string');
    expect(error('"abc')).toBe('unterminated quoted identifier');
    expect(error('`abc')).toBe('unterminated quoted identifier');
    expect(error('$$ abc')).toBe('unterminated heredoc string');
    expect(error('$tag$ abc $other$')).toBe('unterminated heredoc string');
  });

  it('heredocs end only at their own tag; a lone $ is punctuation', () => {
    expect(lex('$t$ ; $x$ DROP $t$ b')).toEqual([
      ['literal', "''", 0],
      ['word', 'b', 19],
    ]);
    expect(lex('$$$$b')).toEqual([
      ['literal', "''", 0],
      ['word', 'b', 4],
    ]);
    expect(lex('$1 $')).toEqual([
      ['punct', '$', 0],
      ['literal', '1', 1],
      ['punct', '$', 3],
    ]);
    expect(lex('$_a9$x$_a9$')).toEqual([['literal', "''", 0]]);
  });
});

describe('checkReadOnlySql: the exact verdicts', () => {
  it('measures the limit in UTF-8 bytes, the limit itself allowed', () => {
    expect(checkReadOnlySql('SELECT 1', 8)).toMatchObject({ ok: true });
    expect(checkReadOnlySql('SELECT 1', 7)).toEqual({ ok: false, reason: 'query is longer than 7 bytes' });
    // 10 characters, 11 bytes.
    expect(checkReadOnlySql("SELECT 'é'", 10)).toEqual({ ok: false, reason: 'query is longer than 10 bytes' });
    expect(checkReadOnlySql("SELECT 'é'", 11)).toMatchObject({ ok: true });
  });

  it('returns the statement upper-cased and the query trimmed, without its trailing semicolons and comment', () => {
    expect(check('  select 1 ;  -- done')).toEqual({ ok: true, sql: 'select 1', statement: 'SELECT' });
    expect(check('\nSELECT 1\n')).toEqual({ ok: true, sql: 'SELECT 1', statement: 'SELECT' });
    expect(check('SELECT 1 ; ; /* x */')).toEqual({ ok: true, sql: 'SELECT 1', statement: 'SELECT' });
    expect(check('((select 1)) union all (select 2)')).toMatchObject({ ok: true, statement: 'SELECT' });
    expect(check('with x as (select 1) select * from x')).toMatchObject({ ok: true, statement: 'WITH' });
    expect(check('desc news')).toMatchObject({ ok: true, statement: 'DESC' });
  });

  it('gives the reason of each refusal', () => {
    expect(check('')).toEqual({ ok: false, reason: 'empty query' });
    expect(check(';')).toEqual({ ok: false, reason: 'empty query' });
    expect(check('-- only a comment')).toEqual({ ok: false, reason: 'empty query' });
    expect(check("SELECT 'x")).toEqual({ ok: false, reason: 'cannot read the query: unterminated string' });
    expect(check('SELECT 1; SELECT 2')).toEqual({ ok: false, reason: 'multiple statements are not allowed: send one query per request' });
    expect(check('insert into t values (1)')).toEqual({ ok: false, reason: 'INSERT is a write: the SQL API is read-only' });
    expect(check('(drop table t)')).toEqual({ ok: false, reason: 'DROP is DDL: the SQL API is read-only' });
    expect(check('use other')).toEqual({ ok: false, reason: 'USE changes server or session state: the SQL API is read-only' });
    expect(check('VACUUM t')).toEqual({ ok: false, reason: 'only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN and EXISTS queries are allowed (got VACUUM)' });
    expect(check('1 + 1')).toEqual({ ok: false, reason: 'only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN and EXISTS queries are allowed (got 1)' });
    expect(check('((')).toEqual({ ok: false, reason: 'only SELECT, WITH, SHOW, DESCRIBE, EXPLAIN and EXISTS queries are allowed (got nothing)' });
    expect(check("'SELECT'")).toMatchObject({ ok: false, reason: expect.stringMatching(/^only SELECT/) });
  });

  it('refuses every write, DDL and admin statement by its first word', () => {
    const writes = ['INSERT', 'UPDATE', 'DELETE', 'UPSERT', 'REPLACE', 'MERGE'];
    const ddl = ['CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'RENAME', 'ATTACH', 'DETACH', 'EXCHANGE', 'UNDROP', 'OPTIMIZE', 'MOVE'];
    const admin = ['SET', 'USE', 'GRANT', 'REVOKE', 'KILL', 'SYSTEM', 'BACKUP', 'RESTORE', 'CHECK', 'BEGIN', 'COMMIT', 'ROLLBACK', 'WATCH'];
    for (const w of writes) expect(check(`${w.toLowerCase()} x`), w).toEqual({ ok: false, reason: `${w} is a write: the SQL API is read-only` });
    for (const w of ddl) expect(check(`${w.toLowerCase()} x`), w).toEqual({ ok: false, reason: `${w} is DDL: the SQL API is read-only` });
    for (const w of admin) expect(check(`${w.toLowerCase()} x`), w).toEqual({ ok: false, reason: `${w} changes server or session state: the SQL API is read-only` });
  });

  it('refuses the clauses anywhere in a read statement, in any case, with their own reasons', () => {
    expect(check("select 1 into outfile 'x'")).toEqual({ ok: false, reason: 'INTO OUTFILE is not allowed: results come back in the response' });
    expect(check('select 1 settings max_threads = 1')).toEqual({ ok: false, reason: 'query-level SETTINGS are not allowed: the API sets the limits' });
    expect(check('select 1 settings')).toEqual({ ok: false, reason: 'query-level SETTINGS are not allowed: the API sets the limits' });
    expect(check('select 1 format JSON')).toEqual({ ok: false, reason: 'a FORMAT clause is not allowed: choose json, jsonl, csv or tsv with ?format=' });
    expect(check('select 1 format')).toEqual({ ok: false, reason: 'a FORMAT clause is not allowed: choose json, jsonl, csv or tsv with ?format=' });
    expect(check('with x as (select 1) insert into t select * from x')).toEqual({ ok: false, reason: 'INSERT is a write: the SQL API is read-only' });
    expect(check('explain insert into t values (1)')).toEqual({ ok: false, reason: 'INSERT is a write: the SQL API is read-only' });
  });

  it('leaves names that only look like the clauses to the engine', () => {
    // The function forms and a column called "into" or "insert" are the engine's to judge (it is the wall).
    expect(check("SELECT format('{}', 'a'), settings(1)")).toMatchObject({ ok: true });
    expect(check('SELECT into FROM t')).toMatchObject({ ok: true });
    expect(check('SELECT insert FROM t')).toMatchObject({ ok: true });
  });
});

describe('sql-guard: the edges its mutation run found untested (issue 11)', () => {
  const lex = (sql: string) => {
    const r = tokenize(sql);
    if ('error' in r) throw new Error(r.error);
    return r.tokens.map((t) => [t.kind, t.text, t.pos]);
  };

  it('a minus glued to a number or word is an operator, so a statement after it is still seen', () => {
    expect(lex('1-2')).toEqual([
      ['literal', '1', 0],
      ['punct', '-', 1],
      ['literal', '2', 2],
    ]);
    expect(check('SELECT 1-1; DROP TABLE news')).toEqual({ ok: false, reason: 'multiple statements are not allowed: send one query per request' });
    expect(check('SELECT price-1 FROM ticks')).toMatchObject({ ok: true, sql: 'SELECT price-1 FROM ticks' });
  });

  it('inside a block comment a lone / opens nothing and a lone * closes nothing', () => {
    expect(lex('/* a/b */ x')).toEqual([['word', 'x', 10]]);
    expect(lex('/* a * b */ x')).toEqual([['word', 'x', 12]]);
    // A lone * must not end the comment early and leave its text to be read as SQL (or hide a real end).
    expect(check('SELECT 1 /* 2 * 3 ; DROP TABLE news */')).toEqual({ ok: true, sql: 'SELECT 1 /* 2 * 3 ; DROP TABLE news */', statement: 'SELECT' });
    expect(check('/* see a/b */ SELECT 1')).toMatchObject({ ok: true, statement: 'SELECT' });
    expect(check('/* a/b */ SELECT 1; DROP TABLE news')).toEqual({ ok: false, reason: 'multiple statements are not allowed: send one query per request' });
  });

  it('a $ that opens no heredoc where it stands is punctuation, even with a heredoc further on', () => {
    expect(lex('$1 $$x$$')).toEqual([
      ['punct', '$', 0],
      ['literal', '1', 1],
      ['literal', "''", 3],
    ]);
  });

  it('OUTFILE, INTO and INSERT are clauses only in their pair; alone or last they are names for the engine', () => {
    expect(check('SELECT 1 AS outfile')).toMatchObject({ ok: true });
    expect(check('SELECT into')).toMatchObject({ ok: true, statement: 'SELECT' });
    expect(check('SELECT insert')).toMatchObject({ ok: true, statement: 'SELECT' });
    // and the pairs themselves stay refused
    expect(check("SELECT 1 INTO OUTFILE 'x'")).toMatchObject({ ok: false, reason: expect.stringMatching(/^INTO OUTFILE/) });
  });
});
