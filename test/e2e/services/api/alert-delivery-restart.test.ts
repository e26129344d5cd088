/**
 * The delivery promise end to end: alerts fire while the receiver is down, the API
 * service is stopped and started again (new process state, store reopened from disk, the
 * bus standing in for a durable broker), the receiver comes back, and every alert arrives
 * exactly once under the webhook-id it was first given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { publishEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, messageKey } from '../../../../shared/contracts/events.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import { migrate } from '../../../../shared/store/migrate.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { alertId, apiConfigSchema, deliveryId, start, type ApiService } from '../../../../services/api/index.ts';
import { impactEvent } from '../../../integration/services/api/fixtures.ts';
import { Receiver, TEST_SECRET, freePort, randomName, waitFor } from '../../../integration/services/api/helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'oilwire-api-restart-'));
const database = randomName();
let store: Store | undefined;
let api: ApiService | undefined;
const bus = new MemoryBus();
const receiver = new Receiver(TEST_SECRET);

afterAll(async () => {
  await api?.stop();
  await receiver.close();
  await bus.close();
  if (store) {
    await store.command(`DROP DATABASE IF EXISTS \`${database}\``);
    await store.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function startApi(port: number): Promise<ApiService> {
  store = await openStore({ path: dataDir, database });
  await migrate(store);
  const config = apiConfigSchema.parse({
    port: 0,
    alerts: {
      groupId: 'restart-test-alerts',
      rules: [{ id: 'mediation-move', kind: 'headline', topics: ['mediation'], minRelevance: 60, minAbsZ: 2, withinMinutes: 15 }],
      webhooks: [{ id: 'desk', url: `http://127.0.0.1:${port}/hook`, secret: TEST_SECRET }],
      // Fast and patient: many quick attempts, so nothing is dead-lettered while the receiver is away.
      delivery: { firstDelaySec: 0.05, factor: 2, maxDelaySec: 0.3, maxAttempts: 100, breakerFailures: 3, breakerHalfOpenSec: 0.05, allowPrivate: ['127.0.0.1'] },
    },
  });
  return start({ bus, store, config, logger: silentLogger, clock: systemClock, metrics: new Registry() });
}

const attemptsOf = async (ids: string[]) => {
  const rows = await store!.query<{ delivery_id: string; n: string }>(
    `SELECT delivery_id, count() AS n FROM ${store!.table('webhook_attempts')} WHERE delivery_id IN {ids:Array(String)} GROUP BY delivery_id`,
    { params: { ids } },
  );
  return new Map(rows.map((r) => [r.delivery_id, Number(r.n)]));
};

describe('webhook delivery across a receiver outage and a service restart', () => {
  it('delivers every alert, each webhook-id accepted exactly once', async () => {
    const port = await freePort();
    const expectedId = (article: number) => deliveryId(alertId('mediation-move', `article-${String(article).padStart(4, '0')}`, 'BRENT'), 'desk');
    const before = [1, 2, 3, 4, 5];
    const after = [6, 7, 8];

    // Receiver down: alerts fire and fail.
    api = await startApi(port);
    await publishEvents(bus, TOPICS.newsImpact, before.map((i) => impactEvent(i)), messageKey.newsImpact);
    const firstIds = before.map(expectedId);
    await waitFor(async () => {
      const counts = await attemptsOf(firstIds);
      return firstIds.every((id) => (counts.get(id) ?? 0) >= 2);
    }, { timeoutMs: 20_000, message: 'every first alert failed twice' });
    expect(receiver.requests).toHaveLength(0);

    // Restart: nothing of the first run but what it persisted.
    await api.stop();
    api = undefined;
    await store!.close();
    store = undefined;
    api = await startApi(port);
    const pending = await store!.query<{ delivery_id: string }>(`SELECT delivery_id FROM ${store!.table('webhook_deliveries')} WHERE status = 'pending' ORDER BY delivery_id`);
    expect(pending.map((p) => p.delivery_id)).toEqual([...firstIds].sort());

    // More alerts while the receiver is still away, and a redelivery of one already queued.
    await publishEvents(bus, TOPICS.newsImpact, [...after.map((i) => impactEvent(i)), impactEvent(2, { version: 3 })], messageKey.newsImpact);
    const laterIds = after.map(expectedId);
    await waitFor(async () => {
      const counts = await attemptsOf(laterIds);
      return laterIds.every((id) => (counts.get(id) ?? 0) >= 1);
    }, { timeoutMs: 20_000, message: 'every later alert failed once' });

    // The receiver comes back on its address.
    await receiver.listen(port);
    const all = [...firstIds, ...laterIds];
    await waitFor(() => all.every((id) => receiver.accepted.has(id)), { timeoutMs: 30_000, message: () => `accepted ${receiver.accepted.size} of ${all.length}` });
    await api.dispatcher.idle();

    expect([...receiver.accepted.keys()].sort()).toEqual([...all].sort());
    expect([...receiver.accepted.values()].every((n) => n === 1)).toBe(true);
    expect(receiver.duplicates).toEqual([]);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    const states = await store!.query<{ status: string; n: string }>(`SELECT status, count() AS n FROM ${store!.table('webhook_deliveries')} GROUP BY status`);
    expect(states.map((s) => [s.status, Number(s.n)])).toEqual([['delivered', all.length]]);
    const [dead] = await store!.query<{ n: string }>(`SELECT count() AS n FROM ${store!.table('webhook_dead_letters')}`);
    expect(Number(dead.n)).toBe(0);
    const [alerts] = await store!.query<{ n: string }>(`SELECT count() AS n FROM ${store!.table('alerts')}`);
    expect(Number(alerts.n)).toBe(all.length);
  }, 120_000);
});
