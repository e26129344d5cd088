import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../shared/runtime/seeded-random.ts';

const draw = (seed: number, n: number) => {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => r());
};

describe('seededRandom', () => {
  it('is mulberry32: the reference values for a few seeds (computed by an independent port)', () => {
    expect(draw(1, 3)).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
    expect(draw(42, 3)).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    expect(draw(0xffffffff, 3)).toEqual([0.8964226141106337, 0.189478256739676, 0.7156526781618595]);
  });

  it('reads the seed as an unsigned 32-bit integer', () => {
    expect(draw(-1, 3)).toEqual(draw(0xffffffff, 3));
    expect(draw(2 ** 32 + 1, 3)).toEqual(draw(1, 3));
  });

  it('stays in [0, 1) and two generators of one seed do not share state', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 2000 }, () => a());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(b()).toBe(xs[0]);
    expect(new Set(xs).size).toBe(xs.length);
  });
});
