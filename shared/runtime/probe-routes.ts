/**
 * The probe routes every serving process answers the same way: /healthz (the process answers),
 * /readyz (a ReadinessProbe's verdict, 503 when not ready) and /metrics (the Prometheus registry,
 * with the readiness gauges refreshed first). The API registers them with its schemas and auth
 * marks; the ops port of a service run alone registers them bare.
 */
import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import type { Registry } from 'prom-client';
import { ReadinessProbe, type ReadinessProbeOptions } from './readiness.ts';

export interface ProbeRoutesOptions {
  readiness: ReadinessProbeOptions;
  registry: Registry;
  /** Options of each route (its schema, the API's public mark); none by default. */
  routes?: Partial<Record<'healthz' | 'readyz' | 'metrics', RouteShorthandOptions>>;
}

/** Registers the three routes on `app`; the probe's loop monitor stops when the app closes. */
export function registerProbeRoutes(app: FastifyInstance, options: ProbeRoutesOptions): void {
  const probe = new ReadinessProbe(options.readiness);
  const route = options.routes ?? {};
  app.addHook('onClose', async () => probe.stop());
  app.get('/healthz', route.healthz ?? {}, async () => ({ status: 'ok' }));
  app.get('/readyz', route.readyz ?? {}, async (_req, reply) => {
    const { ready, body } = await probe.check();
    return reply.code(ready ? 200 : 503).send(body);
  });
  app.get('/metrics', route.metrics ?? {}, async (_req, reply) => {
    probe.refreshMetrics();
    return reply.type(options.registry.contentType).send(await options.registry.metrics());
  });
}
