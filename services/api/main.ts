import { randomBytes } from 'node:crypto';
import type { Subscription } from '../../shared/bus/port.ts';
import { AppError } from '../../shared/errors.ts';
import { AddressPolicy } from '../../shared/net/address-policy.ts';
import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import { ClickHouseDeliveryStore } from './adapters/clickhouse-delivery-store.ts';
import { HttpWebhookSender } from './adapters/http-webhook-sender.ts';
import { openSqlRunner, runnerOptions } from './adapters/sql-runner.ts';
import { AlertService } from './alerts/alert-service.ts';
import { Dispatcher } from './alerts/dispatcher.ts';
import type { WebhookSender } from './ports.ts';
import { buildApp } from './app.ts';
import type { PriceSourcesProvider } from './routes/dashboard.ts';
import { apiConfigSchema, type ApiConfig } from './config.ts';
import { apiMetrics } from './metrics.ts';
import { alertStreamPayload, streamKey, StreamHub } from './stream/hub.ts';
import { startLiveFeed } from './stream/live-feed.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface ApiService extends RunningService {
  url: string;
  port: number;
  dispatcher: Dispatcher;
  hub: StreamHub;
}

/**
 * The delivery service: HTTP API (SQL, live stream, metrics, dashboard), alert rules and
 * the webhook outbox. `sender` replaces the HTTP sender (tests only).
 */
export async function start(deps: ServiceDeps<ApiConfig>, options: { sender?: WebhookSender; priceSources?: PriceSourcesProvider } = {}): Promise<ApiService> {
  const config = apiConfigSchema.parse(deps.config);
  const { bus, store, clock, logger } = deps;
  const log = logger.child({ service: 'api' });
  if (config.tokens.length === 0 && !LOOPBACK.has(config.host)) {
    throw new AppError('CONFIG_INVALID', `api.host is ${config.host} but no api.tokens are configured: without tokens the API only binds 127.0.0.1`);
  }
  let policy: AddressPolicy;
  try {
    policy = new AddressPolicy(config.alerts.delivery.allowPrivate, 'api.alerts.delivery.allowPrivate');
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `api.alerts.delivery.allowPrivate: ${(err as Error).message}`);
  }
  const metrics = apiMetrics(deps.metrics);
  const instance = randomBytes(4).toString('hex');
  const hub = new StreamHub(config.stream.bufferSize, instance, () => clock.now());
  // Server mode: the analyst user is created or updated here as by `oilwire migrate` (docs/api.md, "Server mode").
  const sqlRunner = await openSqlRunner(
    store,
    config.sql.connections,
    runnerOptions(config.sql, (r) => (r.applied ? log.info({ user: config.sql.analystUser }, 'analyst user up to date') : log.warn({ user: config.sql.analystUser, statements: r.statements }, r.reason))),
  );
  // The outbox's two write paths on connections of their own (see ClickHouseDeliveryStore); on a server they share the client.
  const deliveryConnections = { enqueue: await store.isolated(), outcomes: await store.isolated() };
  const deliveryStore = new ClickHouseDeliveryStore(store, { connections: deliveryConnections });
  const dispatcher = new Dispatcher({
    store: deliveryStore,
    sender: options.sender ?? new HttpWebhookSender(policy, undefined, config.alerts.delivery.concurrency),
    endpoints: config.alerts.webhooks,
    config: config.alerts.delivery,
    clock,
    logger: log,
    metrics,
  });
  const alerts = new AlertService({
    bus,
    store,
    deliveryStore,
    dispatcher,
    config: config.alerts,
    clock,
    logger: log,
    metrics,
    onAlert: (a) => {
      const payload = alertStreamPayload(a);
      hub.publish('alert', streamKey.alert(payload), payload);
    },
  });

  let live: Subscription | undefined;
  const cleanup = async () => {
    await live?.close();
    await alerts.stop();
    await dispatcher.stop();
    await sqlRunner.close();
    await deliveryConnections.enqueue.close();
    await deliveryConnections.outcomes.close();
  };
  try {
    live = await startLiveFeed({ bus, hub, clock, logger: log, metrics, instance });
    await dispatcher.start();
    if (config.alerts.enabled) await alerts.start();
  } catch (err) {
    await cleanup();
    throw err;
  }

  const app = await buildApp({
    store,
    config,
    logger,
    clock,
    registry: deps.metrics,
    sqlRunner,
    hub,
    dispatcher,
    priceSources: options.priceSources,
    readiness: () => ({ bus: bus.health?.().ok ?? true, stream: live !== undefined, alerts: !config.alerts.enabled || alerts.ready, webhooks: dispatcher.ready }),
  });
  let url: string;
  try {
    url = await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close();
    await cleanup();
    throw err;
  }
  const port = (app.server.address() as { port: number }).port;
  log.info({ url, tokens: config.tokens.length, rules: config.alerts.rules.length, webhooks: config.alerts.webhooks.length }, 'api listening');
  let stopped = false;
  return {
    name: 'api',
    url,
    port,
    dispatcher,
    hub,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await cleanup();
      log.info('api stopped');
    },
  };
}
