import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { registerProbeRoutes } from '../../../../shared/runtime/probe-routes.ts';
import { WriteHealth } from '../../../../shared/runtime/health.ts';

/** A store port that answers pings as told, and write outcomes as told: the routes' inputs, nothing else. */
function parts(options: { ping?: boolean; writesFailing?: boolean; onStop?: () => void } = {}) {
  const registry = new Registry();
  const writes = new WriteHealth(() => 0);
  if (options.writesFailing) writes.failed(new Error('disk full'));
  const store = { ping: async () => options.ping ?? true, damage: () => undefined };
  const loop = { delay: () => ({ maxMs: 1, p99Ms: 1 }), stop: () => options.onStop?.() };
  return { registry, readiness: { store, registry, writes, loop } };
}

const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function app(options: Parameters<typeof parts>[0], routes?: Parameters<typeof registerProbeRoutes>[1]['routes']) {
  const a = Fastify();
  apps.push(a);
  const p = parts(options);
  registerProbeRoutes(a, { readiness: p.readiness, registry: p.registry, routes });
  return a;
}

describe('registerProbeRoutes', () => {
  it('answers /healthz, and /readyz 200 with every check true while the store answers and takes writes', async () => {
    const a = app({});
    expect((await a.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await a.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { store: true, writes: true } });
  });

  it('answers /readyz 503 while writes fail, and /metrics shows the same through the refreshed gauge', async () => {
    const a = app({ writesFailing: true });
    const ready = await a.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not ready', checks: { writes: false } });
    const metrics = await a.inject('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/^oilwire_store_writes_failing 1$/m);
  });

  it('answers /readyz 503 when the store does not answer', async () => {
    const a = app({ ping: false });
    const ready = await a.inject('/readyz');
    expect([ready.statusCode, ready.json().checks.store]).toEqual([503, false]);
  });

  it('passes each route its own options (a hook on one route runs on that route only)', async () => {
    const seen: string[] = [];
    const mark = (name: string) => ({ onRequest: async () => void seen.push(name) });
    const a = app({}, { readyz: mark('readyz'), metrics: mark('metrics') });
    await a.inject('/healthz');
    await a.inject('/readyz');
    await a.inject('/metrics');
    expect(seen).toEqual(['readyz', 'metrics']);
  });

  it('stops the probe\'s loop monitor when the app closes, not before', async () => {
    let stops = 0;
    const a = app({ onStop: () => void stops++ });
    await a.ready();
    expect((await a.inject('/readyz')).statusCode).toBe(200);
    expect(stops).toBe(0);
    await a.close();
    expect(stops).toBe(1);
  });
});
