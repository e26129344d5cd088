/**
 * The correlator's event-time watermarks across a restart, as one scenario run on every bus (the
 * in-process bus and Kafka over the wire): a second correlator started where the first stopped,
 * on the same store. The watermark is restored from the stored ticks, so what is due is measured
 * at once (no newer tick needed) and lateness is judged as before the restart.
 */
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import type { Bus } from '../../../../shared/bus/port.ts';
import { publishEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, messageKey, type PriceTick } from '../../../../shared/contracts/events.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { createLogger, silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { correlatorConfigSchema } from '../../../../services/correlator/config.ts';
import { start, type CorrelatorService } from '../../../../services/correlator/main.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { scoredNews } from '../../../helpers/events.ts';

const SYMBOL = 'WMR';
const makeConfig = () =>
  correlatorConfigSchema.parse({
    groupId: randomName('corr'),
    symbols: [SYMBOL],
    horizons: ['1m', '5m'],
    volatilityWindows: 2,
    calendar: { kind: 'always' },
    watermark: { maxOutOfOrdernessMs: 5_000, idleTimeoutMs: 3_600_000 },
    allowedLatenessMs: 60_000,
    indicators: null,
    // Written at once, so that a handled batch's results are in the store when its handler returns.
    impactFlushMs: 0,
    // No periodic evaluation during the test: only the start and the handled batches evaluate.
    evaluateEveryMs: 3_600_000,
  });

const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 5, 1, 10, minute, second)).toISOString();
const tick = (ts: string, price: number, seq = 0): PriceTick => ({ schema: 'prices.ticks/v1', symbol: SYMBOL, ts, price, size: 1, source: 'csv', seq });

export interface ScenarioContext {
  store: () => Store;
  bus: () => Bus;
  /** Deadline of each awaited condition (Kafka group joins take seconds). */
  waitMs: number;
}

export function watermarkRestartScenario(name: string, ctx: ScenarioContext): void {
  it(`${name}: measures new headlines from stored ticks within one evaluation, and judges a late tick the same before and after`, async () => {
    const store = ctx.store();
    const bus = ctx.bus();
    const config = makeConfig();
    const until = (condition: () => boolean, message: string | (() => string)) => waitFor(condition, { timeoutMs: ctx.waitMs, message });
    const impactCount = async (ids: string[]) =>
      Number((await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('impact')} WHERE article_id IN {ids:Array(String)}`, { params: { ids } }))[0].n);
    const correlator = async () =>
      (await start({ bus, store, config, logger: process.env.OILWIRE_TEST_LOG ? createLogger({ level: process.env.OILWIRE_TEST_LOG }) : silentLogger, clock: systemClock, metrics: new Registry() })) as CorrelatorService;
    const ticks = (t: PriceTick[]) => publishEvents(bus, TOPICS.pricesTicks, t, messageKey.pricesTicks);
    // A minute of ticks every 10 s from 10:00 to 10:20: the watermark ends at 10:19:54.999.
    await ticks(Array.from({ length: 121 }, (_, i) => tick(new Date(Date.parse(at(0)) + i * 10_000).toISOString(), 80 + (i % 7) / 10)));

    const first = await correlator();
    await until(() => first.stats().ticks.accepted === 121, () => `121 ticks accepted, got ${first.stats().ticks.accepted}`);
    // 10:17:00 is more than the 60 s allowed behind 10:19:54.999: too late. 10:19:10 is late but allowed.
    await ticks([tick(at(17), 70, 1), tick(at(19, 10), 81, 1)]);
    await until(() => first.stats().ticks.too_late + first.stats().ticks.late === 2, 'the two late ticks judged');
    expect(first.stats().ticks).toMatchObject({ too_late: 1, late: 1 });
    await first.stop();

    // While it is down: headlines whose horizons the stored ticks already cover, and no newer tick.
    const ids = ['wmr00001', 'wmr00002', 'wmr00003'];
    await publishEvents(bus, TOPICS.newsScored, ids.map((id, i) => scoredNews({ id, published_at: at(2 + i * 3, 30) })), messageKey.newsScored);

    const second = await correlator();
    try {
      await until(() => second.stats().articles === 3, 'the three headlines handled');
      // Handling the batch evaluated once: every (article, horizon) is measured, with no tick after the restart.
      expect(await impactCount(ids)).toBe(ids.length * 2);
      expect(second.engine.watermark(SYMBOL, Date.now())).toBe(Date.parse(at(20)) - 5_000 - 1);

      // The same lateness as before the restart: 10:17:30 is too late, 10:19:20 late but allowed.
      await ticks([tick(at(17, 30), 70, 2), tick(at(19, 20), 81, 2)]);
      await until(() => second.stats().ticks.too_late + second.stats().ticks.late === 2, () => `the two late ticks judged: ${JSON.stringify(second.stats().ticks)}`);
      expect(second.stats().ticks).toMatchObject({ too_late: 1, late: 1, accepted: 0 });
    } finally {
      await second.stop();
    }
  });
}
