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

  it('measures from the latest tick at the extreme, and keeps a tick exactly one window old in the window', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 80], [10, 80], [30, 80.6]]);
    const [up] = d.due(1e9);
    expect(up.data).toMatchObject({ from_ts: new Date(T + 10_000).toISOString(), from_price: 80 });
    expect(up.title).toBe('BRENT moved +75 bps in 20 s with no headline');
    const e = new UnexplainedMoveDetector(moveRule);
    tape(e, 0, [[0, 81], [20, 81], [30, 80.5]]);
    expect(e.due(1e9)[0].data.from_ts).toBe(new Date(T + 20_000).toISOString());
    const edge = new UnexplainedMoveDetector(moveRule);
    tape(edge, 0, [[0, 80], [60, 80.6]]);
    expect(edge.pending).toBe(1);
    const down = new UnexplainedMoveDetector(moveRule);
    tape(down, 0, [[0, 81], [60, 80.5]]);
    expect(down.pending).toBe(1);
    const out = new UnexplainedMoveDetector(moveRule);
    tape(out, 0, [[0, 80], [61, 80.6]]);
    expect(out.pending).toBe(0);
    const outDown = new UnexplainedMoveDetector(moveRule);
    tape(outDown, 0, [[0, 81], [61, 80.5]]);
    expect(outDown.pending).toBe(0);
  });

  it('fires on a move of exactly minMoveBps, up or down, and not on one just below', () => {
    const rule = { ...moveRule, minMoveBps: 2500 };
    const up = new UnexplainedMoveDetector(rule);
    tape(up, 0, [[0, 80], [30, 100]]);
    expect(up.pending).toBe(1);
    const down = new UnexplainedMoveDetector(rule);
    tape(down, 0, [[0, 100], [30, 75]]);
    expect(down.pending).toBe(1);
    const below = new UnexplainedMoveDetector(rule);
    tape(below, 0, [[0, 80], [30, 99.99]]);
    expect(below.pending).toBe(0);
  });

  it('takes a second tick of the same instant, and ignores one older than the tape', () => {
    const same = new UnexplainedMoveDetector(moveRule);
    tape(same, 0, [[0, 80], [30, 80.3], [30, 80.5]]);
    expect(same.pending).toBe(1);
    const older = new UnexplainedMoveDetector(moveRule);
    tape(older, 0, [[0, 80], [30, 80.1], [20, 81]]);
    expect(older.pending).toBe(0);
  });

  it('allows the next alert once the cooldown has passed exactly', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 80], [30, 80.6], [300, 80.6], [329, 81.2]]);
    expect(d.pending).toBe(1);
    tape(d, 0, [[330, 81.3]]);
    expect(d.pending).toBe(2);
  });

  it('counts headlines from lookback before the move starts to the grace after it ends, both ends included', () => {
    const decide = (headline: number) => {
      const d = new UnexplainedMoveDetector(moveRule);
      tape(d, 0, [[0, 80], [30, 80.6]]);
      d.onHeadline(headline);
      return d.due(1e9).length;
    };
    expect(decide(T - 15 * 60_000)).toBe(0);
    expect(decide(T - 15 * 60_000 - 1)).toBe(1);
    expect(decide(T + 30_000 + 60_000)).toBe(0);
    expect(decide(T + 30_000 + 60_001)).toBe(1);
  });

  it('keeps a waiting move until its wait is over or a headline explains it, and describes a fall in full', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 1_000, [[0, 80], [30, 79.5]]);
    expect(d.due(120_999)).toEqual([]);
    expect(d.pending).toBe(1);
    const [a] = d.due(121_000);
    expect(a).toEqual({
      alertId: a.alertId,
      ruleId: 'unexplained',
      kind: 'unexplained_move',
      symbol: 'BRENT',
      eventTs: T + 30_000,
      firedAt: 121_000,
      articleId: null,
      title: 'BRENT moved -62.5 bps in 30 s with no headline',
      data: {
        symbol: 'BRENT',
        from_ts: new Date(T).toISOString(),
        to_ts: new Date(T + 30_000).toISOString(),
        from_price: 80,
        to_price: 79.5,
        move_bps: -62.5,
        window_sec: 60,
        lookback_minutes: 15,
      },
    });
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
