/**
 * The ops port of a process that has no API: `oilwire run scorer --kafka ... --ops-port 9464` answers
 * /healthz, /readyz and /metrics, so an orchestrator's probes and Prometheus see a scorer, a
 * correlator or an ingester alone in its process as they see the API (docs/operations.md). It serves
 * nothing else and reads no request body; bind it to a private interface (default 127.0.0.1): like any
 * exporter it has no tokens.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Bus } from '../shared/bus/port.ts';
import { registerProbeRoutes } from '../shared/runtime/probe-routes.ts';
import type { WriteHealth } from '../shared/runtime/health.ts';
import type { Store } from '../shared/store/port.ts';

export interface OpsServerDeps {
  store: Pick<Store, 'ping' | 'damage'>;
  bus: Pick<Bus, 'health'>;
  registry: Registry;
  writes?: WriteHealth;
  /** Window of the event-loop delay measurement (default 5 s). */
  loopWindowMs?: number;
}

/** The app, not listening (tests inject into it; `listenOps` binds it). */
export function buildOpsApp(deps: OpsServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 });
  registerProbeRoutes(app, {
    readiness: { store: deps.store, registry: deps.registry, writes: deps.writes, loopWindowMs: deps.loopWindowMs, checks: () => ({ bus: deps.bus.health?.().ok ?? true }) },
    registry: deps.registry,
  });
  return app;
}

/** Listens on host:port (port 0: any free one) and gives the base URL. */
export async function listenOps(app: FastifyInstance, port: number, host: string): Promise<string> {
  await app.listen({ port, host });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}
