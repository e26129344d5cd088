/**
 * EventLoopMonitor over a histogram the test drives (perf_hooks' own is fed by real loop delays,
 * which a test cannot set) and fake timers for its window: what it reads, in which unit, when it
 * rolls a window and what it leaves in the registry.
 */
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Stands in for perf_hooks' IntervalHistogram: values in nanoseconds, max 0 while empty. */
class FakeHistogram {
  max = 0;
  count = 0;
  p99 = 0;
  enabled = false;
  resets = 0;
  asked: number[] = [];
  percentile(p: number): number {
    this.asked.push(p);
    return this.p99;
  }
  reset(): void {
    this.resets++;
    this.max = 0;
    this.count = 0;
    this.p99 = 0;
  }
  enable(): boolean {
    this.enabled = true;
    return true;
  }
  disable(): boolean {
    this.enabled = false;
    return true;
  }
  /** A window's samples: the worst and the p99, in ms. */
  saw(maxMs: number, p99Ms: number, count = 10): void {
    this.max = maxMs * 1e6;
    this.p99 = p99Ms * 1e6;
    this.count = count;
  }
}

const made: { options: unknown; histogram: FakeHistogram }[] = [];
vi.mock('node:perf_hooks', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:perf_hooks')>()),
  monitorEventLoopDelay: (options: unknown) => {
    const histogram = new FakeHistogram();
    made.push({ options, histogram });
    return histogram;
  },
}));

const { EventLoopMonitor } = await import('../../../../shared/runtime/event-loop.ts');

const MAX = 'oilwire_event_loop_delay_max_seconds';
const P99 = 'oilwire_event_loop_delay_p99_seconds';
const gauge = async (registry: Registry, name: string) => (await registry.getSingleMetric(name)!.get()).values[0]?.value;

const monitors: { stop(): void }[] = [];
function monitor(options?: ConstructorParameters<typeof EventLoopMonitor>[0]) {
  const m = new EventLoopMonitor(options);
  monitors.push(m);
  return { m, h: made.at(-1)!.histogram, options: made.at(-1)!.options };
}

beforeEach(() => {
  vi.useFakeTimers();
  made.length = 0;
});
afterEach(() => {
  monitors.splice(0).forEach((m) => m.stop());
  vi.useRealTimers();
});

describe('EventLoopMonitor', () => {
  it('samples at 20 ms unless told, and starts the histogram at once', () => {
    const { h, options } = monitor();
    expect(options).toEqual({ resolution: 20 });
    expect(h.enabled).toBe(true);
    expect(monitor({ resolutionMs: 5 }).options).toEqual({ resolution: 5 });
  });

  it('reads 0 before any sample, then the current window max in ms (nanoseconds in the histogram)', () => {
    const { m, h } = monitor();
    expect(m.delay()).toEqual({ maxMs: 0, p99Ms: 0 });
    h.saw(250, 30);
    // The p99 is of the last complete window only; the max also looks at the window under way.
    expect(m.delay()).toEqual({ maxMs: 250, p99Ms: 0 });
  });

  it('rolls a window every 5 s by default: keeps its max and p99, resets the histogram', () => {
    const { m, h } = monitor();
    h.saw(250, 30);
    vi.advanceTimersByTime(4999);
    expect(h.resets).toBe(0);
    vi.advanceTimersByTime(1);
    expect(h.resets).toBe(1);
    expect(h.asked).toEqual([99]);
    expect(m.delay()).toEqual({ maxMs: 250, p99Ms: 30 });
    // The next window is quieter: the last window's max still counts until it rolls too.
    h.saw(40, 10);
    expect(m.delay()).toEqual({ maxMs: 250, p99Ms: 30 });
    vi.advanceTimersByTime(5000);
    expect(m.delay()).toEqual({ maxMs: 40, p99Ms: 10 });
    // A worse window under way shows at once.
    h.saw(900, 80);
    expect(m.delay()).toEqual({ maxMs: 900, p99Ms: 10 });
  });

  it('takes its window length from the options', () => {
    const { m, h } = monitor({ windowMs: 1000 });
    h.saw(120, 60);
    vi.advanceTimersByTime(999);
    expect(h.resets).toBe(0);
    vi.advanceTimersByTime(1);
    expect(m.delay()).toEqual({ maxMs: 120, p99Ms: 60 });
  });

  it('gives a p99 of 0 for a window without samples, without asking the empty histogram', () => {
    const { m, h } = monitor({ windowMs: 1000 });
    h.max = 7e6;
    h.p99 = 5e6;
    h.count = 0;
    vi.advanceTimersByTime(1000);
    expect(m.delay()).toEqual({ maxMs: 7, p99Ms: 0 });
    expect(h.asked).toEqual([]);
    h.saw(3, 2, 1);
    vi.advanceTimersByTime(1000);
    expect(m.delay()).toEqual({ maxMs: 3, p99Ms: 2 });
  });

  it('sets both gauges in seconds at each roll, under their names and help', async () => {
    const registry = new Registry();
    const { h } = monitor({ registry, windowMs: 1000 });
    expect(await gauge(registry, MAX)).toBe(0);
    h.saw(1500, 250);
    vi.advanceTimersByTime(1000);
    expect([await gauge(registry, MAX), await gauge(registry, P99)]).toEqual([1.5, 0.25]);
    const help = Object.fromEntries((await registry.getMetricsAsJSON()).map((x) => [x.name, [x.type, x.help]]));
    expect(help).toEqual({
      [MAX]: ['gauge', 'Worst event-loop delay in the last window'],
      [P99]: ['gauge', 'p99 event-loop delay in the last window'],
    });
  });

  it('shares the gauges of a registry that has them already (a second monitor does not throw)', async () => {
    const registry = new Registry();
    monitor({ registry, windowMs: 1000 });
    const second = monitor({ registry, windowMs: 1000 });
    second.h.saw(2000, 1000);
    vi.advanceTimersByTime(1000);
    expect((await registry.getMetricsAsJSON()).map((x) => x.name).sort()).toEqual([MAX, P99]);
    expect(await gauge(registry, MAX)).toBe(2);
  });

  it('rolls without a registry (no gauges to set)', () => {
    const { m, h } = monitor({ windowMs: 1000 });
    h.saw(10, 5);
    vi.advanceTimersByTime(1000);
    expect(m.delay()).toEqual({ maxMs: 10, p99Ms: 5 });
  });

  it('stops rolling and stops the histogram when stopped', () => {
    const { m, h } = monitor({ windowMs: 1000 });
    m.stop();
    expect(h.enabled).toBe(false);
    h.saw(10, 5);
    vi.advanceTimersByTime(5000);
    expect(h.resets).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not keep the process alive for its timer', () => {
    const spy = vi.spyOn(globalThis, 'setInterval');
    monitor();
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    spy.mockRestore();
    expect(timer.hasRef()).toBe(false);
  });
});
