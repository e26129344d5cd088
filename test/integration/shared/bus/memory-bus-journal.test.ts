import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../../shared/bus/journal.ts';
import { MemoryBus, type MemoryBusOptions } from '../../../../shared/bus/memory-bus.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import type { IncomingMessage, Subscription } from '../../../../shared/bus/port.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

/**
 * The in-process bus's journal on a real disk: what a publish acknowledged is there after the
 * process is gone (a bus dropped without close stands for a kill), acked work is not delivered
 * again, a torn tail is cut off, and memory and file stay bounded.
 */
describe('MemoryBus with its journal', () => {
  const dirs: string[] = [];
  const buses: MemoryBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close().catch(() => {})));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const folder = () => {
    const d = mkdtempSync(join(tmpdir(), 'oilwire-journal-'));
    dirs.push(d);
    return d;
  };
  const open = async (dir: string, options: MemoryBusOptions = {}) => {
    const bus = await MemoryBus.open({ journalDir: dir, retryBackoffMs: 5, maxRetryBackoffMs: 20, closeDrainMs: 200, ...options });
    buses.push(bus);
    return bus;
  };
  const values = (ms: IncomingMessage[]) => ms.map((m) => m.value.toString());
  const consume = async (bus: MemoryBus, groupId: string, seen: IncomingMessage[]): Promise<Subscription> =>
    bus.subscribe({ groupId, topics: ['t'], handler: async (b) => void seen.push(...b) });
  const gauge = async (registry: Registry, name: string, topic: string) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    return metric?.values.find((v) => v.labels.topic === topic)?.value;
  };

  it('delivers after a crash what was published and not acked, and not what was acked', async () => {
    const dir = folder();
    const a = await open(dir);
    await a.ensureTopics([{ topic: 't', partitions: 2 }]);
    await a.publish('t', ['m1', 'm2', 'm3'].map((v) => ({ key: v, value: v })));
    const seen: IncomingMessage[] = [];
    const sub = await consume(a, 'g', seen);
    await waitFor(() => seen.length === 3, { message: 'first three consumed' });
    await sub.close();
    // Published after the group stopped: unacked when the process dies. Awaiting it also means the commits queued before it are written.
    await a.publish('t', ['m4', 'm5'].map((v) => ({ key: v, value: v, headers: { h: v } })));

    // `a` is never closed: its file is read as a killed process left it.
    const b = await open(dir);
    const again: IncomingMessage[] = [];
    await consume(b, 'g', again);
    await waitFor(() => again.length === 2, { message: () => `the two unacked messages, got ${values(again).join(',')}` });
    expect(values(again).sort()).toEqual(['m4', 'm5']);
    expect(again.map((m) => m.headers.h).sort()).toEqual(['m4', 'm5']);
    // Offsets go on from where the first process left them.
    await b.publish('t', [{ key: 'm1', value: 'm6' }]);
    await waitFor(() => again.length === 3, { message: 'the new message' });
    const m6 = again.find((m) => m.value.toString() === 'm6')!;
    const m1 = seen.find((m) => m.value.toString() === 'm1')!;
    expect(m6.partition).toBe(m1.partition);
    expect(Number(m6.offset)).toBeGreaterThan(Number(m1.offset));
  });

  it('cuts off a torn tail (a kill in the middle of a write) and keeps every whole record', async () => {
    const dir = folder();
    const a = await open(dir);
    await a.publish('t', ['x', 'y'].map((v) => ({ key: 'k', value: v })));
    const whole = statSync(Journal.file(dir)).size;
    appendFileSync(Journal.file(dir), Buffer.from([200, 1, 0, 0, 9, 9, 9]));
    const b = await open(dir);
    expect(statSync(Journal.file(dir)).size).toBe(whole);
    await b.publish('t', [{ key: 'k', value: 'z' }]);
    const c = await open(dir);
    const seen: IncomingMessage[] = [];
    await consume(c, 'g', seen);
    await waitFor(() => seen.length === 3, { message: () => `three messages, got ${values(seen).join(',')}` });
    expect(values(seen)).toEqual(['x', 'y', 'z']);
  });

  it('keeps only unacked messages plus the replay window in memory, reports it as a metric, and compacts the file', async () => {
    const dir = folder();
    const registry = new Registry();
    const bus = await open(dir, { replayWindow: 10, compactMinBytes: 16 * 1024, metrics: registry });
    await bus.ensureTopics([{ topic: 't', partitions: 2 }]);
    const seen: IncomingMessage[] = [];
    const sub = await consume(bus, 'g', seen);
    const payload = 'p'.repeat(200);
    for (let i = 0; i < 40; i++) await bus.publish('t', Array.from({ length: 25 }, (_, j) => ({ key: `k${j}`, value: `${i}-${j}-${payload}` })));
    await waitFor(() => seen.length === 1000, { message: () => `1000 consumed, got ${seen.length}` });
    await sub.close();
    // Everything acked: per partition the last 10 stay for a late joiner.
    expect(bus.retainedCount()).toBe(20);
    expect(await gauge(registry, 'oilwire_bus_retained_messages', 't')).toBe(20);
    // 1000 messages of ~230 bytes went through; compaction keeps the file near what is retained.
    await bus.publish('t', [{ key: 'k0', value: 'after' }]);
    await waitFor(() => statSync(Journal.file(dir)).size < 64 * 1024, { message: () => `journal compacted, size ${statSync(Journal.file(dir)).size}` });

    // A group that stops consuming holds its unacked messages, and only those, however many arrive.
    const slow: IncomingMessage[] = [];
    const slowSub = await consume(bus, 'slow', slow);
    // A group new to the topic starts at the oldest retained message: the window (which now ends with 'after').
    await waitFor(() => slow.length === 20, { message: () => `slow joiner reads the window, got ${slow.length}` });
    expect(values(slow)).toContain('after');
    await slowSub.close();
    for (let i = 0; i < 10; i++) await bus.publish('t', Array.from({ length: 10 }, (_, j) => ({ key: `k${j}`, value: `late-${i}-${j}` })));
    // 'g' never acked 'after', and neither group the 100 new ones.
    expect(bus.retainedCount()).toBe(1 + 100);

    // After a restart the compacted journal still knows the groups' offsets: 'g' gets exactly what it has not acked.
    const again = await open(dir);
    const rest: IncomingMessage[] = [];
    await consume(again, 'g', rest);
    await waitFor(() => rest.length === 101, { message: () => `101 unacked for g, got ${rest.length}` });
    expect(values(rest).filter((v) => v.startsWith('late-'))).toHaveLength(100);
    expect(values(rest)).toContain('after');
  });

  it('forgets a group that has had no member for longer than groupExpiryMs, and stops keeping messages for it', async () => {
    const dir = folder();
    const clock = new ManualClock(1_000_000);
    const bus = await open(dir, { replayWindow: 5, groupExpiryMs: 200, clock });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    // A per-process group (like the API's live feed) that joins, reads, and is never seen again.
    const seen: IncomingMessage[] = [];
    const sub = await consume(bus, 'ephemeral', seen);
    await bus.publish('t', [{ key: 'k', value: 'first' }]);
    await waitFor(() => seen.length === 1, { message: 'first message read' });
    await sub.close();
    await bus.publish('t', Array.from({ length: 50 }, (_, i) => ({ key: 'k', value: `m${i}` })));
    // Within the expiry the group still holds what it has not acked: a restarting service loses nothing.
    clock.advance(200);
    await bus.publish('t', [{ key: 'k', value: 'at the expiry' }]);
    expect(bus.retainedCount()).toBe(51);
    clock.advance(1);
    await bus.publish('t', [{ key: 'k', value: 'past the expiry' }]);
    expect(bus.retainedCount()).toBe(5);
  });
});
