import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { publishEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, messageKey, type PriceTick } from '../../../../shared/contracts/events.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { correlatorConfigSchema } from '../../../../services/correlator/config.ts';
import { start, type CorrelatorService } from '../../../../services/correlator/main.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { dropTestStore, openTestStore } from '../../../helpers/store.ts';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => dropTestStore(store));

const NOW = Date.parse('2026-06-01T10:00:00Z');
const tick = (symbol: string, ts: number, price: number, source = 'feed'): PriceTick => ({ schema: 'prices.ticks/v1', symbol, ts: new Date(ts).toISOString(), price, size: 1, source, seq: 0 });

async function running(symbol: string, clock: ManualClock) {
  const bus = new MemoryBus({ retryBackoffMs: 5, maxRetryBackoffMs: 20 });
  const config = correlatorConfigSchema.parse({
    groupId: randomName('corr'),
    symbols: [symbol],
    horizons: ['1m'],
    calendar: { kind: 'always' },
    watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 3_600_000 },
    allowedLatenessMs: 60_000,
    indicators: null,
    evaluateEveryMs: 3_600_000,
  });
  const service = (await start({ bus, store, config, logger: silentLogger, clock, metrics: new Registry() })) as CorrelatorService;
  return { bus, service, ticks: (ts: PriceTick[]) => publishEvents(bus, TOPICS.pricesTicks, ts, messageKey.pricesTicks) };
}

const handled = (s: CorrelatorService) => Object.values(s.stats().ticks).reduce((a, b) => a + b, 0) + Object.values(s.stats().rejected).reduce((a, b) => a + b, 0);
const stored = async (symbol: string) => Number((await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('ticks')} WHERE symbol = {symbol:String}`, { params: { symbol } }))[0].n);

describe('correlator: ticks whose time cannot be a market\'s', () => {
  it('a far-future tick (2099) and one two minutes ahead move no watermark; real ticks after them are on time', async () => {
    const clock = new ManualClock(NOW);
    const { bus, service, ticks } = await running('FUT', clock);
    await ticks([tick('FUT', NOW - 60_000, 80)]);
    await waitFor(() => handled(service) === 1);
    const before = service.engine.watermark('FUT', clock.now());

    await ticks([tick('FUT', Date.UTC(2099, 0, 1), 81, 'ws'), tick('FUT', NOW + 120_000, 81), tick('FUT', Date.UTC(1970, 0, 1), 81)]);
    await waitFor(() => handled(service) === 4);
    expect(service.stats().rejected).toEqual({ future_timestamp: 2, too_old: 1 });
    expect(service.engine.watermark('FUT', clock.now())).toBe(before);

    // The next real tick is accepted, not late: the bad ones changed nothing.
    clock.advance(30_000);
    await ticks([tick('FUT', NOW + 30_000, 80.5)]);
    await waitFor(() => handled(service) === 5);
    expect(service.stats().ticks.accepted).toBe(2);
    expect(service.stats().ticks.too_late).toBe(0);
    expect(service.engine.watermark('FUT', clock.now())).toBe(NOW + 30_000 - 1);
    // Nor were they stored: no bar or restart can bring 2099 back.
    await service.flush();
    expect(await stored('FUT')).toBe(2);
    await service.stop();
    await bus.close();
  });

  it('a tick within the tolerance of the clock is a tick', async () => {
    const clock = new ManualClock(NOW);
    const { bus, service, ticks } = await running('NEAR', clock);
    await ticks([tick('NEAR', NOW + 30_000, 80)]);
    await waitFor(() => handled(service) === 1);
    expect(service.stats().ticks.accepted).toBe(1);
    expect(service.stats().rejected).toEqual({});
    await service.stop();
    await bus.close();
  });
});
