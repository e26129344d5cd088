import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Bus, OutgoingMessage } from '../../../../shared/bus/port.ts';
import { priceTickIdentity, type NewsImpact, type NewsScored, type PriceTick } from '../../../../shared/contracts/events.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import { correlatorConfigSchema } from '../../../../services/correlator/config.ts';
import { Correlator } from '../../../../services/correlator/correlator.ts';
import type { Schedule } from '../../../../services/correlator/impact-outbox.ts';
import { correlatorMetrics } from '../../../../services/correlator/metrics.ts';
import type { ImpactRepository, LateTick } from '../../../../services/correlator/ports.ts';
import { scoredNews } from '../../../helpers/events.ts';

/** A write held open until the test releases it. */
class Gate {
  private release: (() => void) | undefined;
  private held: Promise<void> | undefined;
  close(): void {
    this.held = new Promise((r) => (this.release = r));
  }
  open(): void {
    this.release?.();
    this.held = undefined;
  }
  async pass(): Promise<void> {
    if (this.held) await this.held;
  }
}

/** The store port in memory: what was written, writes that can be held or made to fail. */
class MemoryRepository implements ImpactRepository {
  news: NewsScored[] = [];
  ticks: PriceTick[] = [];
  impacts: NewsImpact[] = [];
  late: LateTick[] = [];
  failTickWrites = 0;
  readonly newsGate = new Gate();
  readonly tickGate = new Gate();
  readonly impactGate = new Gate();

  async saveNews(articles: NewsScored[]) {
    await this.newsGate.pass();
    this.news.push(...articles);
  }
  async saveTicks(ticks: PriceTick[]) {
    await this.tickGate.pass();
    if (this.failTickWrites-- > 0) throw new Error('store down');
    this.ticks.push(...ticks);
  }
  async saveImpacts(impacts: NewsImpact[]) {
    await this.impactGate.pass();
    this.impacts.push(...impacts);
  }
  failLateWrites = 0;
  async saveLateTicks(late: LateTick[]) {
    if (this.failLateWrites-- > 0) throw new Error('late table down');
    this.late.push(...late);
  }
  async loadTicks(symbol: string, fromMs: number, toMs: number) {
    return this.ticks.filter((t) => t.symbol === symbol && Date.parse(t.ts) >= fromMs && Date.parse(t.ts) < toMs).map((t) => ({ ts: Date.parse(t.ts), price: t.price, identity: priceTickIdentity(t) }));
  }
  async storedTickKeys(ticks: PriceTick[]) {
    const have = new Set(this.ticks.map(priceTickIdentity));
    return new Set(ticks.map(priceTickIdentity).filter((id) => have.has(id)));
  }
  async loadUnfinished() {
    return [];
  }
}

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const tick = (ts: string, price: number): PriceTick => ({ schema: 'prices.ticks/v1', symbol: 'SYM', ts: `2026-06-01T${ts}.000Z`, price, size: 1, source: 'feed', seq: 0 });

async function setup(flushMs: number) {
  const repo = new MemoryRepository();
  const published: OutgoingMessage[] = [];
  const bus: Bus = {
    kind: 'memory',
    publish: async (topic, messages) => void published.push(...messages.map((m) => ({ ...m, key: `${topic}:${m.key}` }))),
    subscribe: async () => ({ close: async () => undefined, assignments: () => [] }),
    close: async () => undefined,
  };
  const timers: (() => void)[] = [];
  const schedule: Schedule = (fn) => {
    timers.push(fn);
    return () => undefined;
  };
  const config = correlatorConfigSchema.parse({ symbols: ['SYM'], horizons: ['1m'], volatilityWindows: 2, calendar: { kind: 'always' }, watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 3_600_000 }, allowedLatenessMs: 120_000, indicators: null, impactFlushMs: flushMs });
  const correlator = await Correlator.open({ config, repo, bus, clock: new ManualClock(NOW), logger: silentLogger, metrics: correlatorMetrics(new Registry()), schedule });
  return { repo, published, correlator, timers };
}

/** Lets pending promise callbacks run (no timers involved). */
const settle = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

describe('Correlator', () => {
  it('acknowledges a tick batch only after its write, and handles ticks while a news write is still in flight', async () => {
    const { repo, correlator } = await setup(0);
    repo.newsGate.close();
    const news = correlator.handleNews([scoredNews({ id: 'n1', published_at: '2026-06-01T10:00:30.000Z' })]);
    await settle();
    repo.tickGate.close();
    let ticksDone = false;
    const ticks = correlator.handleTicks([tick('10:00:00', 80)]).then(() => (ticksDone = true));
    await settle();
    // In the engine already, not acknowledged: its write is held.
    expect([correlator.engine.watermark('SYM', NOW), ticksDone, correlator.stats.ticks.accepted]).toEqual([Date.parse('2026-06-01T10:00:00.000Z') - 1, false, 0]);
    repo.tickGate.open();
    await ticks;
    expect([repo.ticks.length, correlator.stats.ticks.accepted]).toEqual([1, 1]);
    // The news write was held all along: the tick batch did not wait for it.
    expect([repo.news.length, correlator.stats.articles]).toEqual([0, 0]);
    repo.newsGate.open();
    await news;
    expect([repo.news.map((a) => a.id), correlator.stats.articles]).toEqual([['n1'], 1]);
  });

  it('publishes an impact on news.impact only once it is written, and counts it then', async () => {
    const { repo, published, correlator } = await setup(0);
    await correlator.handleTicks([tick('10:00:00', 80)]);
    await correlator.handleNews([scoredNews({ id: 'n1', published_at: '2026-06-01T10:00:00.000Z' })]);
    repo.impactGate.close();
    let done = false;
    const due = correlator.handleTicks([tick('10:01:00', 81), tick('10:01:01', 82)]).then(() => (done = true));
    await settle();
    expect([published.length, repo.impacts.length, correlator.stats.impacts, done]).toEqual([0, 0, 0, false]);
    repo.impactGate.open();
    await due;
    expect(repo.impacts.map((i) => [i.article_id, i.horizon, i.version, i.post_price])).toEqual([['n1', '1m', 1, 81]]);
    expect(published.map((m) => m.key)).toEqual(['news.impact:n1']);
    expect(correlator.stats.impacts).toBe(1);
  });

  it('with a delay, leaves impact rows to the timer and acknowledges the tick batch without waiting for them', async () => {
    const { repo, published, correlator, timers } = await setup(50);
    await correlator.handleTicks([tick('10:00:00', 80)]);
    await correlator.handleNews([scoredNews({ id: 'n1', published_at: '2026-06-01T10:00:00.000Z' })]);
    await correlator.handleTicks([tick('10:01:00', 81), tick('10:01:01', 82)]);
    expect([repo.impacts.length, published.length, timers.length]).toEqual([0, 0, 1]);
    timers[0]();
    await settle();
    expect([repo.impacts.length, published.length]).toEqual([1, 1]);
  });

  it('writes a tick batch whose write failed again when it is redelivered, once, without judging its ticks twice', async () => {
    const { repo, correlator } = await setup(0);
    await correlator.handleTicks([tick('10:10:00', 80)]);
    repo.failTickWrites = 1;
    const batch = [tick('10:10:10', 81), tick('10:00:00', 70)];
    await expect(correlator.handleTicks(batch)).rejects.toThrow('store down');
    // Counted once, when the write settled: one on time, one too late (recorded in ticks_late).
    expect(correlator.stats.ticks).toEqual({ accepted: 2, late: 0, too_late: 1, duplicate: 0, unknown_symbol: 0 });
    expect(repo.late.map((l) => l.tick.ts)).toEqual(['2026-06-01T10:00:00.000Z']);
    await correlator.handleTicks(batch);
    expect(repo.ticks.map((t) => t.ts)).toEqual(['2026-06-01T10:10:00.000Z', '2026-06-01T10:10:10.000Z', '2026-06-01T10:00:00.000Z']);
    expect(correlator.stats.ticks).toEqual({ accepted: 2, late: 0, too_late: 1, duplicate: 0, unknown_symbol: 0 });
    expect(repo.late.length).toBe(1);
    // Written now: a third delivery is all duplicates but the too-late tick, which the engine never holds.
    await correlator.handleTicks(batch);
    expect(correlator.stats.ticks).toMatchObject({ duplicate: 1, too_late: 2 });
    expect(repo.ticks.length).toBe(4);
  });

  it('stop() waits for a batch in flight and writes the impact rows still waiting', async () => {
    const { repo, correlator, timers } = await setup(50);
    await correlator.handleTicks([tick('10:00:00', 80)]);
    await correlator.handleNews([scoredNews({ id: 'n1', published_at: '2026-06-01T10:00:00.000Z' })]);
    repo.tickGate.close();
    const inFlight = correlator.handleTicks([tick('10:01:00', 81), tick('10:01:01', 82)]);
    await settle();
    let stopped = false;
    const stopping = correlator.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    repo.tickGate.open();
    await Promise.all([inFlight, stopping]);
    expect([repo.ticks.length, repo.impacts.length, timers.length]).toEqual([3, 1, 1]);
  });

  it('settles a tick batch only once its tick write is done, even when its too-late row failed first', async () => {
    const { repo, correlator } = await setup(0);
    await correlator.handleTicks([tick('10:10:00', 80)]);
    repo.tickGate.close();
    repo.failLateWrites = 1;
    let outcome = 'pending';
    const handling = correlator.handleTicks([tick('10:10:10', 81), tick('10:00:00', 70)]).then(
      () => (outcome = 'resolved'),
      (err: Error) => (outcome = err.message),
    );
    await settle();
    // The late write failed already; rejecting now would let the batch be redelivered while its ticks are still being written.
    expect([outcome, repo.late.length]).toEqual(['pending', 0]);
    repo.tickGate.open();
    await handling;
    expect([outcome, repo.ticks.map((t) => t.ts)]).toEqual(['late table down', ['2026-06-01T10:10:00.000Z', '2026-06-01T10:10:10.000Z', '2026-06-01T10:00:00.000Z']]);
    // The too-late row stayed in its outbox: the next flush writes it.
    await correlator.flush();
    expect(repo.late.map((l) => l.tick.ts)).toEqual(['2026-06-01T10:00:00.000Z']);
  });
});

