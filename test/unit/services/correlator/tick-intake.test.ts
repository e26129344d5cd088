import { describe, expect, it } from 'vitest';
import { priceTickIdentity, type PriceTick } from '../../../../shared/contracts/events.ts';
import { ImpactEngine } from '../../../../services/correlator/domain/impact-engine.ts';
import { ALWAYS_OPEN } from '../../../../services/correlator/domain/trading-calendar.ts';
import { TickIntake } from '../../../../services/correlator/tick-intake.ts';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const at = (hhmmss: string) => `2026-06-01T${hhmmss}.000Z`;
const tick = (ts: string, price = 80, over: Partial<PriceTick> = {}): PriceTick => ({ schema: 'prices.ticks/v1', symbol: 'BRENT', ts, price, size: 1, source: 'feed', seq: 0, ...over });

function setup(options: { storedUntil?: [string, number][]; stored?: PriceTick[] } = {}) {
  const engine = new ImpactEngine({
    symbols: ['BRENT'],
    horizons: ['1m'],
    volatilityWindows: 2,
    maxPendingAgeMs: 14 * 86_400_000,
    calendar: ALWAYS_OPEN,
    watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 },
    allowedLatenessMs: 120_000,
    indicators: null,
  });
  const stored = new Set((options.stored ?? []).map(priceTickIdentity));
  const asked: string[][] = [];
  const storedUntil = new Map(options.storedUntil ?? []);
  const intake = new TickIntake({
    engine,
    symbols: ['BRENT'],
    rule: { futureToleranceMs: 60_000, oldestMs: Date.parse('1983-01-01T00:00:00Z') },
    now: () => NOW,
    storedUntil,
    storedTickKeys: async (ticks) => {
      asked.push(ticks.map((t) => `${t.symbol} ${t.ts}`));
      return new Set(ticks.map(priceTickIdentity).filter((id) => stored.has(id)));
    },
  });
  return { engine, intake, asked, storedUntil };
}

const summary = (b: Awaited<ReturnType<TickIntake['admit']>>) => ({
  rejected: b.rejected.map((r) => `${r.tick.ts} ${r.reason}`),
  duplicates: b.duplicates,
  applied: b.applied.map((a) => `${a.tick.symbol} ${a.tick.ts} ${a.outcome}`),
  toStore: b.toStore.map((t) => `${t.symbol} ${t.ts}`),
  late: b.late.length,
});

describe('TickIntake', () => {
  it('refuses ticks with an impossible time before the engine, moving no watermark', async () => {
    const { engine, intake } = setup();
    const b = await intake.admit([tick('2099-01-01T00:00:00.000Z'), tick(new Date(NOW + 60_001).toISOString()), tick('1982-12-31T23:59:59.000Z'), tick('not a time'), tick(new Date(NOW + 60_000).toISOString())]);
    expect(summary(b)).toEqual({
      rejected: ['2099-01-01T00:00:00.000Z future_timestamp', '2026-06-01T12:01:00.001Z future_timestamp', '1982-12-31T23:59:59.000Z too_old', 'not a time bad_timestamp'],
      duplicates: 0,
      // Exactly at the tolerance is still plausible.
      applied: ['BRENT 2026-06-01T12:01:00.000Z accepted'],
      toStore: ['BRENT 2026-06-01T12:01:00.000Z'],
      late: 0,
    });
    expect(engine.watermark('BRENT', NOW)).toBe(NOW + 60_000 - 1);
  });

  it('calls a tick seen twice in the batch or held by the engine a duplicate, and stores only the new ones', async () => {
    const { engine, intake } = setup();
    const first = await intake.admit([tick(at('10:00:00')), tick(at('10:00:00')), tick(at('10:00:10'))]);
    expect(summary(first)).toMatchObject({ duplicates: 1, applied: ['BRENT 2026-06-01T10:00:00.000Z accepted', 'BRENT 2026-06-01T10:00:10.000Z accepted'], toStore: ['BRENT 2026-06-01T10:00:00.000Z', 'BRENT 2026-06-01T10:00:10.000Z'] });
    const again = await intake.admit([tick(at('10:00:10')), tick(at('10:00:20')), tick(at('10:00:10'), 81, { seq: 1 })]);
    expect(summary(again)).toMatchObject({ duplicates: 1, toStore: ['BRENT 2026-06-01T10:00:20.000Z', 'BRENT 2026-06-01T10:00:10.000Z'] });
    expect(engine.hasTick({ symbol: 'BRENT', identity: priceTickIdentity(tick(at('10:00:10'), 81, { seq: 1 })) })).toBe(true);
  });

  it('hands each new tick to the engine: on time, late within the allowed lateness, too late beyond it (for ticks_late), unknown symbol', async () => {
    const { intake } = setup();
    await intake.admit([tick(at('10:10:00'))]);
    // Watermark 10:09:59.999; 120 s allowed: 10:08:00 is late, 10:07:59.999 too late.
    const b = await intake.admit([tick(at('10:11:00')), tick('2026-06-01T10:10:58.000Z'), tick(at('10:09:00')), tick('2026-06-01T10:07:59.999Z'), tick(at('10:05:00'), 70, { symbol: 'WTI' })]);
    expect(b.applied.map((a) => [a.tick.ts, a.outcome, a.watermarkMs])).toEqual([
      [at('10:11:00'), 'accepted', Date.parse(at('10:10:00')) - 1],
      ['2026-06-01T10:10:58.000Z', 'late', Date.parse(at('10:11:00')) - 1],
      [at('10:09:00'), 'late', Date.parse(at('10:11:00')) - 1],
      ['2026-06-01T10:07:59.999Z', 'too_late', Date.parse(at('10:11:00')) - 1],
      [at('10:05:00'), 'unknown_symbol', -Infinity],
    ]);
    expect(b.late).toEqual([{ tick: tick('2026-06-01T10:07:59.999Z'), watermarkMs: Date.parse(at('10:11:00')) - 1, receivedMs: NOW }]);
    // Every new tick is stored, the too-late one and the unknown symbol's too (the bars are built from the store).
    expect(b.toStore.length).toBe(5);
  });

  it('asks the store only about ticks at or before what it held at start, or of symbols the engine does not measure; found ones are duplicates', async () => {
    const stored = [tick(at('10:00:00')), tick(at('10:00:20'), 80, { symbol: 'WTI' })];
    const { engine, intake, asked } = setup({ storedUntil: [['BRENT', Date.parse(at('10:00:10'))]], stored });
    const b = await intake.admit([tick(at('10:00:00')), tick(at('10:00:10')), tick('2026-06-01T10:00:10.001Z'), tick(at('10:00:20'), 80, { symbol: 'WTI' }), tick(at('10:00:30'), 80, { symbol: 'WTI' })]);
    expect(asked).toEqual([['BRENT 2026-06-01T10:00:00.000Z', 'BRENT 2026-06-01T10:00:10.000Z', 'WTI 2026-06-01T10:00:20.000Z', 'WTI 2026-06-01T10:00:30.000Z']]);
    expect(summary(b)).toEqual({
      rejected: [],
      duplicates: 2,
      applied: ['BRENT 2026-06-01T10:00:10.000Z accepted', 'BRENT 2026-06-01T10:00:10.001Z accepted', 'WTI 2026-06-01T10:00:30.000Z unknown_symbol'],
      toStore: ['BRENT 2026-06-01T10:00:10.000Z', 'BRENT 2026-06-01T10:00:10.001Z', 'WTI 2026-06-01T10:00:30.000Z'],
      late: 0,
    });
    // The stored one is not in the engine: it was seen before the restart, so it must not move the watermark or be called late.
    expect(engine.hasTick({ symbol: 'BRENT', identity: priceTickIdentity(tick(at('10:00:00'))) })).toBe(false);
    // Nothing unsure: no question to the store.
    await intake.admit([tick(at('10:01:00'))]);
    expect(asked.length).toBe(1);
  });

  it('writes again, without adding again, the ticks whose write failed when their batch comes back', async () => {
    const { intake, asked } = setup();
    const batch = [tick(at('10:00:00')), tick(at('10:00:10')), tick(at('09:00:00'))];
    const first = await intake.admit(batch);
    expect(summary(first).applied).toEqual(['BRENT 2026-06-01T10:00:00.000Z accepted', 'BRENT 2026-06-01T10:00:10.000Z accepted', 'BRENT 2026-06-01T09:00:00.000Z too_late']);
    intake.writeFailed(first.toStore);
    expect(intake.unwrittenCount).toBe(3);

    const redelivered = await intake.admit(batch);
    // Asked about (a write that "failed" may have landed), stored again, not judged again: no second ticks_late row.
    expect(asked).toEqual([['BRENT 2026-06-01T10:00:00.000Z', 'BRENT 2026-06-01T10:00:10.000Z', 'BRENT 2026-06-01T09:00:00.000Z']]);
    expect(summary(redelivered)).toEqual({ rejected: [], duplicates: 0, applied: [], toStore: ['BRENT 2026-06-01T10:00:00.000Z', 'BRENT 2026-06-01T10:00:10.000Z', 'BRENT 2026-06-01T09:00:00.000Z'], late: 0 });
    intake.written(redelivered.toStore);
    expect(intake.unwrittenCount).toBe(0);

    const third = await intake.admit(batch);
    // Held and written: the two applied ones are duplicates now; the too-late one is not held, so it is new again.
    expect(summary(third)).toMatchObject({ duplicates: 2, applied: ['BRENT 2026-06-01T09:00:00.000Z too_late'] });
  });

  it('drops a failed write from its memory when the store shows it landed after all', async () => {
    const t = tick(at('10:00:00'));
    const { intake } = setup({ stored: [t] });
    const first = await intake.admit([t]);
    expect(first.toStore.length).toBe(1);
    intake.writeFailed([t]);
    const again = await intake.admit([t]);
    expect(summary(again)).toEqual({ rejected: [], duplicates: 0, applied: [], toStore: [], late: 0 });
    expect(intake.unwrittenCount).toBe(0);
  });

  it('asks the store about ticks the engine forgot (pruned), keeping the later of two cutoffs', async () => {
    const { intake, storedUntil } = setup({ storedUntil: [['BRENT', 1_000]] });
    intake.forgotBefore('BRENT', 5_000);
    intake.forgotBefore('BRENT', 3_000);
    intake.forgotBefore('WTI', 7_000);
    expect([...storedUntil]).toEqual([
      ['BRENT', 5_000],
      ['WTI', 7_000],
    ]);
  });
});
