import { Registry } from 'prom-client';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { publishEvents, subscribeEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, messageKey, priceTickV1, type NewsScored, type PriceTick } from '../../../../shared/contracts/events.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ingestPricesConfigSchema } from '../../../../services/ingest-prices/config.ts';
import { start } from '../../../../services/ingest-prices/main.ts';
import type { ConfiguredSource, QuarantinedTick } from '../../../../services/ingest-prices/ports.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { scoredNews } from '../../../helpers/events.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/prices/${name}`, import.meta.url));
// ingest-prices writes nothing but quarantined ticks, and those tests hand it a sink of their own.
const noStore = {} as Store;
// The fixtures' ticks are of 2026-06-01: the clock is the next day, so none is in the future.
const NOW = Date.parse('2026-06-02T00:00:00Z');

async function collect(bus: MemoryBus): Promise<PriceTick[]> {
  const got: PriceTick[] = [];
  await subscribeEvents(bus, { groupId: randomName('ticks'), topic: TOPICS.pricesTicks, schema: priceTickV1, handler: async (events) => void got.push(...events.map((e) => e.event)) });
  return got;
}

describe('ingest-prices service', () => {
  it('replays a tick file, publishing the good ticks and counting every rejection by reason', async () => {
    const bus = new MemoryBus();
    const got = await collect(bus);
    const progress: number[][] = [];
    const config = ingestPricesConfigSchema.parse({ sources: [{ kind: 'csv', path: fixture('ticks-with-errors.csv'), source: 'fixture' }] });
    const metrics = new Registry();
    const quarantined: QuarantinedTick[] = [];
    const quarantine = { save: async (rows: QuarantinedTick[]) => void quarantined.push(...rows) };
    const svc = await start({ bus, store: noStore, config, logger: silentLogger, clock: new ManualClock(NOW), metrics }, { quarantine, onProgress: (_s, p) => progress.push([p.done, p.total]) });
    await svc.idle!();
    await waitFor(() => got.length === 5, { message: '5 ticks on the bus' });
    expect(got.map((t) => [t.ts, t.price, t.size, t.seq, t.source])).toEqual([
      ['2026-06-01T10:00:00.000Z', 80, 5, 0, 'fixture'],
      ['2026-06-01T10:00:30.000Z', 80.1, 2, 0, 'fixture'],
      ['2026-06-01T10:00:30.000Z', 80.2, 1, 1, 'fixture'],
      ['2026-06-01T10:00:25.000Z', 80.05, 1, 0, 'fixture'],
      ['2026-06-01T10:01:10.000Z', 80.4, 3, 0, 'fixture'],
    ]);
    expect(svc.stats().published).toBe(5);
    expect(svc.stats().rejected).toEqual({ bad_timestamp: 1, non_positive_price: 1, non_finite_price: 1, reverted_spike: 1, absurd_price: 1, bad_size: 1 });
    // 80.2 -> 400 -> (20000 rejected) -> 80.05: the lone spike is kept in quarantine, not published and not lost.
    expect(quarantined.map((q) => [new Date(q.tick.ts).toISOString(), q.tick.price, q.reason, q.anchor, q.source])).toEqual([['2026-06-01T10:00:40.000Z', 400, 'reverted_spike', 80.2, 'fixture']]);
    const metric = await metrics.getSingleMetricAsString('oilwire_ingest_prices_ticks_total');
    expect(metric).toContain('oilwire_ingest_prices_ticks_total{source="fixture",outcome="reverted_spike"} 1');
    expect(metric).toContain('oilwire_ingest_prices_ticks_total{source="fixture",outcome="published"} 5');
    const last = progress[progress.length - 1];
    expect(last[0]).toBe(last[1]);
    await svc.stop();
    await bus.close();
  });

  it('drops a repeated tick (same symbol, ts and seq) and replays only the window asked for', async () => {
    const bus = new MemoryBus();
    const got = await collect(bus);
    const config = ingestPricesConfigSchema.parse({ sources: [{ kind: 'ndjson', path: fixture('ticks-dup.ndjson'), to: '2026-06-01T10:01:59Z' }] });
    const svc = await start({ bus, store: noStore, config, logger: silentLogger, clock: new ManualClock(NOW), metrics: new Registry() });
    await svc.idle!();
    await waitFor(() => got.length === 3);
    expect(got.map((t) => t.price)).toEqual([80, 80.6, 80.4]);
    expect(svc.stats().rejected).toEqual({ duplicate: 1 });
    await svc.stop();
    await bus.close();
  });

  it('paces a replay at its speed factor: data time divided by the speed, in wall time', async () => {
    const bus = new MemoryBus();
    const got = await collect(bus);
    let wall = 0;
    const sleeps: number[] = [];
    const t0 = Date.parse('2026-06-01T10:00:00Z');
    const source: ConfiguredSource = {
      name: 'tape',
      source: 'tape',
      speed: 60,
      async *ticks() {
        yield [0, 30_000, 60_000, 180_000].map((dt, i) => ({ symbol: 'BRENT', ts: t0 + dt, price: 80 + i / 10, size: 1, seq: 0, line: i + 1 }));
      },
    };
    const svc = await start(
      { bus, store: noStore, config: ingestPricesConfigSchema.parse({ sources: [] }), logger: silentLogger, clock: new ManualClock(NOW), metrics: new Registry() },
      {
        extraSources: [source],
        wallNow: () => wall,
        sleep: async (ms) => {
          sleeps.push(ms);
          wall += ms;
        },
      },
    );
    await svc.idle!();
    await waitFor(() => got.length === 4);
    // At 60x: 30 s of data is 500 ms of wall time, 60 s is 1000 ms, 180 s is 3000 ms.
    expect(sleeps).toEqual([500, 500, 2000]);
    await svc.stop();
    await bus.close();
  });

  it('runs a live simulator on the clock that jumps on scored headlines', async () => {
    const bus = new MemoryBus();
    const got = await collect(bus);
    const clock = new ManualClock(Date.parse('2026-06-01T10:00:00Z'));
    const config = ingestPricesConfigSchema.parse({
      groupId: randomName('sim'),
      sources: [{ kind: 'simulator', live: true, intervalSec: 0.01, startPrice: 80, volBps: 0, newsJumps: { maxBps: 100, delaySec: 0, overSec: 0.001 } }],
    });
    const svc = await start({ bus, store: noStore, config, logger: silentLogger, clock, metrics: new Registry() });
    await waitFor(() => got.length >= 2, { message: 'live ticks' });
    expect(new Set(got.map((t) => t.price))).toEqual(new Set([80]));
    const headline: NewsScored = scoredNews({
      id: 'sim00001',
      title: 'OPEC+ agrees surprise output cut',
      published_at: '2026-06-01T10:00:00.000Z',
      sentiment: { label: 'positive', score: 0.5, confidence: 1 },
      oil_direction: { label: 'bullish', strength: 1 },
      topics: ['opec'],
      relevance: 100,
      cluster_id: 'c',
      model: { name: 't', version: '0' },
    });
    await publishEvents(bus, TOPICS.newsScored, [headline], messageKey.newsScored);
    // A full-strength bullish headline: +100 bps in log price, reached within 1 ms of clock time.
    const up = Math.round(80 * Math.exp(0.01) * 100) / 100;
    await waitFor(() => got.some((t) => t.price === up), { message: `a tick at ${up}` });
    await svc.stop();
    await bus.close();
  });
});
