import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { EventLoopMonitor } from '../../../shared/runtime/event-loop.ts';
import { processWriteHealth, type WriteHealth } from '../../../shared/runtime/health.ts';
import type { Store } from '../../../shared/store/port.ts';
import { z } from 'zod';
import { PUBLIC } from './auth.ts';
import { errors, jsonSchema } from './schemas.ts';
import { toIso } from '../../../shared/contracts/time.ts';

export type ReadinessCheck = () => Record<string, boolean>;

/** A loop held this long within the last window is not ready: every request and every consumer waits behind it. */
export const READY_MAX_LOOP_DELAY_MS = 1000;

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
  const writes = deps.writes ?? processWriteHealth;
  const maxLoopDelayMs = deps.maxLoopDelayMs ?? READY_MAX_LOOP_DELAY_MS;
  const loop = new EventLoopMonitor({ registry: deps.registry, windowMs: deps.loopWindowMs });
  app.addHook('onClose', async () => loop.stop());
  const writesFailing =
    (deps.registry.getSingleMetric('oilwire_store_writes_failing') as Gauge | undefined) ??
    new Gauge({ name: 'oilwire_store_writes_failing', help: '1 while the last store insert failed (full disk, read-only store, ...)', registers: [deps.registry] });

  /** Liveness: the process answers. */
  app.get('/healthz', { ...PUBLIC, schema: SCHEMAS.healthz }, async () => ({ status: 'ok' }));

  /** Readiness: the store answers and takes writes, the event loop is not held up, and every part of the service has started. */
  app.get('/readyz', { ...PUBLIC, schema: SCHEMAS.readyz }, async (_req, reply) => {
    const failure = writes.failing();
    writesFailing.set(failure ? 1 : 0);
    const damage = deps.store.damage?.();
    const delay = loop.delay();
    const checks = {
      store: await deps.store.ping(),
      writes: failure === undefined,
      storeIntact: damage === undefined,
      eventLoop: delay.maxMs <= maxLoopDelayMs,
      ...(deps.checks?.() ?? {}),
    };
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      checks,
      eventLoopDelayMs: { max: Math.round(delay.maxMs), p99: Math.round(delay.p99Ms) },
      ...(failure ? { writeFailure: { since: toIso(failure.since), failures: failure.failures, error: failure.error } } : {}),
      ...(damage ? { storeDamage: { ...damage, since: toIso(damage.since) } } : {}),
    });
  });

  app.get('/metrics', { schema: SCHEMAS.metrics(deps.publicMetrics ?? false) }, async (_req, reply) => {
    writesFailing.set(writes.failing() ? 1 : 0);
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
}
