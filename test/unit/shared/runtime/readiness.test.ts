import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WriteHealth } from '../../../../shared/runtime/health.ts';
import { READY_MAX_LOOP_DELAY_MS, ReadinessProbe, type ReadinessProbeOptions } from '../../../../shared/runtime/readiness.ts';
import type { StoreDamage } from '../../../../shared/store/port.ts';

function probeWith(overrides: { ping?: boolean; damage?: StoreDamage; delayMs?: number; p99Ms?: number; checks?: Record<string, boolean>; maxLoopDelayMs?: number } = {}) {
  const registry = new Registry();
  const writes = new WriteHealth(() => Date.UTC(2026, 0, 2, 3, 4, 5));
  let stopped = 0;
  const options: ReadinessProbeOptions = {
    store: { ping: async () => overrides.ping ?? true, damage: () => overrides.damage },
    registry,
    writes,
    maxLoopDelayMs: overrides.maxLoopDelayMs,
    checks: overrides.checks ? () => overrides.checks! : undefined,
    loop: { delay: () => ({ maxMs: overrides.delayMs ?? 3.4, p99Ms: overrides.p99Ms ?? 1.6 }), stop: () => void stopped++ },
  };
  const probe = new ReadinessProbe(options);
  return { probe, registry, writes, stopped: () => stopped };
}

const gaugeValue = async (registry: Registry) => (await registry.getSingleMetric('oilwire_store_writes_failing')!.get()).values[0]?.value;

describe('ReadinessProbe', () => {
  it('is ready when every check holds, and reports the loop delay rounded', async () => {
    const { probe } = probeWith({ checks: { bus: true, stream: true } });
    expect(await probe.check()).toEqual({
      ready: true,
      body: { status: 'ready', checks: { store: true, writes: true, storeIntact: true, eventLoop: true, bus: true, stream: true }, eventLoopDelayMs: { max: 3, p99: 2 } },
    });
  });

  it.each([
    ['store', { ping: false }],
    ['eventLoop', { delayMs: READY_MAX_LOOP_DELAY_MS + 0.5 }],
    ['bus', { checks: { bus: false } }],
  ] as const)('is not ready while %s fails, and names it', async (name, overrides) => {
    const { probe } = probeWith(overrides);
    const { ready, body } = await probe.check();
    expect(ready).toBe(false);
    expect(body.status).toBe('not ready');
    expect(Object.entries(body.checks).filter(([, ok]) => !ok)).toEqual([[name, false]]);
  });

  it('takes a loop delay of exactly the limit as ready, and a caller limit over the default', async () => {
    expect((await probeWith({ delayMs: READY_MAX_LOOP_DELAY_MS }).probe.check()).ready).toBe(true);
    expect((await probeWith({ delayMs: 1500, maxLoopDelayMs: 2000 }).probe.check()).ready).toBe(true);
    expect((await probeWith({ delayMs: 150, maxLoopDelayMs: 100 }).probe.check()).ready).toBe(false);
  });

  it('is not ready while writes fail, says since when and why, and mirrors it in the gauge', async () => {
    const { probe, registry, writes } = probeWith();
    writes.failed(new Error('No space left on device'));
    writes.failed(new Error('No space left on device'));
    probe.refreshMetrics();
    expect(await gaugeValue(registry)).toBe(1);
    const { ready, body } = await probe.check();
    expect(ready).toBe(false);
    expect(body.checks.writes).toBe(false);
    expect(body.writeFailure).toEqual({ since: '2026-01-02T03:04:05.000Z', failures: 2, error: 'No space left on device' });
    writes.succeeded();
    probe.refreshMetrics();
    expect(await gaugeValue(registry)).toBe(0);
    const after = await probe.check();
    expect(after.ready).toBe(true);
    expect(after.body).not.toHaveProperty('writeFailure');
  });

  it('is not ready while the store knows a damaged part, and passes the damage on with an ISO time', async () => {
    const damage: StoreDamage = { since: Date.UTC(2026, 5, 1), engineError: 'CORRUPTED_DATA', error: 'checksum', broken: ['news/all_1_1_0: bad'], repair: 'failed', note: 'no source parts', attempts: 2 };
    const { ready, body } = await probeWith({ damage }).probe.check();
    expect(ready).toBe(false);
    expect(body.checks.storeIntact).toBe(false);
    expect(body.storeDamage).toEqual({ ...damage, since: '2026-06-01T00:00:00.000Z' });
  });

  it('shares one gauge with a registry that has it already, and stops its loop monitor', async () => {
    const { probe, registry, stopped } = probeWith();
    const second = new ReadinessProbe({ store: { ping: async () => true }, registry, loop: { delay: () => ({ maxMs: 0, p99Ms: 0 }), stop: () => {} } });
    expect((await registry.getMetricsAsJSON()).filter((m) => m.name === 'oilwire_store_writes_failing')).toHaveLength(1);
    expect((await second.check()).ready).toBe(true);
    probe.stop();
    expect(stopped()).toBe(1);
  });

  it('measures the loop itself when not given a loop: a monitor on its window, in its registry, stopped with it', async () => {
    const registry = new Registry();
    const interval = vi.spyOn(globalThis, 'setInterval');
    const clear = vi.spyOn(globalThis, 'clearInterval');
    const probe = new ReadinessProbe({ store: { ping: async () => true }, registry, writes: new WriteHealth(() => 0), loopWindowMs: 1234 });
    expect(interval.mock.calls.map((c) => c[1])).toEqual([1234]);
    const timer = interval.mock.results[0]!.value;
    expect((await registry.getMetricsAsJSON()).map((m) => m.name).sort()).toEqual([
      'oilwire_event_loop_delay_max_seconds',
      'oilwire_event_loop_delay_p99_seconds',
      'oilwire_store_writes_failing',
    ]);
    probe.stop();
    expect(clear).toHaveBeenCalledWith(timer);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});
