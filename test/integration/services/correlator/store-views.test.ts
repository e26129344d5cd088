import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewsImpact, NewsScored, PriceTick } from '../../../../shared/contracts/events.ts';
import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import { migrate } from '../../../../shared/store/migrate.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ClickHouseImpactRepository } from '../../../../services/correlator/adapters/clickhouse-impact-store.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { scoredNews } from '../../../helpers/events.ts';

let store: Store;
let repo: ClickHouseImpactRepository;

beforeAll(async () => {
  store = await openStore({ path: ':memory:', database: randomName('test') });
  await migrate(store);
  repo = new ClickHouseImpactRepository(store);
});

afterAll(async () => {
  await store.command(`DROP DATABASE IF EXISTS ${store.table('x').split('.')[0]}`);
  await store.close();
});

const tick = (symbol: string, ts: string, price: number, size: number | null, seq = 0, source = 'feed'): PriceTick => ({ schema: 'prices.ticks/v1', symbol, ts, price, size, source, seq });

function scored(id: string, published_at: string, direction: 'bullish' | 'bearish' | 'neutral', strength: number, relevance: number): NewsScored {
  return scoredNews({ id, published_at, published_precision: 'date', oil_direction: { label: direction, strength }, relevance, model: { name: 't', version: '0' } });
}

function impact(o: { id: string; symbol?: string; topics: NewsImpact['topics']; dir: NewsImpact['oil_direction']; event: string; ret: number; car: number | null; z: number | null; version?: number; source?: string; pre?: string; post?: string }): NewsImpact {
  return {
    schema: 'news.impact/v1',
    article_id: o.id,
    symbol: o.symbol ?? 'VIEWS',
    horizon: '1d',
    horizon_seconds: 86_400,
    published_at: o.event,
    event_ts: o.event,
    pre_ts: o.pre ?? o.event,
    pre_price: 80,
    post_ts: o.post ?? o.event,
    post_price: 80 * (1 + o.ret / 10_000),
    return_bps: o.ret,
    abnormal_bps: o.car,
    z: o.z,
    pre_vol_bps: 50,
    title: `headline ${o.id}`,
    source: o.source ?? 'wire',
    topics: o.topics,
    oil_direction: o.dir,
    relevance: 50,
    computed_at: o.event,
    version: o.version ?? 1,
  };
}

/** 64-bit counts come back as numbers or as strings depending on the engine's JSON settings: compare them as numbers. */
function numify<T>(rows: T[]): T[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])) as T);
}

const stdSamp = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe('bars_1m and bars_1d (materialized views on ticks_store)', () => {
  it('builds OHLC by time whatever order ticks arrive in, and a retried insert does not double the volume', async () => {
    const batch = [
      tick('BARS', '2026-06-01T10:00:40.000Z', 80.5, 2),
      tick('BARS', '2026-06-01T10:00:05.000Z', 80.0, 5),
      tick('BARS', '2026-06-01T10:00:20.000Z', 79.5, 1),
      tick('BARS', '2026-06-01T10:01:10.000Z', 81.0, 4),
    ];
    await repo.saveTicks(batch);
    // The same batch again (a redelivery after a lost acknowledgement): same deduplication token.
    await repo.saveTicks(batch);
    await repo.saveTicks(batch);
    const bars = numify(await store.query(`SELECT toString(ts) AS t, open, high, low, close, volume, ticks FROM ${store.table('bars_1m')} WHERE symbol = 'BARS' ORDER BY ts`));
    expect(bars).toEqual([
      { t: '2026-06-01 10:00:00', open: 80, high: 80.5, low: 79.5, close: 80.5, volume: 8, ticks: 3 },
      { t: '2026-06-01 10:01:00', open: 81, high: 81, low: 81, close: 81, volume: 4, ticks: 1 },
    ]);

    // A late tick in a later insert: earliest of its minute, so it becomes the open; and a new close.
    await repo.saveTicks([tick('BARS', '2026-06-01T10:00:01.000Z', 79.9, 3), tick('BARS', '2026-06-01T10:00:59.000Z', 80.2, 1)]);
    const [m0] = numify(await store.query(`SELECT open, high, low, close, volume, ticks FROM ${store.table('bars_1m')} WHERE symbol = 'BARS' AND ts = '2026-06-01 10:00:00'`));
    expect(m0).toEqual({ open: 79.9, high: 80.5, low: 79.5, close: 80.2, volume: 12, ticks: 5 });

    const [ticks] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('ticks')} WHERE symbol = 'BARS'`);
    expect(Number(ticks.n)).toBe(6);
  });

  it('breaks a tie on the same millisecond by seq', async () => {
    await repo.saveTicks([tick('SEQ', '2026-06-01T10:00:00.000Z', 80, 1, 1), tick('SEQ', '2026-06-01T10:00:00.000Z', 81, 1, 0)]);
    const [b] = await store.query(`SELECT open, close FROM ${store.table('bars_1m')} WHERE symbol = 'SEQ'`);
    expect(b).toEqual({ open: 81, close: 80 });
  });

  it('puts a tick after 23:00 UTC into the next trading day (ICE Brent opens the evening before)', async () => {
    await repo.saveTicks([tick('DAY', '2026-06-01T19:30:00.000Z', 80, 10), tick('DAY', '2026-06-01T23:30:00.000Z', 81, 1), tick('DAY', '2026-06-02T10:00:00.000Z', 82.5, 2), tick('DAY', '2026-06-02T19:30:00.000Z', 82, 3)]);
    const days = await store.query(`SELECT toString(day) AS day, open, high, low, close, volume FROM ${store.table('bars_1d')} WHERE symbol = 'DAY' ORDER BY day`);
    expect(days).toEqual([
      { day: '2026-06-01', open: 80, high: 80, low: 80, close: 80, volume: 10 },
      { day: '2026-06-02', open: 81, high: 82.5, low: 81, close: 82, volume: 6 },
    ]);
  });
});

describe('impact views', () => {
  const E1 = '2026-06-02T00:00:00.000Z';
  const E2 = '2026-06-03T00:00:00.000Z';
  const E3 = '2026-06-04T00:00:00.000Z';

  beforeAll(async () => {
    await repo.saveImpacts([
      impact({ id: 'a1', topics: ['opec'], dir: 'bullish', event: E1, ret: 100, car: 90, z: 2 }),
      // Same event as a1 (two headlines of one day): one price move.
      impact({ id: 'a2', topics: ['opec', 'sanctions'], dir: 'bearish', event: E1, ret: 100, car: 90, z: 2, source: 'other' }),
      impact({ id: 'a3', topics: ['opec'], dir: 'bullish', event: E2, ret: -50, car: -40, z: -1 }),
      impact({ id: 'a4', topics: [], dir: 'neutral', event: E3, ret: 20, car: 10, z: 0.5 }),
    ]);
  });

  it('impact_by_topic: each price move counted once; hit rate over directional headlines', async () => {
    const rows = numify(await store.query<Record<string, number | string | null>>(`SELECT * FROM ${store.table('impact_by_topic')} WHERE symbol = 'VIEWS' ORDER BY topic`));
    expect(rows.map((r) => r.topic)).toEqual(['none', 'opec', 'sanctions']);
    const opec = rows[1];
    // Events E1 (return 100, CAR 90, z 2) and E2 (-50, -40, -1).
    expect({ n: Number(opec.n), events: Number(opec.events), directional: Number(opec.directional) }).toEqual({ n: 3, events: 2, directional: 3 });
    expect(opec.mean_return_bps).toBeCloseTo(25, 10);
    expect(opec.t_stat).toBeCloseTo(25 / (stdSamp([100, -50]) / Math.SQRT2), 10);
    expect(opec.mean_car_bps).toBeCloseTo(25, 10);
    expect(opec.car_t_stat).toBeCloseTo(25 / (stdSamp([90, -40]) / Math.SQRT2), 10);
    expect(opec.mean_z).toBeCloseTo(0.5, 10);
    // a1 bullish and up: hit; a2 bearish and up: miss; a3 bullish and down: miss.
    expect(opec.hit_rate).toBeCloseTo(1 / 3, 10);
    expect(opec.mean_signed_bps).toBeCloseTo((100 - 100 - 50) / 3, 10);
    expect(rows[2]).toMatchObject({ n: 1, events: 1, mean_return_bps: 100, t_stat: null, hit_rate: 0 });
    expect(rows[0]).toMatchObject({ n: 1, directional: 0, hit_rate: null, mean_return_bps: 20 });
  });

  it('impact_by_direction and impact_by_source group the same way', async () => {
    const dir = numify(await store.query<Record<string, number | string | null>>(`SELECT oil_direction, n, events, mean_return_bps, hit_rate FROM ${store.table('impact_by_direction')} WHERE symbol = 'VIEWS' ORDER BY oil_direction`));
    expect(dir).toEqual([
      { oil_direction: 'bearish', n: 1, events: 1, mean_return_bps: 100, hit_rate: 0 },
      { oil_direction: 'bullish', n: 2, events: 2, mean_return_bps: 25, hit_rate: 0.5 },
      { oil_direction: 'neutral', n: 1, events: 1, mean_return_bps: 20, hit_rate: null },
    ]);
    const src = numify(await store.query(`SELECT source, n, events FROM ${store.table('impact_by_source')} WHERE symbol = 'VIEWS' ORDER BY source`));
    expect(src).toEqual([
      { source: 'other', n: 1, events: 1 },
      { source: 'wire', n: 3, events: 3 },
    ]);
  });

  it('keeps the highest version of a re-measured result', async () => {
    await repo.saveImpacts([impact({ id: 'a3', topics: ['opec'], dir: 'bullish', event: E2, ret: -30, car: -20, z: -0.5, version: 2 })]);
    const [r] = await store.query<{ return_bps: number; version: number }>(`SELECT return_bps, version FROM ${store.table('impact')} WHERE article_id = 'a3'`);
    expect(r).toEqual({ return_bps: -30, version: 2 });
    const [opec] = await store.query<{ mean_return_bps: number }>(`SELECT mean_return_bps FROM ${store.table('impact_by_topic')} WHERE symbol = 'VIEWS' AND topic = 'opec'`);
    expect(opec.mean_return_bps).toBeCloseTo(35, 10);
  });

  it('counts headlines measured on the same prices as one move, whatever their event times (Saturday, Sunday and Monday against daily closes)', async () => {
    const fri = '2026-06-05T19:30:00.000Z';
    const mon = '2026-06-08T19:30:00.000Z';
    await repo.saveImpacts([
      impact({ id: 'wk1', symbol: 'WEEKEND', topics: ['military'], dir: 'bullish', event: '2026-06-07T23:00:00.000Z', pre: fri, post: mon, ret: 120, car: 100, z: 1.5 }),
      impact({ id: 'wk2', symbol: 'WEEKEND', topics: ['military'], dir: 'bearish', event: '2026-06-08T00:00:00.000Z', pre: fri, post: mon, ret: 120, car: 100, z: 1.5 }),
    ]);
    const [r] = numify(await store.query<Record<string, number | string | null>>(`SELECT n, events, mean_return_bps, t_stat, hit_rate FROM ${store.table('impact_by_topic')} WHERE symbol = 'WEEKEND'`));
    expect(r).toEqual({ n: 2, events: 1, mean_return_bps: 120, t_stat: null, hit_rate: 0.5 });
  });

  it('stores the indicator context columns', async () => {
    await repo.saveImpacts([{ ...impact({ id: 'ctx1', symbol: 'CTX', topics: [], dir: 'neutral', event: E1, ret: 10, car: null, z: null }), indicator_interval: '1d', rsi: 55.5, ema: 80.1, bb_upper: 82, bb_middle: 80, bb_lower: 78, bb_pct_b: 0.5, atr: 1.6, atr_move: 0.05 }]);
    const [r] = await store.query(`SELECT indicator_interval, rsi, ema, bb_upper, bb_middle, bb_lower, bb_pct_b, atr, atr_move FROM ${store.table('impact')} WHERE article_id = 'ctx1'`);
    expect(r).toEqual({ indicator_interval: '1d', rsi: 55.5, ema: 80.1, bb_upper: 82, bb_middle: 80, bb_lower: 78, bb_pct_b: 0.5, atr: 1.6, atr_move: 0.05 });
  });
});

describe('signal_vs_return', () => {
  it('sums the direction signal per trading day and correlates it with that day\'s return', async () => {
    const closes: [string, number][] = [
      ['2026-06-01', 80],
      ['2026-06-02', 82],
      ['2026-06-03', 81],
      ['2026-06-04', 83],
    ];
    await repo.saveTicks(closes.map(([d, p]) => tick('SIG', `${d}T19:30:00.000Z`, p, null)));
    const news = [
      scored('s1000000', '2026-06-02T00:00:00.000Z', 'bullish', 0.5, 80),
      scored('s2000000', '2026-06-03T00:00:00.000Z', 'bearish', 1, 50),
      scored('s3000000', '2026-06-04T00:00:00.000Z', 'bullish', 1, 100),
      scored('s4000000', '2026-06-04T00:00:00.000Z', 'neutral', 0.3, 100),
    ];
    await repo.saveNews(news);
    await repo.saveImpacts(news.map((n) => impact({ id: n.id, symbol: 'SIG', topics: [], dir: n.oil_direction.label, event: n.published_at, ret: 0, car: null, z: null })));
    const rows = await store.query<Record<string, number | string | null>>(`SELECT toString(day) AS day, headlines, signal, return_bps, next_return_bps, corr_20d FROM ${store.table('signal_vs_return')} WHERE symbol = 'SIG' ORDER BY day`);
    const signal = [0, 0.5 * 0.8, -0.5, 1];
    const ret = [null, (82 / 80 - 1) * 1e4, (81 / 82 - 1) * 1e4, (83 / 81 - 1) * 1e4];
    expect(rows.map((r) => [r.day, Number(r.headlines)])).toEqual([
      ['2026-06-01', 0],
      ['2026-06-02', 1],
      ['2026-06-03', 1],
      ['2026-06-04', 2],
    ]);
    rows.forEach((r, i) => {
      expect(r.signal as number).toBeCloseTo(signal[i], 10);
      if (ret[i] === null) expect(r.return_bps).toBeNull();
      else expect(r.return_bps as number).toBeCloseTo(ret[i]!, 8);
    });
    expect(rows[0].next_return_bps as number).toBeCloseTo(ret[1]!, 8);
    expect(rows[3].next_return_bps).toBeNull();
    // Pearson over the three days that have a return.
    const xs = signal.slice(1);
    const ys = ret.slice(1) as number[];
    const mx = xs.reduce((a, b) => a + b) / 3;
    const my = ys.reduce((a, b) => a + b) / 3;
    const cov = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
    const corr = cov / Math.sqrt(xs.reduce((a, x) => a + (x - mx) ** 2, 0) * ys.reduce((a, y) => a + (y - my) ** 2, 0));
    expect(rows[3].corr_20d as number).toBeCloseTo(corr, 8);
  });
});

describe('ticks_late', () => {
  it('records a tick that missed the allowed lateness with the watermark it missed, once', async () => {
    const late = { tick: tick('LATE', '2026-06-01T10:00:00.000Z', 80, 1, 0, 'ws'), watermarkMs: Date.parse('2026-06-01T11:30:00.000Z'), receivedMs: Date.parse('2026-06-01T11:30:05.000Z') };
    await repo.saveLateTicks([late]);
    await repo.saveLateTicks([late]);
    const rows = numify(await store.query(`SELECT symbol, toString(ts) AS ts, source, price, toString(watermark) AS watermark, lateness_ms FROM ${store.table('late_ticks')} WHERE symbol = 'LATE'`));
    expect(rows).toEqual([{ symbol: 'LATE', ts: '2026-06-01 10:00:00.000', source: 'ws', price: 80, watermark: '2026-06-01 11:30:00.000', lateness_ms: 5400000 }]);
  });
});
