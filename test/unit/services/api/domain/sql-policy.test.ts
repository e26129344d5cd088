import { describe, expect, it } from 'vitest';
import { checkFunction, checkSelectAst, checkTable, otherReadStatement, type FunctionCatalogue } from '../../../../../services/api/domain/sql-policy.ts';

const fn = (name: string, categories = 'Other', origin = 'System', aliasTo = '') => [name.toLowerCase(), { name, aliasTo, origin, categories }] as const;
const catalogue: FunctionCatalogue = {
  functions: new Map([fn('plus', 'Arithmetic'), fn('file'), fn('format', 'String'), fn('dictGet', 'Dictionary'), fn('regionToName', 'Embedded Dictionary'), fn('my_udf', '', 'SQLUserDefined'), fn('fileAlias', '', 'System', 'file'), fn('addressToLine', 'Introspection')]),
  tableFunctions: new Set(['file', 'url', 'numbers', 'format', 'remote', 'executable', 'input']),
};
const ctx = { database: 'oil', databases: ['oil', 'default', 'system', 'other'], catalogue };

/** An EXPLAIN AST dump of `SELECT <expr> FROM <table>` as the engine prints it. */
const select = (expressions: string[], table: string[]) => [
  'SelectWithUnionQuery (children 1)',
  ' ExpressionList (children 1)',
  '  SelectQuery (children 2)',
  `   ExpressionList (children ${expressions.length})`,
  ...expressions.map((e) => `    ${e}`),
  '   TablesInSelectQuery (children 1)',
  '    TablesInSelectQueryElement (children 1)',
  '     TableExpression (children 1)',
  ...table.map((t) => `      ${t}`),
];

describe('checkSelectAst', () => {
  it('accepts a read of oilwire tables, the system one-row table and the generators', () => {
    expect(checkSelectAst(select(['Identifier price'], ['TableIdentifier oil.ticks (alias t)']), ctx)).toEqual({ ok: true });
    expect(checkSelectAst(select(['Literal UInt64_1'], ['TableIdentifier system.one']), ctx)).toEqual({ ok: true });
    expect(checkSelectAst(select(['Identifier number'], ['Function numbers (children 1)', ' ExpressionList (children 1)', '  Literal UInt64_10']), ctx)).toEqual({ ok: true });
    expect(checkSelectAst(select(['Function format (children 1)', ' ExpressionList (children 1)'], ['TableIdentifier news']), ctx)).toEqual({ ok: true });
  });

  it('refuses table functions other than the generators, wherever they stand', () => {
    for (const t of ['file', 'url', 'remote', 'executable', 'input', 'format']) {
      const v = checkSelectAst(select(['Asterisk'], [`Function ${t} (children 1)`, ' ExpressionList (children 1)']), ctx);
      expect(v, t).toMatchObject({ ok: false, reason: expect.stringMatching(new RegExp(`table function ${t}\\(\\)`)) });
    }
    // A table function's name outside FROM that is no scalar function.
    expect(checkSelectAst(select(['Function url (children 1)'], ['TableIdentifier news']), ctx)).toMatchObject({ ok: false });
  });

  it('refuses tables and identifiers of other databases, system.* beyond the harmless ones', () => {
    for (const t of ['system.processes', 'other.secrets', 'information_schema.tables', 'oil.x.y']) {
      expect(checkSelectAst(select(['Asterisk'], [`TableIdentifier ${t}`]), ctx), t).toMatchObject({ ok: false });
    }
    const inSubquery = select(['Function in (children 1)', ' ExpressionList (children 2)', '  Identifier x', '  Identifier system.processes'], ['TableIdentifier news']);
    expect(checkSelectAst(inSubquery, ctx)).toMatchObject({ ok: false, reason: expect.stringMatching(/system\.processes/) });
    expect(checkSelectAst(select(['Identifier default.t.c'], ['TableIdentifier news']), ctx)).toMatchObject({ ok: false });
    // A column qualified by a table alias is fine.
    expect(checkSelectAst(select(['Identifier t.price'], ['TableIdentifier ticks (alias t)']), ctx)).toEqual({ ok: true });
  });

  it('refuses SETTINGS, parameters, non-SELECT roots, unusual names and unknown constructs', () => {
    expect(checkSelectAst([...select(['Literal UInt64_1'], ['TableIdentifier system.one']), '   Set'], ctx)).toMatchObject({ ok: false, reason: expect.stringMatching(/SETTINGS/) });
    expect(checkSelectAst(select(['QueryParameter p:String'], ['TableIdentifier news']), ctx)).toMatchObject({ ok: false });
    expect(checkSelectAst(['InsertQuery'], ctx)).toMatchObject({ ok: false, reason: expect.stringMatching(/only SELECT/) });
    expect(checkSelectAst([], ctx)).toMatchObject({ ok: false });
    expect(checkSelectAst(select(['Function my func (children 1)'], ['TableIdentifier news']), ctx)).toMatchObject({ ok: false, reason: expect.stringMatching(/unusual function name/) });
    expect(checkSelectAst(select(['Asterisk'], ['TableIdentifier we`ird']), ctx)).toMatchObject({ ok: false, reason: expect.stringMatching(/unusual table name/) });
    // An identifier holding a newline adds a line of its own: it can only be refused, never hide a node.
    expect(checkSelectAst(select(['Identifier a', 'b'], ['TableIdentifier news']), ctx)).toMatchObject({ ok: false, reason: expect.stringMatching(/unsupported construct/) });
    expect(checkSelectAst(select(['Identifier a', '   TableIdentifier system.processes'], ['TableIdentifier news']), ctx)).toMatchObject({ ok: false });
  });
});

describe('checkFunction', () => {
  it('refuses the file, dictionary, model, introspection and user-defined families, aliases included', () => {
    for (const name of ['file', 'FILE', 'fileAlias', 'dictGet', 'dictGetOrDefault', 'joinGet', 'regionToName', 'catboostEvaluate', 'hasColumnInTable', 'my_udf', 'addressToLine', 'showCertificate']) {
      expect(checkFunction(name, catalogue), name).toMatchObject({ ok: false });
    }
    for (const name of ['plus', 'sumIf', 'format']) expect(checkFunction(name, catalogue), name).toEqual({ ok: true });
  });
});

describe('checkTable and otherReadStatement', () => {
  it('knows oilwire tables from the rest', () => {
    expect(checkTable('news', ctx)).toEqual({ ok: true });
    expect(checkTable('oil.news', ctx)).toEqual({ ok: true });
    expect(checkTable('system.numbers', ctx)).toEqual({ ok: true });
    expect(checkTable('system.tables', ctx)).toMatchObject({ ok: false });
    expect(checkTable('oilx.news', ctx)).toMatchObject({ ok: false });
  });

  it('lets SHOW TABLES and DESCRIBE TABLE of an oilwire table through, on the canonical text only', () => {
    expect(otherReadStatement('SHOW TABLES', 'oil')).toBe('show_tables');
    expect(otherReadStatement('DESCRIBE TABLE news', 'oil')).toBe('describe');
    expect(otherReadStatement('DESCRIBE TABLE oil.news', 'oil')).toBe('describe');
    expect(otherReadStatement('DESCRIBE TABLE system.processes', 'oil')).toBeUndefined();
    expect(otherReadStatement("DESCRIBE TABLE url('http://x', CSV)", 'oil')).toBeUndefined();
    expect(otherReadStatement('SHOW TABLES FROM system', 'oil')).toBeUndefined();
  });
});
