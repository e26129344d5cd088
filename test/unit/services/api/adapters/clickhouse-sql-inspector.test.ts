import { describe, expect, it } from 'vitest';
import { ClickHouseSqlInspector } from '../../../../../services/api/adapters/clickhouse-sql-inspector.ts';
import type { Store } from '../../../../../shared/store/port.ts';

/**
 * The inspector's own decisions on what the engine answered. The engine's real answers are covered on
 * chDB (test/integration/services/api/sql-hostile.test.ts and neighbours); here the one answer chDB gives
 * no known statement for: a canonical text that does not format back to itself.
 */
function engineAnswering(same: number): { store: Store; sent: string[] } {
  const sent: string[] = [];
  const store = {
    query: async (sql: string) => {
      sent.push(sql);
      if (sql.startsWith('SELECT formatQuery')) return [{ sql: 'SELECT 1', same }];
      if (sql.includes('system.functions')) return [];
      if (sql.includes('system.table_functions')) return [];
      if (sql.includes('EXPLAIN AST')) return [{ explain: 'SelectWithUnionQuery (children 1)' }, { explain: ' ExpressionList (children 1)' }, { explain: '  SelectQuery (children 1)' }, { explain: '   ExpressionList (children 1)' }, { explain: '    Literal UInt64_1' }];
      throw new Error(`unexpected ${sql}`);
    },
  } as unknown as Store;
  return { store, sent };
}

describe('ClickHouseSqlInspector', () => {
  it('refuses a statement the engine does not format back to itself, before asking for its AST', async () => {
    const { store, sent } = engineAnswering(0);
    await expect(new ClickHouseSqlInspector('oil').inspect(store, 'SELECT 1')).rejects.toMatchObject({ code: 'SQL_REFUSED', message: expect.stringMatching(/does not format this statement stably/) });
    expect(sent.some((s) => s.includes('EXPLAIN'))).toBe(false);
  });

  it('asks for the canonical text and its stability in one round trip, then the AST of that text', async () => {
    const { store, sent } = engineAnswering(1);
    await expect(new ClickHouseSqlInspector('oil').inspect(store, 'select   1')).resolves.toMatchObject({ sql: 'SELECT 1', kind: 'select' });
    expect(sent.filter((s) => s.startsWith('SELECT formatQuery'))).toHaveLength(1);
    expect(sent).toContain('SELECT explain FROM (EXPLAIN AST SELECT 1)');
    expect(sent.findIndex((s) => s.includes('EXPLAIN'))).toBeGreaterThan(sent.findIndex((s) => s.startsWith('SELECT formatQuery')));
  });
});
