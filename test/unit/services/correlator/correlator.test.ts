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

/** With content lookups, answered from what is written (as the store's content_id query is); a lookup can be held, a news write made to fail. */
class ContentRepository extends MemoryRepository {
  /** The ids of each lookup's batch, in the order they were asked. */
  lookups: string[][] = [];
  readonly lookupGate = new Gate();
  failNewsWrites = 0;
  override async saveNews(articles: NewsScored[]) {
    await this.newsGate.pass();
    if (this.failNewsWrites-- > 0) throw new Error('news table down');
    this.news.push(...articles);
  }
  async storedContent(articles: NewsScored[]) {
    this.lookups.push(articles.map((a) => a.id));
    await this.lookupGate.pass();
    return this.news.map((a) => ({ id: a.id, source: a.source, title: a.title, publishedMs: Date.parse(a.published_at) }));
  }
}

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const tick = (ts: string, price: number): PriceTick => ({ schema: 'prices.ticks/v1', symbol: 'SYM', ts: `2026-06-01T${ts}.000Z`, price, size: 1, source: 'feed', seq: 0 });

async function setup<R extends MemoryRepository = MemoryRepository>(flushMs: number, repo: R = new MemoryRepository() as R) {
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

  describe('news batches judged by content', () => {
    const story = (id: string, title = `headline ${id}`) => scoredNews({ id, title, published_at: '2026-06-01T10:00:00.000Z' });

    it("looks the next batch up while the one before is written, and counts a copy of that batch's story as a duplicate", async () => {
      const { repo, correlator } = await setup(0, new ContentRepository());
      repo.newsGate.close();
      const first = correlator.handleNews([story('n1', 'Tanker seized')]);
      const second = correlator.handleNews([story('n2', 'Tanker seized'), story('n3')]);
      await settle();
      // Both asked while the first insert is held: the second lookup could not see n1 in the store.
      expect([repo.lookups, repo.news.length]).toEqual([[['n1'], ['n2', 'n3']], 0]);
      repo.newsGate.open();
      await Promise.all([first, second]);
      expect([repo.news.map((a) => a.id), correlator.stats.articles, correlator.stats.duplicates]).toEqual([['n1', 'n3'], 2, 1]);
    });

    it('writes news batches in the order they came, and acknowledges each only once it is written', async () => {
      const { repo, correlator } = await setup(0, new ContentRepository());
      repo.lookupGate.close();
      let firstDone = false;
      const first = correlator.handleNews([story('n1')]).then(() => (firstDone = true));
      await settle();
      repo.newsGate.close();
      repo.lookupGate.open();
      await settle();
      const second = correlator.handleNews([story('n2')]);
      await settle();
      expect([repo.lookups, repo.news.length, firstDone]).toEqual([[['n1'], ['n2']], 0, false]);
      repo.newsGate.open();
      await Promise.all([first, second]);
      expect(repo.news.map((a) => a.id)).toEqual(['n1', 'n2']);
    });

    it('does not write a batch judged against one whose insert then failed; delivered again, each is judged by the store', async () => {
      const { repo, correlator } = await setup(0, new ContentRepository());
      repo.newsGate.close();
      repo.failNewsWrites = 1;
      const firstBatch = [story('n1', 'Tanker seized')];
      const secondBatch = [story('n2', 'Tanker seized'), story('n3')];
      const first = correlator.handleNews(firstBatch);
      const second = correlator.handleNews(secondBatch);
      await settle();
      repo.newsGate.open();
      await expect(first).rejects.toThrow('news table down');
      // n2 was counted a copy of n1, which is not stored: the batch fails too, n3 with it, and nothing of it is written.
      // Retryable, whatever the first one's error: its own articles must be delivered again, not dead-lettered.
      await expect(second).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, message: expect.stringContaining('news table down') });
      expect([repo.news.length, correlator.stats.articles]).toEqual([0, 0]);
      await correlator.handleNews(secondBatch);
      await correlator.handleNews(firstBatch);
      // The story is stored once, under the id it was first stored with.
      expect([repo.news.map((a) => a.id), correlator.stats.articles]).toEqual([['n2', 'n3'], 2]);
    });

    it('judges a batch by the store alone once the batches ahead of it are written', async () => {
      const { repo, correlator } = await setup(0, new ContentRepository());
      await correlator.handleNews([story('n1', 'Tanker seized')]);
      await correlator.handleNews([story('n2', 'Tanker seized')]);
      // Redelivered, n1 is itself, not a copy.
      await correlator.handleNews([story('n1', 'Tanker seized')]);
      expect([repo.news.map((a) => a.id), correlator.stats.duplicates]).toEqual([['n1', 'n1'], 1]);
    });
  });
});
