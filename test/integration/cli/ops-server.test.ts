import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpsApp } from '../../../cli/ops-server.ts';
import { openRuntime, type Runtime } from '../../../cli/runtime.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { testConfig } from '../../helpers/pipeline.ts';

let rt: Runtime;
let app: FastifyInstance;
let busOk = true;

beforeAll(async () => {
  rt = await openRuntime(testConfig(), { logger: silentLogger });
  // The store and the metrics are the runtime's own; only the bus's answer is steered, to see it counted.
  app = buildOpsApp({ store: rt.store, bus: { health: () => ({ ok: busOk && (rt.bus.health?.().ok ?? true) }) }, registry: rt.metrics });
});

afterAll(async () => {
  await app?.close();
  await rt?.store.command(`DROP DATABASE IF EXISTS ${rt.store.database}`);
  await rt?.close();
});

const readyz = async () => {
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  return { status: res.statusCode, body: res.json() as { status: string; checks: Record<string, boolean>; writeFailure?: { failures: number; error: string } } };
};

describe('the ops port of a service run alone', () => {
  it('answers /healthz, and /readyz with the same checks as the API plus the bus', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect(await readyz()).toMatchObject({ status: 200, body: { status: 'ready', checks: { store: true, writes: true, storeIntact: true, eventLoop: true, bus: true } } });
  });

  it('goes not ready while the store refuses writes and while the bus is down, and ready again after', async () => {
    await expect(rt.store.insert('no_such_table', [{ a: 1 }])).rejects.toMatchObject({ code: expect.stringMatching(/^STORE_/) });
    const failing = await readyz();
    expect(failing.status).toBe(503);
    expect(failing.body.checks.writes).toBe(false);
    expect(failing.body.writeFailure?.failures).toBe(1);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/^oilwire_store_writes_failing 1$/m);

    await rt.store.insert('schema_migrations', [{ version: 999_997, name: 'probe' }]);
    expect((await readyz()).status).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^oilwire_store_writes_failing 0$/m);

    busOk = false;
    expect(await readyz()).toMatchObject({ status: 503, body: { checks: { bus: false, writes: true } } });
    busOk = true;
    expect((await readyz()).status).toBe(200);
  });

  it('serves nothing else: other paths, and other methods on its own paths, are 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/sql?q=SELECT%201' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/readyz', payload: { a: 1 } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
  });
});
