import { describe, expect, it } from 'vitest';
import { HORIZONS, HORIZON_LABELS, OIL_SPECIFIC_TOPICS, TOPIC_NAMES, horizonLabel, priceTickIdentity, tickIdentity } from '../../../../shared/contracts/events.ts';

describe('shared vocabulary in the contracts', () => {
  it('a tick is identified by symbol, source, time and seq, whatever form its time takes', () => {
    const ts = Date.UTC(2026, 2, 1, 12);
    const id = tickIdentity({ symbol: 'BRENT', source: 'ice', ts, seq: 0 });
    expect(id).toBe(`BRENT|ice|${ts}|0`);
    expect(priceTickIdentity({ symbol: 'BRENT', source: 'ice', ts: '2026-03-01T12:00:00.000Z', seq: 0 })).toBe(id);
    expect(priceTickIdentity({ symbol: 'BRENT', source: 'ice', ts: '2026-03-01T14:00:00+02:00', seq: 0 })).toBe(id);
    const others = [
      { symbol: 'WTI', source: 'ice', ts, seq: 0 },
      { symbol: 'BRENT', source: 'yahoo', ts, seq: 0 },
      { symbol: 'BRENT', source: 'ice', ts: ts + 1, seq: 0 },
      { symbol: 'BRENT', source: 'ice', ts, seq: 1 },
    ].map(tickIdentity);
    expect(new Set([id, ...others]).size).toBe(5);
  });

  it('every topic but macro is oil-specific', () => {
    expect([...OIL_SPECIFIC_TOPICS].sort()).toEqual(TOPIC_NAMES.filter((t) => t !== 'macro').sort());
  });

  it('horizon labels are the horizons, shortest first, and the only labels the schema accepts', () => {
    expect(HORIZON_LABELS).toEqual(['1m', '5m', '15m', '30m', '60m', '1d']);
    expect(HORIZON_LABELS.map((h) => HORIZONS[h])).toEqual([...HORIZON_LABELS.map((h) => HORIZONS[h])].sort((a, b) => a - b));
    expect(horizonLabel.safeParse('2h').success).toBe(false);
  });
});
