import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { partitionForKey, type IncomingMessage } from '../../../../shared/bus/port.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

/** The in-process bus's own edge cases: rebalances around in-flight work, backoff, copies. The shared behaviour is in the conformance suite. */
describe('MemoryBus', () => {
  const buses: MemoryBus[] = [];
  const open = (options: ConstructorParameters<typeof MemoryBus>[0] = {}) => {
    const bus = new MemoryBus(options);
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  function gate() {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  }

  it('acks a batch that finishes while a rebalance waits for it: the group does not see it twice', async () => {
    const bus = open();
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    await bus.publish('t', ['a', 'b', 'c'].map((v) => ({ key: 'k', value: v })));
    const first = gate();
    let calls = 0;
    const handled: string[] = [];
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async (batch) => {
        if (calls++ === 0) await first.opened;
        handled.push(...batch.map((m) => m.value.toString()));
      },
    });
    await waitFor(() => calls === 1, { message: 'first batch in flight' });
    const joining = bus.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void handled.push(...batch.map((m) => m.value.toString())) });
    first.open();
    await joining;
    await bus.publish('t', [{ key: 'k', value: 'd' }]);
    await waitFor(() => handled.includes('d'), { message: 'the message after the rebalance' });
    expect(handled).toEqual(['a', 'b', 'c', 'd']);
  });

  it('does not let a member stuck in its handler block the group past the rebalance timeout, and ignores its late ack', async () => {
    const bus = open({ rebalanceTimeoutMs: 50 });
    await bus.ensureTopics([{ topic: 't', partitions: 2 }]);
    const keysOn = (p: number) => Array.from({ length: 40 }, (_, i) => `k${i}`).filter((k) => partitionForKey(k, 2) === p);
    const [p0, p1] = [keysOn(0), keysOn(1)];
    await bus.publish('t', [...p0, ...p1].map((key) => ({ key, value: `${key}/1` })));
    const stuck = gate();
    let stuckCalls = 0;
    const a = await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async () => {
        stuckCalls++;
        await stuck.opened;
      },
    });
    await waitFor(() => stuckCalls === 2, { message: 'both partitions stuck' });
    const seenByB: string[] = [];
    const b = await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void seenByB.push(...batch.map((m) => m.value.toString())) });
    expect([a.assignments(), b.assignments()]).toEqual([['t:0'], ['t:1']]);
    await waitFor(() => seenByB.length === p1.length, { message: () => `B takes over t:1 (${seenByB.length}/${p1.length})` });
    await bus.publish('t', p1.map((key) => ({ key, value: `${key}/2` })));
    await waitFor(() => seenByB.length === 2 * p1.length, { message: 'B acks newer messages on t:1' });

    // The stuck handler's batch on t:1 completes now; acking it would move t:1 back and replay B's work.
    // A's close drains: its batch on t:0 (which A still holds) finishes and acks, so t:0 is not delivered again.
    stuck.open();
    await a.close();
    await b.close();
    expect(seenByB.sort()).toEqual([...p1.map((k) => `${k}/1`), ...p1.map((k) => `${k}/2`)].sort());
    const seenByC: string[] = [];
    await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void seenByC.push(...batch.map((m) => m.value.toString())) });
    await bus.publish('t', [...p0, ...p1].map((key) => ({ key, value: `${key}/3` })));
    await waitFor(() => seenByC.length >= p0.length + p1.length, { message: 'C reads the newest messages' });
    expect(seenByC.sort()).toEqual([...p0, ...p1].map((k) => `${k}/3`).sort());
  });

  it('closing a stuck member releases a rebalance that is waiting for it', async () => {
    const bus = open({ rebalanceTimeoutMs: 60_000, closeDrainMs: 50 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    await bus.publish('t', [{ key: 'k', value: 'v' }]);
    let called = false;
    const a = await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: () => {
        called = true;
        return new Promise<void>(() => {});
      },
    });
    await waitFor(() => called, { message: 'stuck handler called' });
    const seen: string[] = [];
    const joining = bus.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void seen.push(...batch.map((m) => m.value.toString())) });
    // One turn of the event loop: the rebalance is now waiting for A's in-flight batch.
    await new Promise((resolve) => setImmediate(resolve));
    await a.close();
    const b = await joining;
    expect(b.assignments()).toEqual(['t:0']);
    await waitFor(() => seen.length === 1, { message: 'the unacked message redelivered' });
    expect(seen).toEqual(['v']);
  });

  it('keeps the retry backoff even when new messages arrive on the partition', async () => {
    vi.useFakeTimers();
    const bus = open({ retryBackoffMs: 1_000, maxRetryBackoffMs: 1_000 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    await bus.publish('t', [{ key: 'k', value: '1' }]);
    const calls: string[][] = [];
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async (batch) => {
        calls.push(batch.map((m) => m.value.toString()));
        if (calls.length === 1) throw new Error('sink down');
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([['1']]);
    await bus.publish('t', [{ key: 'k', value: '2' }]);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toEqual([['1']]);
    // The retry is of the same batch; the new message follows it.
    await vi.advanceTimersByTimeAsync(600);
    expect(calls).toEqual([['1'], ['1'], ['2']]);
  });

  it('survives an onRetry hook that throws', async () => {
    const bus = open({ retryBackoffMs: 1, maxRetryBackoffMs: 1 });
    await bus.publish('t', [{ key: 'k', value: 'v' }]);
    let calls = 0;
    let done = false;
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      onRetry: () => {
        throw new Error('hook bug');
      },
      handler: async () => {
        if (++calls < 3) throw new Error('not yet');
        done = true;
      },
    });
    await waitFor(() => done, { message: 'third attempt succeeds' });
    expect(calls).toBe(3);
  });

  it('stores a copy of what was published, and hands each delivery its own copy', async () => {
    const bus = open({ retryBackoffMs: 1, maxRetryBackoffMs: 1 });
    const value = Buffer.from('original');
    await bus.publish('t', [{ key: 'k', value, headers: { h: '1' } }]);
    value.write('mutated!');
    const deliveries: IncomingMessage[] = [];
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async ([m]) => {
        deliveries.push({ ...m, value: Buffer.from(m.value), headers: { ...m.headers } });
        m.headers.h = 'changed by handler';
        if (deliveries.length === 1) throw new Error('retry me');
      },
    });
    await waitFor(() => deliveries.length === 2, { message: 'redelivery' });
    for (const d of deliveries) {
      expect(d.value.toString()).toBe('original');
      expect(d.headers.h).toBe('1');
    }
  });

  it('refuses publish and subscribe once closed', async () => {
    const bus = open();
    await bus.close();
    await expect(bus.publish('t', [{ key: 'k', value: 'v' }])).rejects.toMatchObject({ code: 'BUS_CLOSED' });
    await expect(bus.subscribe({ groupId: 'g', topics: ['t'], handler: async () => {} })).rejects.toMatchObject({ code: 'BUS_CLOSED' });
  });
});
