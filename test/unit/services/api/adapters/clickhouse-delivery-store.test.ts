import { describe, expect, it } from 'vitest';
import { ClickHouseDeliveryStore, GroupWriter } from '../../../../../services/api/adapters/clickhouse-delivery-store.ts';
import type { Delivery } from '../../../../../services/api/domain/delivery-state.ts';
import type { Store } from '../../../../../shared/store/port.ts';

/** A scheduler the test steps through by hand, and a write whose completion the test decides. */
function harness(options: { lingerMs?: number; maxItems?: number } = {}) {
  const scheduled: { fn: () => void; ms: number }[] = [];
  const writes: { items: number[]; done: (err?: Error) => void }[] = [];
  const writer = new GroupWriter<number>(
    (items) =>
      new Promise<void>((resolve, reject) => {
        writes.push({ items, done: (err) => (err ? reject(err) : resolve()) });
      }),
    { ...options, schedule: (fn, ms) => scheduled.push({ fn, ms }) },
  );
  const settled: string[] = [];
  const add = (label: string, items: number[], urgent = false) =>
    writer.add(items, urgent).then(
      () => void settled.push(`${label} ok`),
      (err: Error) => void settled.push(`${label} ${err.message}`),
    );
  /** Runs what is scheduled now (not what those runs schedule). */
  const tick = () => {
    for (const s of scheduled.splice(0)) s.fn();
  };
  const flushPromises = () => new Promise<void>((r) => setImmediate(r));
  return { writer, scheduled, writes, settled, add, tick, flushPromises };
}

describe('GroupWriter (group commit of delivery state)', () => {
  it('writes what is added in one turn as one write, and resolves each caller only after it', async () => {
    const h = harness();
    const a = h.add('a', [1, 2]);
    const b = h.add('b', [3]);
    expect(h.scheduled.map((s) => s.ms)).toEqual([0]);
    expect(h.writes).toHaveLength(0);
    h.tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1, 2, 3]]);
    await h.flushPromises();
    expect(h.settled).toEqual([]);
    h.writes[0].done();
    await Promise.all([a, b]);
    expect(h.settled).toEqual(['a ok', 'b ok']);
  });

  it('with a linger, the first item waits that long for others; items added meanwhile join its write', async () => {
    const h = harness({ lingerMs: 20 });
    const a = h.add('a', [1]);
    const b = h.add('b', [2]);
    const c = h.add('c', [3]);
    expect(h.scheduled.map((s) => s.ms)).toEqual([20]);
    h.tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1, 2, 3]]);
    h.writes[0].done();
    await Promise.all([a, b, c]);
    expect(h.settled).toEqual(['a ok', 'b ok', 'c ok']);
    expect(h.scheduled).toHaveLength(0);
  });

  it('a group that reaches maxItems is written on the next turn, and the linger timer it replaced writes nothing', async () => {
    const h = harness({ lingerMs: 20, maxItems: 3 });
    void h.add('a', [1]);
    void h.add('b', [2, 3]);
    expect(h.scheduled.map((s) => s.ms)).toEqual([20, 0]);
    h.tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1, 2, 3]]);
    h.writes[0].done();
    await h.flushPromises();
    expect(h.writes).toHaveLength(1);
    expect(h.settled).toEqual(['a ok', 'b ok']);
  });

  it('an urgent item is written on the next turn with what lingered before it, also when it came during a write', async () => {
    const h = harness({ lingerMs: 20 });
    void h.add('a', [1]);
    void h.add('b', [2], true);
    expect(h.scheduled.map((s) => s.ms)).toEqual([20, 0]);
    h.tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1, 2]]);
    void h.add('c', [3], true);
    void h.add('d', [4]);
    h.writes[0].done();
    await h.flushPromises();
    expect(h.settled).toEqual(['a ok', 'b ok']);
    // The next group holds an urgent item: no linger for it.
    expect(h.scheduled.map((s) => s.ms)).toEqual([0]);
    h.tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1, 2], [3, 4]]);
    h.writes[1].done();
    await h.flushPromises();
    // Written without one: the group after it lingers again.
    void h.add('e', [5]);
    expect(h.scheduled.map((s) => s.ms)).toEqual([20]);
  });

  it('items added while a write runs wait for it, then go together in the next write', async () => {
    const h = harness({ lingerMs: 20 });
    void h.add('a', [1]);
    h.tick();
    expect(h.writes).toHaveLength(1);
    void h.add('b', [2]);
    void h.add('c', [3]);
    expect(h.scheduled).toHaveLength(0);
    h.writes[0].done();
    await h.flushPromises();
    expect(h.settled).toEqual(['a ok']);
    expect(h.scheduled.map((s) => s.ms)).toEqual([20]);
    h.tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1], [2, 3]]);
    h.writes[1].done();
    await h.flushPromises();
    expect(h.settled).toEqual(['a ok', 'b ok', 'c ok']);
  });

  it('a failed write fails every caller of its group and no other; the next group is written', async () => {
    const h = harness();
    void h.add('a', [1]);
    void h.add('b', [2]);
    h.tick();
    void h.add('c', [3]);
    h.writes[0].done(new Error('store down'));
    await h.flushPromises();
    expect(h.settled).toEqual(['a store down', 'b store down']);
    h.tick();
    expect(h.writes.map((w) => w.items)).toEqual([[1, 2], [3]]);
    h.writes[1].done();
    await h.flushPromises();
    expect(h.settled).toEqual(['a store down', 'b store down', 'c ok']);
  });
});

describe('ClickHouseDeliveryStore connections', () => {
  /** A store that records which statements reach it (the table, or the statement's first words). */
  function recording(name: string, log: string[]): Store {
    return {
      table: (t: string) => `db.${t}`,
      insert: async (table: string, rows: unknown[]) => void log.push(`${name} insert ${table} ${rows.length}`),
      query: async (sql: string) => {
        log.push(`${name} ${sql.trim().split(/\s+/).slice(0, 4).join(' ')}`);
        return [];
      },
    } as unknown as Store;
  }
  const delivery = (id: string): Delivery => ({
    deliveryId: id, endpointId: 'e', alertId: 'a', eventType: 'alert.headline', payload: '{}', status: 'pending', attempts: 0,
    nextAttemptAt: 1, lastStatus: 0, lastError: '', createdAt: 1, updatedAt: 1, deliveredAt: null, revision: 0,
  });

  it('runs the enqueue path (existing, save) and the outcome inserts each on the connection given for it, and reads the rest on the main one', async () => {
    const log: string[] = [];
    const deliveries = new ClickHouseDeliveryStore(recording('main', log), { connections: { enqueue: recording('enqueue', log), outcomes: recording('outcomes', log) } });
    await deliveries.existing(['d1']);
    await deliveries.save([delivery('d1')]);
    await deliveries.recordOutcome(
      { deliveryId: 'd1', endpointId: 'e', attempt: 1, startedAt: 1, durationMs: 1, outcome: 'success', status: 204, error: '', nextAttemptAt: null },
      { ...delivery('d1'), status: 'delivered', attempts: 1, deliveredAt: 2, revision: 1 },
      true,
    );
    await deliveries.pending();
    expect(log).toEqual([
      'enqueue SELECT DISTINCT delivery_id FROM',
      'enqueue insert db.webhook_deliveries_store 1',
      'outcomes insert db.webhook_attempts_store 1',
      'outcomes insert db.webhook_deliveries_store 1',
      'main SELECT delivery_id, endpoint_id, alert_id,',
    ]);
  });

  it('without connections, everything runs on the one store', async () => {
    const log: string[] = [];
    const deliveries = new ClickHouseDeliveryStore(recording('main', log));
    await deliveries.existing(['d1']);
    await deliveries.save([delivery('d1')]);
    expect(log).toEqual(['main SELECT DISTINCT delivery_id FROM', 'main insert db.webhook_deliveries_store 1']);
  });
});
