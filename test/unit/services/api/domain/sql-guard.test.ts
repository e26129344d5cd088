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
