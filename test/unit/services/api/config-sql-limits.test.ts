/** The analyst limits section of the api config: spill thresholds that can take effect before the memory cap. */
import { describe, expect, it } from 'vitest';
import { apiConfigSchema } from '../../../../services/api/config.ts';

const sql = (limits: Record<string, number>) => apiConfigSchema.safeParse({ sql: limits });

describe('api.sql spill thresholds', () => {
  it('default to a quarter of the default cap', () => {
    const c = apiConfigSchema.parse({}).sql;
    expect([c.maxMemoryBytes, c.externalGroupByBytes, c.externalSortBytes]).toEqual([512_000_000, 128_000_000, 128_000_000]);
  });

  it('must be under maxMemoryBytes: a threshold at the cap never spills', () => {
    const atCap = sql({ maxMemoryBytes: 100_000_000, externalGroupByBytes: 100_000_000, externalSortBytes: 10_000_000 });
    expect(atCap.success).toBe(false);
    expect(atCap.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['sql.externalGroupByBytes', 'must be under maxMemoryBytes (100000000) to spill before the cap, or 0 for never']]);
    expect(sql({ maxMemoryBytes: 100_000_000, externalSortBytes: 128_000_000 }).error?.issues.map((i) => i.path.join('.'))).toEqual(['sql.externalGroupByBytes', 'sql.externalSortBytes']);
    expect(sql({ maxMemoryBytes: 100_000_000, externalGroupByBytes: 99_999_999, externalSortBytes: 99_999_999 }).success).toBe(true);
  });

  it('may be 0: never spill', () => {
    expect(sql({ maxMemoryBytes: 100_000_000, externalGroupByBytes: 0, externalSortBytes: 0 }).success).toBe(true);
  });
});
