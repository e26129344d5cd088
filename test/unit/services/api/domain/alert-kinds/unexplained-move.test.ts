import { describe, expect, it } from 'vitest';
import { UnexplainedMoveDetector, unexplainedMoveKind } from '../../../../../../services/api/domain/alert-kinds/unexplained-move.ts';

describe('unexplained move rule', () => {
  const moveRule = unexplainedMoveKind.schema.parse({ id: 'unexplained', kind: 'unexplained_move', symbol: 'BRENT', minMoveBps: 50, windowSec: 60, lookbackMinutes: 15, graceAfterSec: 60, maxWaitSec: 120, cooldownSec: 300 });
  const T = Date.parse('2026-06-01T10:00:00Z');
  const tape = (d: UnexplainedMoveDetector, now: number, moves: [number, number][]) => {
    for (const [sec, price] of moves) d.onTick('BRENT', T + sec * 1000, price, now);
  };

  it('fires after the wait when no headline explains a move', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 80], [10, 80.1], [20, 80.2], [30, 80.6]]);
    expect(d.pending).toBe(1);
    expect(d.due(119_999)).toEqual([]);
    const [a] = d.due(120_000);
    expect(a).toMatchObject({ kind: 'unexplained_move', symbol: 'BRENT', articleId: null, eventTs: T + 30_000 });
    expect(a.data.move_bps).toBeCloseTo(75, 0);
    expect(a.title).toMatch(/BRENT moved \+75 bps in 30 s with no headline/);
    expect(d.pending).toBe(0);
  });

  it('drops a move a headline explains, even one that arrives later and out of order', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 80], [30, 79.5]]);
    d.onHeadline(T + 3 * 3_600_000);
    expect(d.due(1)).toEqual([]);
    d.onHeadline(T - 5 * 60_000);
    expect(d.due(2)).toEqual([]);
    expect(d.pending).toBe(0);
    expect(d.due(1_000_000)).toEqual([]);
  });

  it('counts a headline shortly after the move as an explanation', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 80], [30, 80.5]]);
    d.onHeadline(T + 80_000);
    expect(d.due(500_000)).toEqual([]);
  });

  it('ignores small moves, other symbols, and repeats within the cooldown', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 80], [30, 80.3]]);
    d.onTick('WTI', T + 40_000, 90, 0);
    expect(d.pending).toBe(0);
    tape(d, 0, [[50, 80.8], [60, 81.6], [120, 82.5]]);
    expect(d.pending).toBe(1);
    tape(d, 0, [[400, 82.5], [430, 83.5]]);
    expect(d.pending).toBe(2);
  });

  it('measures the move against the window extreme, in both directions', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 81], [10, 81.2], [20, 80.7]]);
    const [a] = d.due(200_000);
    expect(a.data.from_price).toBe(81.2);
    expect(Number(a.data.move_bps)).toBeLessThan(-50);
  });

  it('gives the same id to the same move', () => {
    const run = () => {
      const d = new UnexplainedMoveDetector(moveRule);
      tape(d, 0, [[0, 80], [30, 80.6]]);
      return d.due(1e9)[0].alertId;
    };
    expect(run()).toBe(run());
  });
});

describe('unexplained_move kind', () => {
  it('its evaluator reads ticks and headlines and decides on due, as the detector does', () => {
    const rule = unexplainedMoveKind.schema.parse({ id: 'u', kind: 'unexplained_move', minMoveBps: 50, windowSec: 60 });
    expect(rule).toEqual({ id: 'u', kind: 'unexplained_move', symbol: 'BRENT', minMoveBps: 50, windowSec: 60, lookbackMinutes: 15, graceAfterSec: 60, maxWaitSec: 120, cooldownSec: 300 });
    const T = Date.parse('2026-06-01T10:00:00Z');
    const e = unexplainedMoveKind.create(rule);
    const d = new UnexplainedMoveDetector(rule);
    for (const [sec, price] of [[0, 80], [30, 80.6]]) {
      e.onTick!({ symbol: 'BRENT', tsMs: T + sec * 1000, price }, 0);
      d.onTick('BRENT', T + sec * 1000, price, 0);
    }
    expect(e.due!(1)).toEqual([]);
    const [a] = e.due!(120_000);
    expect(a).toEqual(d.due(120_000)[0]);
    expect(a.kind).toBe('unexplained_move');
    e.onTick!({ symbol: 'BRENT', tsMs: T + 400_000, price: 80 }, 0);
    e.onTick!({ symbol: 'BRENT', tsMs: T + 430_000, price: 81 }, 0);
    e.onHeadline!(T + 420_000);
    expect(e.due!(1e9)).toEqual([]);
  });
});
