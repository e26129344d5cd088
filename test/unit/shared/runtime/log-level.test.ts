import { describe, expect, it } from 'vitest';
import { streakLevel } from '../../../../shared/runtime/log-level.ts';

describe('streakLevel', () => {
  it('warns at the 1st, 2nd, 4th, 8th... failure in a row and logs the others at debug', () => {
    const levels = Array.from({ length: 17 }, (_, i) => streakLevel(i + 1));
    const warned = levels.flatMap((level, i) => (level === 'warn' ? [i + 1] : []));
    expect(warned).toEqual([1, 2, 4, 8, 16]);
    expect(levels.filter((l) => l === 'debug')).toHaveLength(12);
    expect([1023, 1024, 1025].map(streakLevel)).toEqual(['debug', 'warn', 'debug']);
  });

  it('gives a long outage about log2 warnings (20 over a million failures)', () => {
    let warnings = 0;
    for (let n = 1; n <= 1_000_000; n++) if (streakLevel(n) === 'warn') warnings++;
    expect(warnings).toBe(20);
  });

  it('never warns for a streak that has not started (0 or less)', () => {
    expect([streakLevel(0), streakLevel(-1), streakLevel(-4)]).toEqual(['debug', 'debug', 'debug']);
  });
});
