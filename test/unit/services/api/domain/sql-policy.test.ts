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

describe('checkSelectAst: every line counts', () => {
  const ok = (lines: string[]) => expect(checkSelectAst(lines, ctx)).toEqual({ ok: true });
  const reason = (lines: string[]) => {
    const v = checkSelectAst(lines, ctx);
    expect(v.ok).toBe(false);
    return v.ok ? '' : v.reason;
  };

  it('accepts each node type a read query is made of', () => {
    const types = [
      'SelectIntersectExceptQuery', 'SelectQuery', 'ExpressionList', 'Literal', 'Lambda', 'TablesInSelectQuery', 'TablesInSelectQueryElement',
      'TableExpression', 'TableJoin', 'ArrayJoin', 'Subquery', 'WithElement', 'Asterisk', 'QualifiedAsterisk', 'ColumnsRegexpMatcher',
      'ColumnsListMatcher', 'QualifiedColumnsRegexpMatcher', 'QualifiedColumnsListMatcher', 'ColumnsTransformerList', 'ColumnsApplyTransformer',
      'ColumnsExceptTransformer', 'ColumnsReplaceTransformer', 'ColumnsReplaceTransformer::Replacement', 'OrderByElement', 'WindowDefinition',
      'WindowListElement', 'Interpolate', 'InterpolateElement', 'SampleRatio', 'DataType',
    ];
    for (const t of types) ok(['SelectWithUnionQuery (children 1)', ` ${t} (children 1)`]);
    ok(['SelectWithUnionQuery (children 1)', ' Identifier x', ' Function plus (children 1)', ' TableIdentifier news']);
  });

  it('refuses a dump that does not open with the union of selects', () => {
    const only = 'only SELECT queries (with WITH, UNION, joins, subqueries) are allowed';
    expect(reason([])).toBe(only);
    expect(reason(['SelectQuery (children 1)'])).toBe(only);
    expect(reason([' SelectWithUnionQuery (children 1)'])).toBe(only);
    expect(reason(['SelectWithUnionQueryX'])).toBe(only);
    ok(['SelectWithUnionQuery']);
  });

  it('refuses SETTINGS, parameters and unknown nodes at any depth, quoting at most 80 characters', () => {
    expect(reason(['SelectWithUnionQuery', '      Set'])).toBe('query-level SETTINGS are not allowed: the API sets the limits');
    expect(reason(['SelectWithUnionQuery', '  QueryParameter p:String'])).toBe('query parameters ({name:Type}) are not supported');
    expect(reason(['SelectWithUnionQuery', '  InsertQuery (children 1)'])).toBe('unsupported construct in analyst SQL: "InsertQuery (children 1)"');
    expect(reason(['SelectWithUnionQuery', ''])).toBe('unsupported construct in analyst SQL: ""');
    const long = 'X'.repeat(100);
    expect(reason(['SelectWithUnionQuery', ` ${long}`])).toBe(`unsupported construct in analyst SQL: "${'X'.repeat(80)}"`);
    expect(reason(['SelectWithUnionQuery', ` Function a b ${long}`])).toBe(`unusual function name in "${`Function a b ${long}`.slice(0, 80)}": call functions by their plain name`);
    expect(reason(['SelectWithUnionQuery', ` TableIdentifier a-b ${long}`])).toBe(`unusual table name in "${`TableIdentifier a-b ${long}`.slice(0, 80)}": quote-free names only`);
  });

  it('reads function lines with their alias and children, and nothing else after the name', () => {
    ok(['SelectWithUnionQuery', ' Function plus (alias p) (children 1)']);
    ok(['SelectWithUnionQuery', ' Function plus (alias p)']);
    ok(['SelectWithUnionQuery', ' Function _to_Date32']);
    expect(reason(['SelectWithUnionQuery', ' Function file (alias f) (children 1)'])).toMatch(/^function file\(\) reaches files/);
    expect(reason(['SelectWithUnionQuery', ' Function 1plus'])).toMatch(/^unusual function name/);
    expect(reason(['SelectWithUnionQuery', ' Function plus (children x)'])).toMatch(/^unusual function name/);
    expect(reason(['SelectWithUnionQuery', ' Function plus extra'])).toMatch(/^unusual function name/);
    expect(reason(['SelectWithUnionQuery', ' Function  plus'])).toMatch(/^unusual function name/);
    expect(reason(['SelectWithUnionQuery', ' Function'])).toMatch(/^unusual function name/);
  });

  it('reads table lines with their alias and refuses any other text after the name', () => {
    ok(['SelectWithUnionQuery', ' TableIdentifier oil.news (alias n)']);
    expect(reason(['SelectWithUnionQuery', ' TableIdentifier system.processes (alias p)'])).toBe("table system.processes is outside oilwire's database oil: analysts read its tables and views only");
    expect(reason(['SelectWithUnionQuery', ' TableIdentifier news x'])).toMatch(/^unusual table name/);
    expect(reason(['SelectWithUnionQuery', ' TableIdentifier'])).toMatch(/^unusual table name/);
    expect(reason(['SelectWithUnionQuery', ' TableIdentifier  news'])).toMatch(/^unusual table name/);
  });

  it('takes a function as a table function only right under TableExpression, one level deeper', () => {
    const fromFn = (name: string, depth: number) => ['SelectWithUnionQuery', '     TableExpression (children 1)', `${' '.repeat(depth)}Function ${name} (children 1)`];
    for (const g of ['numbers', 'NUMBERS_MT', 'zeros', 'zeros_mt', 'generate_series', 'generateSeries']) ok(fromFn(g, 6));
    expect(reason(fromFn('remote', 6))).toBe("table function remote() reaches outside oilwire's database: only numbers, numbers_mt, zeros, zeros_mt and generate_series are available");
    // At another depth it is no table of that TableExpression, so it is judged as a function (and `remote` is no scalar).
    expect(reason(fromFn('remote', 7))).toBe("remote is a table function that reaches outside oilwire's database");
    expect(reason(fromFn('remote', 5))).toBe("remote is a table function that reaches outside oilwire's database");
    expect(reason(['SelectWithUnionQuery', '     TableJoin', '      Function remote'])).toBe("remote is a table function that reaches outside oilwire's database");
    // The generators also as scalars: the engine's error if they are none, never a reach outside.
    ok(['SelectWithUnionQuery', ' Function numbers']);
  });

  it('refuses identifiers naming another database, in any case, and the forbidden ones even when unlisted', () => {
    for (const id of ['system.processes', 'SYSTEM.processes', 'other.t', 'Other.t.c', 'default.t', 'information_schema.tables', 'INFORMATION_SCHEMA.tables']) {
      expect(reason(['SelectWithUnionQuery', ` Identifier ${id} (alias z)`]), id).toBe(`${id} is outside oilwire's database oil`);
    }
    const noDatabases = { ...ctx, databases: [] };
    expect(checkSelectAst(['SelectWithUnionQuery', ' Identifier system.processes'], noDatabases)).toMatchObject({ ok: false });
    expect(checkSelectAst(['SelectWithUnionQuery', ' Identifier information_schema.tables'], noDatabases)).toMatchObject({ ok: false });
    // oilwire's own database, a table alias or a bare column are not another database.
    ok(['SelectWithUnionQuery', ' Identifier oil.price']);
    ok(['SelectWithUnionQuery', ' Identifier oil.news.title']);
    ok(['SelectWithUnionQuery', ' Identifier system']);
    ok(['SelectWithUnionQuery', ' Identifier t.system']);
  });

  it('checks every line, not only the first offending kind', () => {
    expect(reason(['SelectWithUnionQuery', ' Identifier x', ' Identifier y', ' Function dictGet'])).toMatch(/^function dictGet\(\)/);
    expect(reason(['SelectWithUnionQuery', ' TableIdentifier news', ' TableIdentifier other.t'])).toMatch(/^table other\.t is outside/);
    expect(reason(['SelectWithUnionQuery', ' Function plus', ' Function my_udf'])).toMatch(/user-defined/);
  });
});

describe('checkFunction: the reasons and the lists', () => {
  const reasonOf = (name: string, cat: FunctionCatalogue = catalogue) => {
    const v = checkFunction(name, cat);
    return v.ok ? 'ok' : v.reason;
  };

  it('refuses every denied name and family by name, whatever the catalogue says', () => {
    const empty: FunctionCatalogue = { functions: new Map(), tableFunctions: new Set() };
    for (const name of [
      'file', 'dictGet', 'dictHas', 'joinGet', 'joinGetOrNull', 'catboostEvaluate', 'modelEvaluate', 'naiveBayesClassifier', 'hasColumnInTable',
      'showCertificate', 'reverseDNSQuery', 'getClientHTTPHeader', 'getServerSetting', 'getMergeTreeSetting', 'getHTTPHeader', 'getMacro',
      'filesystemAvailable', 'filesystemCapacity', 'url', 'aiGenerateContent', 'llmQuery',
    ]) {
      expect(reasonOf(name, empty), name).toBe(`function ${name}() reaches files, the network, models or dictionaries: not available to analyst SQL`);
    }
    // Exact names are exact: a longer name is another function.
    for (const name of ['fileX', 'urlX', 'getMacroX', 'URLHierarchy', 'filter']) expect(reasonOf(name, empty), name).toBe('ok');
  });

  it('names the origin of a user-defined function and the refused category', () => {
    expect(reasonOf('my_udf')).toBe('function my_udf() is user-defined (SQLUserDefined): not available to analyst SQL');
    expect(reasonOf('dictGet')).toMatch(/reaches files/);
    expect(reasonOf('regionToName')).toBe('function regionToName() is in the Embedded Dictionary family: not available to analyst SQL');
    expect(reasonOf('addressToLine')).toBe('function addressToLine() is in the Introspection family: not available to analyst SQL');
    const cat = (categories: string, origin = 'System', aliasTo = ''): FunctionCatalogue => ({ functions: new Map([fn('f', categories, origin, aliasTo)]), tableFunctions: new Set() });
    expect(reasonOf('f', cat('String, Machine Learning'))).toBe('function f() is in the Machine Learning family: not available to analyst SQL');
    expect(reasonOf('f', cat('Arithmetic,AI'))).toBe('function f() is in the AI family: not available to analyst SQL');
    expect(reasonOf('f', cat('Dictionary'))).toBe('function f() is in the Dictionary family: not available to analyst SQL');
    expect(reasonOf('f', cat('Arithmetic, String'))).toBe('ok');
    expect(reasonOf('f', cat('', 'ExecutableUserDefined'))).toBe('function f() is user-defined (ExecutableUserDefined): not available to analyst SQL');
  });

  it('judges an alias by the function it stands for', () => {
    const cat: FunctionCatalogue = {
      functions: new Map([fn('udf', '', 'SQLUserDefined'), fn('toUdf', '', 'System', 'udf'), fn('intro', 'Introspection'), fn('toIntro', 'Other', 'System', 'intro'), fn('toFile', 'Other', 'System', 'FILE'), fn('toGone', 'Other', 'System', 'gone')]),
      tableFunctions: new Set(),
    };
    expect(reasonOf('toUdf', cat)).toBe('function toUdf() is user-defined (SQLUserDefined): not available to analyst SQL');
    expect(reasonOf('TOUDF', cat)).toBe('function TOUDF() is user-defined (SQLUserDefined): not available to analyst SQL');
    expect(reasonOf('toIntro', cat)).toBe('function toIntro() is in the Introspection family: not available to analyst SQL');
    expect(reasonOf('toFile', cat)).toMatch(/^function toFile\(\) reaches files/);
    // An alias whose target the catalogue does not list is judged on its own entry.
    expect(reasonOf('toGone', cat)).toBe('ok');
  });

  it('refuses a table function name used as a scalar unless it is a generator or also a scalar', () => {
    const cat: FunctionCatalogue = { functions: new Map([fn('format', 'String')]), tableFunctions: new Set(['remote', 'numbers', 'format', 'zeros']) };
    expect(reasonOf('Remote', cat)).toBe("Remote is a table function that reaches outside oilwire's database");
    expect(reasonOf('numbers', cat)).toBe('ok');
    expect(reasonOf('zeros', cat)).toBe('ok');
    expect(reasonOf('FORMAT', cat)).toBe('ok');
    expect(reasonOf('plus', cat)).toBe('ok');
  });
});

describe('checkTable: the exact verdicts', () => {
  it('accepts the harmless system tables in any case, refuses the rest with the reason', () => {
    for (const t of ['system.one', 'SYSTEM.ONE', 'system.numbers', 'system.numbers_mt', 'system.zeros', 'system.zeros_mt']) expect(checkTable(t, ctx), t).toEqual({ ok: true });
    expect(checkTable('system.users', ctx)).toEqual({ ok: false, reason: "table system.users is outside oilwire's database oil: analysts read its tables and views only" });
    expect(checkTable('OIL.news', ctx)).toMatchObject({ ok: false });
    expect(checkTable('oil.news.x', ctx)).toMatchObject({ ok: false });
    expect(checkTable('.news', ctx)).toMatchObject({ ok: false });
  });
});

describe('otherReadStatement: the canonical shapes only', () => {
  it('matches SHOW TABLES and DESCRIBE TABLE exactly', () => {
    for (const s of ['SHOW TABLES ', ' SHOW TABLES', 'show tables', 'DESCRIBE TABLE news x', 'X DESCRIBE TABLE news', 'DESCRIBE TABLE 1news', 'DESCRIBE TABLE oil.news.x', 'DESCRIBE TABLE oil.', 'DESCRIBE TABLE other.news', 'DESCRIBE TABLE  news', 'DESCRIBE news']) {
      expect(otherReadStatement(s, 'oil'), s).toBeUndefined();
    }
    expect(otherReadStatement('DESCRIBE TABLE _n9', 'oil')).toBe('describe');
    expect(otherReadStatement('DESCRIBE TABLE oil._n9', 'oil')).toBe('describe');
  });
});

describe('checkSelectAst: a line is read whole, from its start (mutation survivors of issue 11)', () => {
  const ok = (lines: string[]) => expect(checkSelectAst(lines, ctx)).toEqual({ ok: true });
  const reason = (lines: string[]) => {
    const v = checkSelectAst(lines, ctx);
    expect(v.ok).toBe(false);
    return v.ok ? '' : v.reason;
  };

  it('does not read a plain name further along a function or table line that does not parse from its start', () => {
    // If the line grammar were searched instead of anchored, the allowed name at the end would be judged and the denied one skipped.
    expect(reason(['SelectWithUnionQuery', ' Function file Function plus'])).toMatch(/^unusual function name in "Function file Function plus"/);
    expect(reason(['SelectWithUnionQuery', ' TableIdentifier system.users TableIdentifier news'])).toMatch(/^unusual table name in "TableIdentifier system\.users TableIdentifier news"/);
    // The allowed forms themselves still pass.
    ok(['SelectWithUnionQuery', ' Function plus', ' TableIdentifier news']);
  });

  it('reads aliases of any length and child counts of several digits', () => {
    ok(['SelectWithUnionQuery', ' Function plus (alias price_in_bps) (children 12)']);
    ok(['SelectWithUnionQuery', ' Function plus (children 100)']);
    ok(['SelectWithUnionQuery', ' TableIdentifier oil.news (alias headlines)']);
    // The same lines keep their refusals: the name is what is judged, not the alias.
    expect(reason(['SelectWithUnionQuery', ' Function file (alias harmless) (children 12)'])).toMatch(/^function file\(\) reaches files/);
    expect(reason(['SelectWithUnionQuery', ' TableIdentifier system.users (alias harmless)'])).toBe("table system.users is outside oilwire's database oil: analysts read its tables and views only");
  });

  it('names the identifier without its alias, whatever the alias length', () => {
    expect(reason(['SelectWithUnionQuery', ' Identifier system.processes (alias running_queries)'])).toBe("system.processes is outside oilwire's database oil");
    ok(['SelectWithUnionQuery', ' Identifier price (alias other.t)']);
  });

  it('an Identifier line with no name references nothing: a verdict, not a crash', () => {
    ok(['SelectWithUnionQuery', ' Identifier']);
  });
});
