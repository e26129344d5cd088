import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ClickHouseDeliveryStore } from '../../../../services/api/adapters/clickhouse-delivery-store.ts';
import { HttpWebhookSender } from '../../../../services/api/adapters/http-webhook-sender.ts';
import { Dispatcher, deliveryId } from '../../../../services/api/alerts/dispatcher.ts';
import { apiConfigSchema, type WebhookConfig } from '../../../../services/api/config.ts';
import { AddressPolicy } from '../../../../shared/net/address-policy.ts';
import type { Alert } from '../../../../services/api/domain/alert-rules.ts';
import { apiMetrics } from '../../../../services/api/metrics.ts';
import { Receiver, TEST_SECRET, dropTestStore, openTestStore, randomName, waitFor } from './helpers.ts';

let store: Store;
const receivers: Receiver[] = [];
const dispatchers: Dispatcher[] = [];

beforeAll(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  for (const d of dispatchers.splice(0)) await d.stop();
  for (const r of receivers.splice(0)) await r.close();
});
afterAll(async () => {
  await dropTestStore(store);
});

/** Fast schedule for tests: 50 ms, doubling, capped at 200 ms, no jitter. */
const FAST = { firstDelaySec: 0.05, factor: 2, maxDelaySec: 0.2, jitter: 0, maxAttempts: 5, breakerFailures: 100, breakerHalfOpenSec: 0.2, allowPrivate: ['127.0.0.1'] };

async function receiver(): Promise<Receiver> {
  const r = new Receiver(TEST_SECRET);
  await r.listen();
  receivers.push(r);
  return r;
}

async function dispatcher(endpoints: Partial<WebhookConfig>[], delivery: Record<string, unknown> = {}, registry = new Registry()) {
  const config = apiConfigSchema.parse({
    alerts: { webhooks: endpoints.map((e, i) => ({ id: `ep${i}-${randomName('x')}`, secret: TEST_SECRET, ...e })), delivery: { ...FAST, ...delivery } },
  });
  const d = new Dispatcher({
    store: new ClickHouseDeliveryStore(store),
    sender: new HttpWebhookSender(new AddressPolicy(config.alerts.delivery.allowPrivate)),
    endpoints: config.alerts.webhooks,
    config: config.alerts.delivery,
    clock: systemClock,
    logger: silentLogger,
    metrics: apiMetrics(registry),
  });
  await d.start();
  dispatchers.push(d);
  return { d, endpoints: config.alerts.webhooks, registry };
}

let n = 0;
function alert(over: Partial<Alert> = {}): Alert {
  n++;
  return { alertId: `alr_${randomName('t')}_${n}`, ruleId: 'mediation-move', kind: 'headline', symbol: 'BRENT', eventTs: Date.now() - 60_000, firedAt: Date.now(), articleId: `a${n}`, title: `alert ${n}`, data: { z: 3.2 }, ...over };
}

async function delivery(id: string) {
  const [row] = await store.query<Record<string, unknown>>(
    `SELECT *, toUnixTimestamp64Milli(next_attempt_at) AS next_ms, toUnixTimestamp64Milli(updated_at) AS updated_ms FROM ${store.table('webhook_deliveries')} WHERE delivery_id = {id:String}`,
    { params: { id } },
  );
  return row;
}

describe('webhook delivery', () => {
  it('sends signed requests the standardwebhooks verifier accepts, with the spec headers', async () => {
    const r = await receiver();
    const { d, endpoints } = await dispatcher([{ url: r.url }]);
    const a = alert();
    await d.enqueue([a]);
    await waitFor(() => r.accepted.size === 1);
    const req = r.requests[0];
    expect(req.verified).toBe(true);
    expect(req.id).toBe(deliveryId(a.alertId, endpoints[0].id));
    expect(req.headers['content-type']).toBe('application/json');
    expect(Number(req.timestamp)).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(req.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(req.body)).toMatchObject({ type: 'alert.headline', data: { alert_id: a.alertId, rule_id: 'mediation-move', symbol: 'BRENT', z: 3.2 } });
    await waitFor(async () => (await delivery(req.id))?.status === 'delivered');
    expect(await delivery(req.id)).toMatchObject({ status: 'delivered', attempts: 1, last_status: 204 });
  });

  it('retries failures with the same webhook-id, re-signed each time, until accepted', async () => {
    const r = await receiver();
    r.respond = (_req, i) => (i < 2 ? { status: 503 } : { status: 200 });
    const { d } = await dispatcher([{ url: r.url }]);
    await d.enqueue([alert()]);
    await waitFor(() => r.accepted.size === 1, { timeoutMs: 10_000 });
    expect(r.requests.map((x) => x.status)).toEqual([503, 503, 200]);
    expect(new Set(r.requests.map((x) => x.id)).size).toBe(1);
    expect(r.requests.every((x) => x.verified)).toBe(true);
    const id = r.requests[0].id;
    await waitFor(async () => (await delivery(id))?.status === 'delivered');
    const attempts = await store.query<{ attempt: number; outcome: string; status: number }>(
      `SELECT attempt, outcome, status FROM ${store.table('webhook_attempts')} WHERE delivery_id = {id:String} ORDER BY attempt`,
      { params: { id } },
    );
    expect(attempts).toEqual([
      { attempt: 1, outcome: 'http', status: 503 },
      { attempt: 2, outcome: 'http', status: 503 },
      { attempt: 3, outcome: 'success', status: 200 },
    ]);
  });

  it('honours Retry-After: the next attempt is scheduled no earlier than the receiver asked', async () => {
    const r = await receiver();
    r.respond = () => ({ status: 429, headers: { 'retry-after': '3600' } });
    const { d } = await dispatcher([{ url: r.url }]);
    await d.enqueue([alert()]);
    await waitFor(() => r.requests.length === 1);
    const id = r.requests[0].id;
    const row = await waitFor(async () => {
      const x = await delivery(id);
      return Number(x?.attempts) === 1 && x;
    });
    expect(row.status).toBe('pending');
    expect(Number(row.next_ms) - Number(row.updated_ms)).toBeGreaterThanOrEqual(3_600_000);
    expect(d.pendingCount).toBe(1);
  });

  it('dead-letters after the last attempt', async () => {
    const r = await receiver();
    r.respond = () => ({ status: 500 });
    const { d } = await dispatcher([{ url: r.url }], { maxAttempts: 3 });
    await d.enqueue([alert()]);
    await waitFor(() => r.requests.length === 3);
    const id = r.requests[0].id;
    const [dead] = await waitFor(() =>
      store.query<Record<string, unknown>>(`SELECT * FROM ${store.table('webhook_dead_letters')} WHERE delivery_id = {id:String}`, { params: { id } }).then((rows) => rows.length > 0 && rows),
    );
    expect(dead).toMatchObject({ attempts: 3, last_status: 500 });
    expect(String(dead.reason)).toMatch(/no success after 3 attempts/);
    expect(JSON.parse(String(dead.payload)).type).toBe('alert.headline');
    expect((await delivery(id)).status).toBe('dead');
    await d.idle();
  });

  it('410 Gone disables the endpoint: later alerts are dead-lettered without a request, until it is enabled again', async () => {
    const r = await receiver();
    r.respond = () => ({ status: 410 });
    const { d, endpoints } = await dispatcher([{ url: r.url }]);
    await d.enqueue([alert()]);
    await waitFor(() => d.endpointState()[0].disabled !== null);
    expect(r.requests).toHaveLength(1);
    const [state] = await store.query<{ disabled: number }>(`SELECT disabled FROM ${store.table('webhook_endpoints')} WHERE endpoint_id = {id:String}`, { params: { id: endpoints[0].id } });
    expect(state.disabled).toBe(1);
    const later = alert();
    await d.enqueue([later]);
    const laterId = deliveryId(later.alertId, endpoints[0].id);
    expect((await delivery(laterId)).status).toBe('dead');
    expect(r.requests).toHaveLength(1);

    // The disabled state survives a restart of the dispatcher.
    await d.stop();
    const again = new Dispatcher({
      store: new ClickHouseDeliveryStore(store),
      sender: new HttpWebhookSender(new AddressPolicy(['127.0.0.1'])),
      endpoints,
      config: apiConfigSchema.parse({ alerts: { delivery: FAST } }).alerts.delivery,
      clock: systemClock,
      logger: silentLogger,
      metrics: apiMetrics(new Registry()),
    });
    dispatchers.push(again);
    await again.start();
    expect(again.endpointState()[0].disabled).toMatch(/410/);

    r.respond = () => ({ status: 204 });
    await again.enableEndpoint(endpoints[0].id);
    await again.enqueue([alert()]);
    await waitFor(() => r.accepted.size === 1);
  });

  it('refuses loopback and private targets unless allowlisted, before any request', async () => {
    const r = await receiver();
    const { d, endpoints } = await dispatcher([{ url: r.url }, { url: `http://localhost:${r.port}/hook` }], { allowPrivate: [] });
    const a = alert();
    await d.enqueue([a]);
    await waitFor(async () => (await delivery(deliveryId(a.alertId, endpoints[1].id)))?.status === 'dead');
    await waitFor(async () => (await delivery(deliveryId(a.alertId, endpoints[0].id)))?.status === 'dead');
    const literal = await delivery(deliveryId(a.alertId, endpoints[0].id));
    const named = await delivery(deliveryId(a.alertId, endpoints[1].id));
    expect(String(literal.last_error)).toMatch(/127\.0\.0\.1 is loopback/);
    expect(String(named.last_error)).toMatch(/localhost resolves to .* is loopback/);
    expect(r.requests).toHaveLength(0);
  });

  it('opens the circuit after consecutive failures: deliveries wait without spending attempts or calling the receiver', async () => {
    const r = await receiver();
    r.respond = () => ({ status: 503 });
    const registry = new Registry();
    const { d } = await dispatcher([{ url: r.url }], { breakerFailures: 2, breakerHalfOpenSec: 3600, maxAttempts: 50, concurrency: 1 }, registry);
    await d.enqueue([alert(), alert(), alert()]);
    await waitFor(async () => /oilwire_webhook_circuit_open\{endpoint="[^"]+"\} 1/.test(await registry.metrics()));
    await waitFor(async () => /outcome="circuit_open"\} [1-9]/.test(await registry.metrics()));
    expect(r.requests).toHaveLength(2);
    expect(d.endpointState()[0].circuit).toBe('open');
    expect(d.pendingCount).toBe(3);
  });

  it('a burst goes out many at a time within `concurrency`, each webhook-id once, and a restarted dispatcher sends none of them again', async () => {
    // A receiver that holds each request a moment, so requests overlap and the most out at once can be seen.
    let out = 0;
    let most = 0;
    const seen = new Map<string, number>();
    const server = http.createServer((req, res) => {
      out++;
      most = Math.max(most, out);
      const id = String(req.headers['webhook-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          out--;
          res.writeHead(204).end();
        }, 5),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const config = apiConfigSchema.parse({ alerts: { webhooks: [{ id: randomName('burst'), url, secret: TEST_SECRET }], delivery: { ...FAST, concurrency: 6 } } });
      const make = () =>
        new Dispatcher({
          store: new ClickHouseDeliveryStore(store),
          sender: new HttpWebhookSender(new AddressPolicy(config.alerts.delivery.allowPrivate)),
          endpoints: config.alerts.webhooks,
          config: config.alerts.delivery,
          clock: systemClock,
          logger: silentLogger,
          metrics: apiMetrics(new Registry()),
        });
      const alerts = Array.from({ length: 120 }, () => alert());
      const first = make();
      await first.start();
      await first.enqueue(alerts.slice(0, 60));
      await first.enqueue(alerts.slice(60));
      await first.idle();
      await first.stop();
      expect(seen.size).toBe(120);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(6);

      const second = make();
      dispatchers.push(second);
      await second.start();
      expect(second.pendingCount).toBe(0);
      expect(await second.enqueue(alerts)).toHaveLength(0);
      await second.idle();
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      const [row] = await store.query<{ n: string }>(
        `SELECT count() AS n FROM ${store.table('webhook_deliveries')} WHERE delivery_id IN {ids:Array(String)} AND status = 'delivered'`,
        { params: { ids: alerts.map((a) => deliveryId(a.alertId, config.alerts.webhooks[0].id)) } },
      );
      expect(Number(row.n)).toBe(120);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('an outcome is written without waiting for company only when no other request is out or ready to go', async () => {
    const r = await receiver();
    r.respond = (req, n) => ({ status: req.id === failing && n === 0 ? 503 : 204 });
    // The real store, recording what the dispatcher tells it about each outcome.
    const told: boolean[] = [];
    class Recording extends ClickHouseDeliveryStore {
      override recordOutcome(...args: Parameters<ClickHouseDeliveryStore['recordOutcome']>) {
        told.push(args[2] ?? false);
        return super.recordOutcome(...args);
      }
    }
    const config = apiConfigSchema.parse({ alerts: { webhooks: [{ id: randomName('alone'), url: r.url, secret: TEST_SECRET }], delivery: { ...FAST, concurrency: 1 } } });
    const d = new Dispatcher({
      store: new Recording(store),
      sender: new HttpWebhookSender(new AddressPolicy(config.alerts.delivery.allowPrivate)),
      endpoints: config.alerts.webhooks,
      config: config.alerts.delivery,
      clock: systemClock,
      logger: silentLogger,
      metrics: apiMetrics(new Registry()),
    });
    dispatchers.push(d);
    await d.start();
    const alerts = [alert(), alert(), alert()];
    const failing = deliveryId(alerts[2].alertId, config.alerts.webhooks[0].id);
    await d.enqueue(alerts);
    await d.idle();
    // One at a time: the first two answers leave others ready; the third (a 503, retried later) and its retry leave none.
    expect(told).toEqual([false, false, true, true]);
    expect(r.accepted.size).toBe(3);
  });

  it('enqueuing the same alert twice makes one delivery', async () => {
    const r = await receiver();
    const { d } = await dispatcher([{ url: r.url }]);
    const a = alert();
    const first = await d.enqueue([a]);
    await waitFor(() => r.accepted.size === 1);
    await d.idle();
    const second = await d.enqueue([a, a]);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(0);
    expect(r.requests).toHaveLength(1);
  });

  it('the same alert enqueued by two calls at once makes one delivery: the second call runs after the first', async () => {
    const r = await receiver();
    const { d } = await dispatcher([{ url: r.url }]);
    const a = alert();
    const [one, two] = await Promise.all([d.enqueue([a]), d.enqueue([a])]);
    await d.idle();
    expect(one.length + two.length).toBe(1);
    expect(r.requests).toHaveLength(1);
    expect(r.accepted.size).toBe(1);
  });

  it('a delivery stored with only its first row and not queued (its outcome write failed) is sent when its alert comes again, under its webhook-id', async () => {
    const r = await receiver();
    const { d, endpoints } = await dispatcher([{ url: r.url }]);
    const a = alert();
    const id = deliveryId(a.alertId, endpoints[0].id);
    // As enqueue saved it; the dispatcher that queued it has gone, so no one else sends it before a restart.
    await new ClickHouseDeliveryStore(store).save([
      { deliveryId: id, endpointId: endpoints[0].id, alertId: a.alertId, eventType: 'alert.headline', payload: '{}', status: 'pending', attempts: 0, nextAttemptAt: Date.now(), lastStatus: 0, lastError: '', createdAt: a.firedAt, updatedAt: Date.now(), deliveredAt: null, revision: 0 },
    ]);
    expect(await d.enqueue([a])).toHaveLength(1);
    await d.idle();
    expect([...r.accepted.keys()]).toEqual([id]);
    expect(await d.enqueue([a])).toHaveLength(0);
    expect(r.requests).toHaveLength(1);
  });
});
