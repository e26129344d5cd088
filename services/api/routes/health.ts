import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ReadinessCheck } from '../../../shared/runtime/readiness.ts';
import { registerProbeRoutes } from '../../../shared/runtime/probe-routes.ts';
import type { WriteHealth } from '../../../shared/runtime/health.ts';
import type { Store } from '../../../shared/store/port.ts';
import { z } from 'zod';
import { PUBLIC } from './auth.ts';
import { errors, jsonSchema } from './schemas.ts';

export type { ReadinessCheck } from '../../../shared/runtime/readiness.ts';

export interface HealthDeps {
  store: Store;
  registry: Registry;
  checks?: ReadinessCheck;
  /** Outcomes of the process's store writes (default: the process registry the runtime's store reports to). */
  writes?: WriteHealth;
  maxLoopDelayMs?: number;
  /** Window of the event-loop delay measurement (default 5 s). */
  loopWindowMs?: number;
  /** api.publicMetrics: /metrics is documented as public (auth reads the same setting). */
  publicMetrics?: boolean;
}

const readiness = jsonSchema(
  z.looseObject({
    status: z.enum(['ready', 'not ready']),
    checks: z.record(z.string(), z.boolean()).describe('store, writes, storeIntact, eventLoop, and each part of the service that has to start (stream, alerts, webhooks)'),
    eventLoopDelayMs: z.object({ max: z.number(), p99: z.number() }),
    writeFailure: z.object({ since: z.iso.datetime(), failures: z.number(), error: z.string() }).optional().describe('while the last store insert failed'),
    storeDamage: z
      .object({
        since: z.iso.datetime(),
        engineError: z.string(),
        error: z.string(),
        broken: z.array(z.string()),
        repair: z.enum(['running', 'failed', 'operator']),
        note: z.string().optional(),
        attempts: z.number(),
      })
      .optional()
      .describe('while the engine says a data part is damaged (CORRUPTED_DATA and kin): what it said, the parts CHECK TABLE fails, and the repair (docs/reliability.md)'),
  }),
);

const SCHEMAS = {
  healthz: {
    summary: 'liveness: the process answers',
    tags: ['operations'],
    security: [],
    response: { 200: { description: 'alive', ...jsonSchema(z.object({ status: z.literal('ok') })) }, ...errors() },
  },
  readyz: {
    summary: 'readiness: the store answers and takes writes, the event loop is not held up, and every part of the service has started',
    tags: ['operations'],
    security: [],
    response: { 200: { description: 'ready', ...readiness }, 503: { description: 'not ready: the failing checks are false', ...readiness }, ...errors() },
  },
  /** The document is built per app: with api.publicMetrics the route is public (routes/auth.ts `isPublicRoute`), so it says `security: []`. */
  metrics: (publicMetrics: boolean) => ({
    summary: `Prometheus metrics of every service in the process (infra/grafana/oilwire-dashboard.json charts them); ${publicMetrics ? 'public (api.publicMetrics)' : 'a token unless api.publicMetrics'}`,
    tags: ['operations'],
    ...(publicMetrics ? { security: [] } : {}),
    response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } } }, ...errors() },
  }),
};

export function registerHealth(app: FastifyInstance, deps: HealthDeps): void {
  registerProbeRoutes(app, {
    readiness: { store: deps.store, registry: deps.registry, checks: deps.checks, writes: deps.writes, maxLoopDelayMs: deps.maxLoopDelayMs, loopWindowMs: deps.loopWindowMs },
    registry: deps.registry,
    routes: {
      healthz: { ...PUBLIC, schema: SCHEMAS.healthz },
      readyz: { ...PUBLIC, schema: SCHEMAS.readyz },
      metrics: { schema: SCHEMAS.metrics(deps.publicMetrics ?? false) },
    },
  });
}
