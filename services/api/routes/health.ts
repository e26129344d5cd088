import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Store } from '../../../shared/store/port.ts';

export type ReadinessCheck = () => Record<string, boolean>;

export function registerHealth(app: FastifyInstance, deps: { store: Store; registry: Registry; checks?: ReadinessCheck }): void {
  /** Liveness: the process answers. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Readiness: the store answers and every part of the service has started. */
  app.get('/readyz', async (_req, reply) => {
    const checks = { store: await deps.store.ping(), ...(deps.checks?.() ?? {}) };
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_req, reply) => reply.type(deps.registry.contentType).send(await deps.registry.metrics()));
}
