import { describe, expect, it } from 'vitest';
import { scorerConfigSchema } from '../../../../services/scorer/config.ts';

describe('scorer config', () => {
  it('works with no settings at all', () => {
    expect(scorerConfigSchema.parse({})).toEqual({
      groupId: 'oilwire-scorer',
      fromBeginning: true,
      maxBatchSize: 256,
      transformers: null,
      novelty: { windowHours: 24, maxClusters: 50_000, threshold: 0.4 },
    });
  });
  it('fills transformer defaults and keeps remote loading off', () => {
    const c = scorerConfigSchema.parse({ transformers: { path: './models/finbert' } });
    expect(c.transformers).toMatchObject({ path: './models/finbert', allowRemote: false, dtype: 'fp32', workers: 1, isolation: 'process', weight: 0.6 });
    expect(scorerConfigSchema.safeParse({ transformers: { path: 'x', isolation: 'thread', workers: 2 } }).success).toBe(false);
  });
  it('rejects unknown keys and bad values', () => {
    expect(scorerConfigSchema.safeParse({ grupId: 'x' }).success).toBe(false);
    expect(scorerConfigSchema.safeParse({ transformers: { path: 'x', weight: 2 } }).success).toBe(false);
  });
});
