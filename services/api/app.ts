import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { AppError } from '../../shared/errors.ts';
import { systemClock, type Clock } from '../../shared/runtime/clock.ts';
import type { Logger } from '../../shared/runtime/logger.ts';
import type { Store } from '../../shared/store/port.ts';
import { openSqlRunner, type SqlRunner } from './adapters/sql-runner.ts';
import type { Dispatcher } from './alerts/dispatcher.ts';
import { apiConfigSchema, type ApiConfig } from './config.ts';
import { apiMetrics } from './metrics.ts';
import { adminOnly, registerAuth } from './routes/auth.ts';
import { registerDashboard, type PriceSourcesProvider } from './routes/dashboard.ts';
import { registerOpenApi } from './routes/openapi.ts';
import { sendError, toAppError } from './routes/errors.ts';
import { registerHealth, type ReadinessCheck } from './routes/health.ts';
import { hostOriginGuard } from './routes/host-origin-guard.ts';
import { registerSql } from './routes/sql.ts';
import { registerStream } from './routes/stream.ts';
import { registerWebhooks } from './routes/webhooks.ts';
import type { StreamHub } from './stream/hub.ts';

export interface ApiDeps {
  store: Store;
  config: ApiConfig;
  logger: Logger;
  clock?: Clock;
  /** The process registry (deps.metrics); a private one by default. */
  registry?: Registry;
  /** Analyst query runner; opened on first use (and closed with the app) when not given. */
  sqlRunner?: SqlRunner;
  hub?: StreamHub;
  dispatcher?: Dispatcher;
  readiness?: ReadinessCheck;
  /** Status of the price sources running in this process (the dashboard's source panel); absent: read from the store. */
  priceSources?: PriceSourcesProvider;
}

/** Built apart from `listen` so tests drive it with `inject`. */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const config = apiConfigSchema.parse(deps.config);
  const clock = deps.clock ?? systemClock;
  const registry = deps.registry ?? new Registry();
  const metrics = apiMetrics(registry);
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger.child({ service: 'api' }) as FastifyBaseLogger,
    // Requests are logged once, at debug, by the onResponse hook below (the dashboard polls).
    logController: new LogController({ disableRequestLogging: true }),
    // Long-lived stream responses must not hold a shutdown open.
    forceCloseConnections: true,
    bodyLimit: 1_000_000,
  });
  // Response schemas are documentation (routes/schemas.ts): bodies go out as JSON.stringify writes them, as
  // with no schema, instead of through fast-json-stringify, which drops every field a schema does not list.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  let runner: Promise<SqlRunner> | undefined = deps.sqlRunner ? Promise.resolve(deps.sqlRunner) : undefined;
  const ownsRunner = !deps.sqlRunner;
  const getRunner = () => {
    runner ??= openSqlRunner(deps.store, config.sql.connections);
    runner.catch(() => (runner = undefined));
    return runner;
  };
  app.addHook('onClose', async () => {
    if (ownsRunner && runner) await (await runner.catch(() => undefined))?.close();
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ route, method: req.method, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) req.log.warn({ method: req.method, url: req.url, status: reply.statusCode }, 'request failed');
    else req.log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });
  app.setErrorHandler((err, _req, reply) => {
    const e = toAppError(err);
    if (e.code === 'INTERNAL') reply.log.error({ err }, 'unhandled error');
    return sendError(reply, e);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, new AppError('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));

  // Host, Origin and body type before anything else: a page on another site gets no further (routes/host-origin-guard.ts).
  await app.register(hostOriginGuard, { publicHosts: config.publicHosts, allowedOrigins: config.allowedOrigins });
  // Before every route: the OpenAPI description is built from the routes as they are added.
  await registerOpenApi(app);
  registerAuth(app, { config, clock, metrics });
  registerHealth(app, { store: deps.store, registry, checks: deps.readiness, publicMetrics: config.publicMetrics });
  registerSql(app, { runner: getRunner, config, metrics });
  registerStream(app, { hub: deps.hub, store: deps.store, config, metrics, logger: deps.logger });
  registerDashboard(app, { store: deps.store, config, clock, priceSources: deps.priceSources });
  await app.register(async (admin) => {
    adminOnly(admin);
    registerWebhooks(admin, { dispatcher: deps.dispatcher });
  });
  return app;
}
