import { describe, expect, it } from 'vitest';
import type { NewsImpact } from '../../../../shared/contracts/events.ts';
import { ImpactOutbox, timerSchedule, type Schedule } from '../../../../services/correlator/impact-outbox.ts';

/** A timer that runs only when the test says so, and remembers the delays asked for. */
function manualTimer() {
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const schedule: Schedule = (fn, ms) => {
    const t = { fn, ms, cancelled: false };
    timers.push(t);
    return () => (t.cancelled = true);
  };
  return {
    schedule,
    timers,
    delays: () => timers.map((t) => t.ms),
    live: () => timers.filter((t) => !t.cancelled).length,
    /** Fires the newest timer (it must not be cancelled) and lets its write settle. */
    async fire() {
      const t = timers.at(-1)!;
      expect(t.cancelled).toBe(false);
      t.cancelled = true;
      t.fn();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    },
  };
}

const impact = (id: string, version = 1) => ({ article_id: id, version, horizon: '1m' }) as NewsImpact;

function fakeStore() {
  const log: string[] = [];
  let failSaves = 0;
  let failPublishes = 0;
  return {
    log,
    failSaves: (n: number) => (failSaves = n),
    failPublishes: (n: number) => (failPublishes = n),
    save: async (rows: NewsImpact[]) => {
      if (failSaves-- > 0) throw new Error('store down');
      log.push(`save ${rows.map((r) => `${r.article_id}v${r.version}`).join(',')}`);
    },
    publish: async (rows: NewsImpact[]) => {
      if (failPublishes-- > 0) throw new Error('bus down');
      log.push(`publish ${rows.map((r) => `${r.article_id}v${r.version}`).join(',')}`);
    },
  };
}

function outbox(options: { flushMs?: number; flushRows?: number; maxBackoffMs?: number } = {}) {
  const timer = manualTimer();
  const store = fakeStore();
  const saved: string[][] = [];
  const published: string[][] = [];
  const retries: { message: string; waiting: number; failures: number }[] = [];
  const box = new ImpactOutbox({
    save: store.save,
    publish: store.publish,
    flushMs: options.flushMs ?? 100,
    flushRows: options.flushRows ?? 3,
    maxBackoffMs: options.maxBackoffMs,
    schedule: timer.schedule,
    onSaved: (rows) => saved.push(rows.map((r) => r.article_id)),
    onPublished: (rows) => published.push(rows.map((r) => r.article_id)),
    onRetry: (err, waiting, failures) => retries.push({ message: (err as Error).message, waiting, failures }),
  });
  return { box, timer, store, saved, published, retries };
}

describe('ImpactOutbox', () => {
  it('writes at once (save, then publish, then report) when flushRows are waiting', async () => {
    const { box, timer, store, saved, published } = outbox({ flushMs: 100 });
    box.add([impact('a'), impact('b')]);
    await box.offer();
    box.add([impact('c', 2)]);
    expect(box.waiting).toBe(3);
    await box.offer();
    // The third row reaches flushRows (3): written at once, without waiting for the timer of the first offer.
    expect(store.log).toEqual(['save av1,bv1,cv2', 'publish av1,bv1,cv2']);
    expect(timer.delays()).toEqual([100]);
    expect([saved, published]).toEqual([[['a', 'b', 'c']], [['a', 'b', 'c']]]);
    expect(box.waiting).toBe(0);
  });

  it('waits for the timer below flushRows, and schedules nothing with nothing waiting', async () => {
    const { box, timer, store } = outbox({ flushMs: 40, flushRows: 10 });
    await box.offer();
    expect(timer.timers.length).toBe(0);
    box.add([impact('a')]);
    await box.offer();
    await box.offer();
    expect(timer.delays()).toEqual([40]);
    expect(box.scheduled).toBe(true);
    expect(store.log).toEqual([]);
    await timer.fire();
    expect(store.log).toEqual(['save av1', 'publish av1']);
    expect(box.scheduled).toBe(false);
    // Written and nothing new: no further timer.
    expect(timer.timers.length).toBe(1);
  });

  it('with flushMs 0, offer() is the write itself (a caller awaiting it acknowledges after the write)', async () => {
    const { box, timer, store } = outbox({ flushMs: 0, flushRows: 100 });
    box.add([impact('a')]);
    store.failSaves(1);
    await expect(box.offer()).rejects.toThrow('store down');
    expect(box.waiting).toBe(1);
    await box.offer();
    expect(store.log).toEqual(['save av1', 'publish av1']);
    expect(timer.timers.length).toBe(0);
  });

  it('retries a failed timed write with a doubling delay up to maxBackoffMs, and goes back to flushMs after a success', async () => {
    const { box, timer, store, retries } = outbox({ flushMs: 100, flushRows: 10, maxBackoffMs: 500 });
    box.add([impact('a')]);
    await box.offer();
    store.failSaves(3);
    await timer.fire();
    await timer.fire();
    await timer.fire();
    expect(retries).toEqual([
      { message: 'store down', waiting: 1, failures: 1 },
      { message: 'store down', waiting: 1, failures: 2 },
      { message: 'store down', waiting: 1, failures: 3 },
    ]);
    // 100, then 200 and 400 after one and two failures, then 800 capped at 500.
    expect(timer.delays()).toEqual([100, 200, 400, 500]);
    expect(box.nextDelayMs()).toBe(500);
    await timer.fire();
    expect(store.log).toEqual(['save av1', 'publish av1']);
    expect(box.nextDelayMs()).toBe(100);
    box.add([impact('b')]);
    await box.offer();
    expect(timer.delays().at(-1)).toBe(100);
  });

  it('keeps rows whose publish failed after the save, and saves and publishes them again (the save is idempotent)', async () => {
    const { box, timer, store, saved, published } = outbox({ flushMs: 10, flushRows: 10 });
    box.add([impact('a')]);
    await box.offer();
    store.failPublishes(1);
    await timer.fire();
    expect(box.waiting).toBe(1);
    expect([saved.length, published.length]).toEqual([1, 0]);
    await timer.fire();
    expect(store.log).toEqual(['save av1', 'save av1', 'publish av1']);
    expect(published).toEqual([['a']]);
  });

  it('stop() cancels the timer, writes what is waiting, and schedules no retry after it', async () => {
    const { box, timer, store } = outbox({ flushMs: 100, flushRows: 10 });
    box.add([impact('a')]);
    await box.offer();
    expect(timer.live()).toBe(1);
    await box.stop();
    expect(timer.live()).toBe(0);
    expect(store.log).toEqual(['save av1', 'publish av1']);
    box.add([impact('b')]);
    await box.offer();
    expect(timer.live()).toBe(0);
    store.failSaves(1);
    await expect(box.stop()).rejects.toThrow('store down');
    expect(box.waiting).toBe(1);
  });

  it('works without the report hooks, through a failed timed write and its retry', async () => {
    const timer = manualTimer();
    const store = fakeStore();
    const box = new ImpactOutbox({ save: store.save, publish: store.publish, flushMs: 5, flushRows: 10, schedule: timer.schedule });
    box.add([impact('a')]);
    await box.offer();
    store.failSaves(1);
    await timer.fire();
    await timer.fire();
    expect(store.log).toEqual(['save av1', 'publish av1']);
    expect([box.waiting, box.scheduled]).toEqual([0, false]);
  });
});

describe('timerSchedule', () => {
  it('runs a function after its delay, and not at all once cancelled', async () => {
    const ran: string[] = [];
    const cancel = timerSchedule(() => ran.push('cancelled'), 1);
    cancel();
    // Timers fire in order of their due time: once the later one ran, the cancelled one would have too.
    await new Promise<void>((resolve) => timerSchedule(() => resolve(void ran.push('kept')), 5));
    expect(ran).toEqual(['kept']);
  });
});

