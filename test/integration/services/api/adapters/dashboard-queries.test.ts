import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msToClickHouseTime } from '../../../../../shared/contracts/time.ts';
import type { Store } from '../../../../../shared/store/port.ts';
import { topicAggregates } from '../../../../../services/api/adapters/dashboard-queries.ts';
import { dropTestStore, openTestStore } from '../../../../helpers/store.ts';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => dropTestStore(store));

const ch = msToClickHouseTime;
const T0 = Date.parse('2026-06-01T10:00:00Z');
const row = (id: string, topics: string[], i: number, ar: number, z: number, est: number[] = []) => ({
  article_id: id,
  symbol: 'DQ',
  horizon: '15m',
  horizon_seconds: 900,
  published_at: ch(T0 + i * 3_600_000),
  event_ts: ch(T0 + i * 3_600_000),
  pre_ts: ch(T0 + i * 3_600_000),
  pre_price: 80,
  post_ts: ch(T0 + i * 3_600_000 + 900_000),
  post_price: 80,
  return_bps: ar,
  abnormal_bps: ar,
  z,
  pre_vol_bps: 10,
  title: id,
  source: 'wire',
  topics,
  oil_direction: 'bullish',
  relevance: 60,
  computed_at: ch(T0),
  version: 1,
  estimation_ar_bps: est,
});

describe('dashboard by-topic aggregates', () => {
  it('carry the event-study test of each topic (BMP-KP and its q) from impact_tests, none below five events', async () => {
    const zs = [0.5, 1.2, 0.8, 1.5, 0.9, 1.1];
    await store.insert('impact_store', [...zs.map((z, i) => row(`o${i}`, ['opec'], i, z * 10, z)), row('m0', ['military'], 20, 5, 0.5), row('u0', [], 21, 1, 0.1)]);
    const topics = await topicAggregates(store, 'DQ', '15m');
    const opec = topics.find((t) => t.topic === 'opec')!;
    const [view] = await store.query<{ events: string; kp_t: number; q_kp: number }>(`SELECT events, kp_t, q_kp FROM ${store.table('impact_tests')} WHERE symbol = 'DQ' AND dimension = 'topic' AND value = 'opec'`);
    expect(opec.events).toBe(6);
    expect(Number(view.events)).toBe(6);
    // Disjoint windows: KP is BMP, the mean z over its standard error.
    const m = zs.reduce((a, b) => a + b, 0) / 6;
    const sd = Math.sqrt(zs.reduce((s, x) => s + (x - m) ** 2, 0) / 5);
    expect(opec.kp_t).toBeCloseTo(m / (sd / Math.sqrt(6)), 9);
    expect(opec.q_kp).toBeCloseTo(view.q_kp, 12);
    // The bootstrap (migration 014): its p and q, 999 resamples of all six events.
    const [boot] = await store.query<{ p_boot: number; q_boot: number }>(`SELECT p_boot, q_boot FROM ${store.table('impact_tests')} WHERE symbol = 'DQ' AND dimension = 'topic' AND value = 'opec'`);
    expect([opec.boot_resamples, opec.boot_draws]).toEqual([999, 6]);
    expect(opec.p_boot).toBeGreaterThanOrEqual(1 / 1000);
    expect(opec.p_boot).toBe(boot.p_boot);
    expect(opec.q_boot).toBe(boot.q_boot);
    const military = topics.find((t) => t.topic === 'military')!;
    expect([military.events, military.kp_t, military.q_kp, military.p_boot, military.q_boot]).toEqual([null, null, null, null, null]);
    expect(topics.find((t) => t.topic === 'untagged')!.kp_t).toBeNull();
  });

  it('carry the rank and sign tests, their q-values and whether the tests agree, as the view has them', async () => {
    // Shipping: six rises, each above all four of its estimation windows (two of them positive).
    const est = [-2, -1, 1, 2];
    const zs = [1.1, 1.3, 0.9, 1.2, 1.0, 1.4];
    await store.insert('impact_store', zs.map((z, i) => row(`s${i}`, ['shipping'], 40 + i, z * 10, z, est)));
    const shipping = (await topicAggregates(store, 'DQ', '15m')).find((t) => t.topic === 'shipping')!;
    const [view] = await store.query<Record<string, number | null>>(
      `SELECT ranked_events, rank_t, p_rank, q_rank, sign_z, p_sign, q_sign, significant_tests, tests_agree FROM ${store.table('impact_tests')} WHERE symbol = 'DQ' AND dimension = 'topic' AND value = 'shipping'`,
    );
    expect(shipping.ranked_events).toBe(6);
    for (const k of ['rank_t', 'p_rank', 'q_rank', 'sign_z', 'p_sign', 'q_sign'] as const) {
      expect(shipping[k]).not.toBeNull();
      expect(shipping[k]).toBeCloseTo(Number(view[k]), 12);
    }
    // Every event on top of its five windows: U_0 = 5/6 - 1/2; the windows' periods average 0 here as each has the
    // same ranks (1, 2, 3, 4), so S^2 = ((1/3)^2 + (1/3)^2 + (1/6)^2 + 0 + (1/6)^2) / 5 and rank t = sqrt(2).
    expect(shipping.rank_t).toBeCloseTo(Math.SQRT2, 9);
    // Six of six positive against a share of 1/2: z = (6 - 3) / sqrt(6 / 4).
    expect(shipping.sign_z).toBeCloseTo(3 / Math.sqrt(1.5), 9);
    expect(shipping.significant_tests).toBe(Number(view.significant_tests));
    expect(shipping.tests_agree).toBe(view.tests_agree === null ? null : Number(view.tests_agree) === 1);
    expect(typeof shipping.tests_agree).toBe('boolean');
  });
});
