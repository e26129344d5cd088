import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeRecords, encodeRecord, Journal, type JournalRecord } from '../../../../shared/bus/journal.ts';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { partitionForKey, type IncomingMessage } from '../../../../shared/bus/port.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { injectFileHandleFaults, type FileHandleFaults } from '../../../helpers/file-handle-faults.ts';
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

  it('closing the bus waits for a member whose own close is still draining its batch', async () => {
    const bus = open({ closeDrainMs: 60_000 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const g = gate();
    const order: string[] = [];
    let called = false;
    const sub = await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async () => {
        called = true;
        await g.opened;
        order.push('batch done');
      },
    });
    await bus.publish('t', [{ key: 'k', value: 'v' }]);
    await waitFor(() => called, { message: 'handler called' });
    const subClosed = sub.close();
    const busClosed = bus.close().then(() => void order.push('bus closed'));
    // A few turns of the event loop: a bus close that did not wait would be done by now.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    g.open();
    await Promise.all([subClosed, busClosed]);
    expect(order).toEqual(['batch done', 'bus closed']);
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

/**
 * The in-process bus over its journal, read through what an operator and a restart see: the "read back" log line, the
 * retention metrics, partition counts and offsets after a restart, journals written by hand (duplicates, holes, a partition
 * past the count), and a publish whose journal write fails.
 */
describe('MemoryBus with a journal', () => {
  const dirs: string[] = [];
  const buses: MemoryBus[] = [];
  let faults: FileHandleFaults | undefined;
  afterEach(async () => {
    faults?.restore();
    faults = undefined;
    await Promise.all(buses.splice(0).map((b) => b.close()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const journalDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'oilwire-memory-bus-unit-'));
    dirs.push(d);
    return join(d, 'bus');
  };
  const openBus = async (options: ConstructorParameters<typeof MemoryBus>[0] = {}) => {
    const bus = await MemoryBus.open({ fsync: false, ...options });
    buses.push(bus);
    return bus;
  };
  const closeBus = async (bus: MemoryBus) => {
    await bus.close();
    buses.splice(buses.indexOf(bus), 1);
  };
  function capture() {
    const records: Array<Record<string, unknown> & { level: number; msg: string }> = [];
    const logger = pino({ level: 'debug', base: undefined }, { write: (line: string) => void records.push(JSON.parse(line)) });
    return { records, logger };
  }
  const gauge = async (registry: Registry, name: string, topic?: string) => {
    const values = (await registry.getSingleMetric(name)!.get()).values;
    return topic === undefined ? values.map((v) => v.value) : values.filter((v) => v.labels.topic === topic).map((v) => v.value);
  };
  /** What the in-process bus counts for one message: 96 bytes of overhead, the value and the key. */
  const sizeOf = (key: string, value: string) => 96 + Buffer.byteLength(value) + key.length;
  const writeJournal = (dir: string, records: JournalRecord[]) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(Journal.file(dir), Buffer.concat(records.map(encodeRecord)));
  };
  const msg = (topic: string, partition: number, offset: number, key = `k${offset}`): IncomingMessage => ({
    topic,
    partition,
    offset: String(offset),
    key,
    value: Buffer.from(`v${offset}`),
    headers: {},
    timestamp: 1,
  });

  it('says what it read back, and reports the journal size and what it retains', async () => {
    const dir = journalDir();
    const first = await openBus({ journalDir: dir });
    await first.ensureTopics([{ topic: 't', partitions: 2 }]);
    await first.publish('t', [
      { key: 'a', value: 'one' },
      { key: 'b', value: 'two' },
    ]);
    const got: string[] = [];
    await first.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void got.push(...batch.map((m) => m.key)) });
    await waitFor(() => got.length === 2, { message: 'both delivered' });
    await closeBus(first);
    const size = statSync(Journal.file(dir)).size;

    const { records, logger } = capture();
    const registry = new Registry();
    const bus = await openBus({ journalDir: dir, logger, metrics: registry });
    const line = records.find((r) => r.msg === 'bus journal read back');
    expect(line).toEqual({ level: 30, time: expect.any(Number), msg: 'bus journal read back', dir, messages: 2, groups: 1, journalBytes: size, truncatedBytes: 0, retained: 2 });
    expect(await gauge(registry, 'oilwire_bus_journal_bytes')).toEqual([size]);
    expect(await gauge(registry, 'oilwire_bus_retained_messages', 't')).toEqual([2]);
    expect(await gauge(registry, 'oilwire_bus_retained_bytes', 't')).toEqual([sizeOf('a', 'one') + sizeOf('b', 'two')]);
    // Reading back writes nothing: no topic record again, no commit.
    await closeBus(bus);
    expect(statSync(Journal.file(dir)).size).toBe(size);
  });

  it('counts the bytes it retains as messages are published and trimmed to the replay window', async () => {
    const registry = new Registry();
    const bus = await openBus({ metrics: registry, replayWindow: 1 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    await bus.publish('t', [{ key: 'a', value: 'one' }]);
    expect(await gauge(registry, 'oilwire_bus_retained_bytes', 't')).toEqual([sizeOf('a', 'one')]);
    // No group reads the topic: only the replay window (one message) is kept.
    await bus.publish('t', [{ key: 'b', value: 'three' }]);
    expect(await gauge(registry, 'oilwire_bus_retained_bytes', 't')).toEqual([sizeOf('b', 'three')]);
    expect(await gauge(registry, 'oilwire_bus_retained_messages', 't')).toEqual([1]);
  });

  it('keeps the partition count of a topic made without messages across a restart, and writes its record once', async () => {
    const dir = journalDir();
    const first = await openBus({ journalDir: dir });
    await first.ensureTopics([{ topic: 't', partitions: 3 }]);
    await first.publish('t', [{ key: 'a', value: 'x' }]);
    await first.publish('t', [{ key: 'b', value: 'y' }]);
    await closeBus(first);
    // (A publish racing the topic's own record may write it once more, with the same count.)
    expect(new Set(decodeRecords(readFileSync(Journal.file(dir))).records.flatMap((r) => (r.kind === 'topic' ? [`${r.topic} ${r.partitions}`] : [])))).toEqual(new Set(['t 3']));
    const bus = await openBus({ journalDir: dir });
    const sub = await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async () => {} });
    expect(sub.assignments()).toEqual(['t:0', 't:1', 't:2']);
  });

  it('continues a partition compacted down to nothing at the offset it had reached, after a restart', async () => {
    const dir = journalDir();
    const first = await openBus({ journalDir: dir, replayWindow: 0, compactMinBytes: 1 });
    await first.ensureTopics([{ topic: 't', partitions: 1 }]);
    let handled = 0;
    const sub = await first.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void (handled += batch.length) });
    await first.publish('t', [0, 1, 2, 3, 4].map((i) => ({ key: 'k', value: `m${i}` })));
    await waitFor(() => first.retainedCount() === 0 && handled === 5, { message: 'acked and trimmed' });
    await sub.close();
    // A publish compacts the journal: the topic, where the partition starts and the commit.
    await first.publish('u', [{ key: 'k', value: 'x' }]);
    await waitFor(() => decodeRecords(readFileSync(Journal.file(dir))).records.some((r) => r.kind === 'base' && r.topic === 't' && r.offset === 5), { message: 'compacted' });
    await closeBus(first);
    const bus = await openBus({ journalDir: dir });
    await bus.publish('t', [{ key: 'k', value: 'after' }]);
    expect((await bus.readTopic('t')).map((m) => [m.offset, m.value.toString()])).toEqual([['5', 'after']]);
  });

  it('reads a hand-written journal: a record written twice once, a hole left as a hole, a message past the partitions skipped', async () => {
    const dir = journalDir();
    writeJournal(dir, [
      { kind: 'topic', topic: 't', partitions: 2 },
      { kind: 'message', message: msg('t', 0, 3) },
      { kind: 'message', message: msg('t', 0, 4) },
      { kind: 'message', message: msg('t', 0, 4) },
      // Offset 5 is a publish whose write failed: its offset was used, its message never existed.
      { kind: 'message', message: msg('t', 0, 6) },
      { kind: 'message', message: msg('t', 7, 0) },
    ]);
    const { records, logger } = capture();
    const registry = new Registry();
    const bus = await openBus({ journalDir: dir, logger, metrics: registry });
    expect((await bus.readTopic('t')).map((m) => [m.partition, m.offset])).toEqual([
      [0, '3'],
      [0, '4'],
      [0, '6'],
    ]);
    expect(records.find((r) => r.msg === 'bus journal read back')).toMatchObject({ messages: 3, retained: 4 });
    // Offsets 3 to 6 are held (the hole too); nothing before 3.
    expect(await gauge(registry, 'oilwire_bus_retained_messages', 't')).toEqual([4]);
    // The next message on partition 0 comes after the last one read back.
    const keyOn0 = Array.from({ length: 50 }, (_, i) => `key-${i}`).find((k) => partitionForKey(k, 2) === 0)!;
    await bus.publish('t', [{ key: keyOn0, value: 'next' }]);
    expect((await bus.readTopic('t')).map((m) => m.offset)).toEqual(['3', '4', '6', '7']);
  });

  it('reads odd base records of a hand-written journal: one past the partitions skipped, one after messages or below the start ignored', async () => {
    const dir = journalDir();
    writeJournal(dir, [
      { kind: 'topic', topic: 't', partitions: 1 },
      { kind: 'topic', topic: 'u', partitions: 1 },
      { kind: 'base', topic: 't', partition: 9, offset: 4 },
      { kind: 'message', message: msg('t', 0, 0) },
      { kind: 'message', message: msg('t', 0, 1) },
      { kind: 'base', topic: 't', partition: 0, offset: 5 },
      { kind: 'base', topic: 'u', partition: 0, offset: 5 },
      { kind: 'base', topic: 'u', partition: 0, offset: 3 },
    ]);
    const bus = await openBus({ journalDir: dir });
    await bus.publish('t', [{ key: 'k', value: 'next' }]);
    await bus.publish('u', [{ key: 'k', value: 'next' }]);
    expect((await bus.readTopic('t')).map((m) => m.offset)).toEqual(['0', '1', '2']);
    expect((await bus.readTopic('u')).map((m) => m.offset)).toEqual(['5']);
  });

  it('writes a topic record once it is in the journal, not again with the next publish', async () => {
    const dir = journalDir();
    const bus = await openBus({ journalDir: dir });
    await bus.ensureTopics([{ topic: 't', partitions: 2 }]);
    // A publish to another topic goes through the journal after t's record: once it resolves, t's record is known written.
    await bus.publish('u', [{ key: 'a', value: 'x' }]);
    await bus.publish('t', [{ key: 'a', value: 'x' }]);
    await closeBus(bus);
    const records = decodeRecords(readFileSync(Journal.file(dir))).records;
    expect(records.filter((r) => r.kind === 'topic' && r.topic === 't')).toEqual([{ kind: 'topic', topic: 't', partitions: 2 }]);
    expect(records.filter((r) => r.kind === 'message').map((r) => (r.kind === 'message' ? r.message.topic : ''))).toEqual(['u', 't']);
  });

  it('syncs the journal on publish only when fsync is on (the default)', async () => {
    const fh = await import('node:fs/promises').then(async (fs) => {
      const h = await fs.open(join(journalDir().replace(/bus$/, ''), 'probe'), 'w');
      await h.close();
      return Object.getPrototypeOf(h) as { datasync: () => Promise<void> };
    });
    const spy = vi.spyOn(fh, 'datasync');
    try {
      const off = await MemoryBus.open({ journalDir: journalDir(), fsync: false });
      buses.push(off);
      await off.publish('t', [{ key: 'a', value: 'x' }]);
      expect(spy).toHaveBeenCalledTimes(0);
      const on = await MemoryBus.open({ journalDir: journalDir() });
      buses.push(on);
      await on.publish('t', [{ key: 'a', value: 'x' }]);
      expect(spy.mock.calls.length).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('stops a consumer whose committed offset is below the retained log (a hand-edited journal), says so and counts it, skipping nothing', async () => {
    const dir = journalDir();
    writeJournal(dir, [
      { kind: 'topic', topic: 't', partitions: 1 },
      { kind: 'base', topic: 't', partition: 0, offset: 5 },
      { kind: 'message', message: msg('t', 0, 5) },
      { kind: 'commit', group: 'g', topic: 't', partition: 0, offset: 2 },
    ]);
    const { records, logger } = capture();
    const registry = new Registry();
    const bus = await openBus({ journalDir: dir, logger, metrics: registry });
    let calls = 0;
    await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async () => void calls++ });
    await waitFor(() => records.some((r) => r.msg === 'consumer offset out of range; consumer stopped'), { message: 'the error line' });
    const line = records.find((r) => r.msg === 'consumer offset out of range; consumer stopped')!;
    expect(line).toMatchObject({ level: 50, err: { code: 'BUS_UNAVAILABLE', message: 'g on t:0: committed offset 2 is below the retained log (5)' } });
    expect((line.err as { retryable?: boolean }).retryable).toBe(false);
    expect((await registry.getSingleMetric('oilwire_bus_consumer_failures_total')!.get()).values.map((v) => [v.labels, v.value])).toEqual([[{ group: 'g', topic: 't', reason: 'offset_out_of_range' }, 1]]);
    expect(calls).toBe(0);
  });

  it('starts a new group at the end of the log with fromBeginning: false, at its start otherwise', async () => {
    const bus = await openBus();
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    await bus.publish('t', [{ key: 'k', value: 'old' }]);
    const late: string[] = [];
    const early: string[] = [];
    await bus.subscribe({ groupId: 'late', topics: ['t'], fromBeginning: false, handler: async (batch) => void late.push(...batch.map((m) => m.value.toString())) });
    await bus.subscribe({ groupId: 'early', topics: ['t'], handler: async (batch) => void early.push(...batch.map((m) => m.value.toString())) });
    await bus.publish('t', [{ key: 'k', value: 'new' }]);
    await waitFor(() => late.length === 1 && early.length === 2, { message: () => `late ${late}, early ${early}` });
    expect([late, early]).toEqual([['new'], ['old', 'new']]);
  });

  it('says when a topic record could not be written, and writes it ahead of the next publish to the topic', async () => {
    const dir = journalDir();
    const { records, logger } = capture();
    const bus = await openBus({ journalDir: dir, logger });
    faults = await injectFileHandleFaults();
    faults.set('write');
    await bus.ensureTopics([{ topic: 't', partitions: 3 }]);
    await waitFor(() => records.some((r) => r.msg === 'bus journal: topic record not written; the next publish to the topic writes it'), { message: 'the error line' });
    expect(records.find((r) => r.level === 50)).toMatchObject({ topic: 't', err: { code: 'BUS_UNAVAILABLE' } });
    faults.set(undefined);
    await bus.publish('t', [{ key: 'a', value: 'x' }]);
    await closeBus(bus);
    const kinds = decodeRecords(readFileSync(Journal.file(dir))).records.map((r) => (r.kind === 'topic' ? `topic ${r.topic} ${r.partitions}` : r.kind));
    expect(kinds).toEqual(['topic t 3', 'message']);
    const again = await openBus({ journalDir: dir });
    expect((await again.subscribe({ groupId: 'g', topics: ['t'], handler: async () => {} })).assignments()).toEqual(['t:0', 't:1', 't:2']);
  });

  it('leaves a publish whose journal write failed out of what is retained, read and delivered, also behind a trimmed partition', async () => {
    const dir = journalDir();
    const registry = new Registry();
    const bus = await openBus({ journalDir: dir, metrics: registry, replayWindow: 0 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const got: string[] = [];
    await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void got.push(...batch.map((m) => m.key)) });
    await bus.publish('t', [{ key: 'a', value: 'first' }]);
    await waitFor(async () => got.length === 1 && (await gauge(registry, 'oilwire_bus_retained_bytes', 't'))[0] === 0, { message: 'acked and trimmed' });
    faults = await injectFileHandleFaults();
    faults.set('write');
    await expect(bus.publish('t', [{ key: 'b', value: 'refused' }])).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
    expect(await gauge(registry, 'oilwire_bus_retained_bytes', 't')).toEqual([0]);
    expect(await bus.readTopic('t')).toEqual([]);
    faults.set(undefined);
    await bus.publish('t', [{ key: 'c', value: 'after' }]);
    await waitFor(() => got.length === 2, { message: 'the next message' });
    expect(got).toEqual(['a', 'c']);
    expect((await bus.readTopic('t')).map((m) => [m.key, m.offset])).toEqual([['c', '2']]);
  });

  it('says when a commit could not be written (the batch may come again after a restart), and goes on', async () => {
    const dir = journalDir();
    const { records, logger } = capture();
    const bus = await openBus({ journalDir: dir, logger });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const got: string[] = [];
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async (batch) => {
        await gate;
        got.push(...batch.map((m) => m.key));
      },
    });
    await bus.publish('t', [{ key: 'a', value: 'x' }]);
    await waitFor(() => bus.retainedCount() === 1, { message: 'published' });
    faults = await injectFileHandleFaults();
    faults.set('write');
    release();
    await waitFor(() => records.some((r) => r.msg === 'bus journal: commit not written; the batch may be delivered again after a restart'), { message: 'the warning' });
    expect(records.find((r) => r.msg.startsWith('bus journal: commit'))).toMatchObject({ level: 40, groupId: 'g', tp: 't:0', err: { code: 'BUS_UNAVAILABLE' } });
    expect(got).toEqual(['a']);
  });

  it('forgets a group only once it has had no member for longer than groupExpiryMs, and says so', async () => {
    const clock = new ManualClock(1_000_000);
    const { records, logger } = capture();
    const bus = await openBus({ replayWindow: 0, groupExpiryMs: 100, clock, logger });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const live: string[] = [];
    await bus.subscribe({ groupId: 'live', topics: ['t'], handler: async (batch) => void live.push(...batch.map((m) => m.key)) });
    const gone = await bus.subscribe({ groupId: 'gone', topics: ['t'], handler: async () => {} });
    await gone.close();
    await bus.publish('t', [{ key: 'a', value: 'x' }]);
    clock.advance(100);
    await bus.publish('t', [{ key: 'b', value: 'x' }]);
    expect(records.filter((r) => r.msg.includes('expired'))).toEqual([]);
    clock.advance(1);
    // A group with a member is never expired, however long the clock runs.
    clock.advance(10_000);
    await bus.publish('t', [{ key: 'c', value: 'x' }]);
    expect(records.filter((r) => r.msg.includes('expired'))).toEqual([
      { level: 30, time: expect.any(Number), msg: 'consumer group without members expired; its offsets are forgotten', groupId: 'gone', emptyForMs: 10_101 },
    ]);
    await waitFor(() => live.length === 3, { message: 'the live group reads on' });
  });

  it('compacts only past compactMinBytes and four times what it retains, says so, and a restart keeps the commits', async () => {
    const dir = journalDir();
    const { records, logger } = capture();
    // Default threshold (64 MiB): a small journal is never rewritten.
    const smallDir = journalDir();
    const small = await openBus({ journalDir: smallDir, replayWindow: 0 });
    await small.publish('t', [{ key: 'k', value: 'x' }]);
    await small.publish('t', [{ key: 'k', value: 'y' }]);
    const bus = await openBus({ journalDir: dir, replayWindow: 0, compactMinBytes: 1, logger });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    // Unacked messages are retained: a journal not four times their size is left alone.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const got: string[] = [];
    const sub = await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async (batch) => {
        await gate;
        got.push(...batch.map((m) => m.key));
      },
    });
    await bus.publish('t', [{ key: 'a', value: 'x'.repeat(2000) }]);
    expect(records.filter((r) => r.msg === 'bus journal compacted')).toEqual([]);
    release();
    await waitFor(() => got.length === 1 && bus.retainedCount() === 0, { message: 'acked and trimmed' });
    await sub.close();
    const before = statSync(Journal.file(dir)).size;
    await bus.publish('u', [{ key: 'k', value: 'y' }]);
    await waitFor(() => records.some((r) => r.msg === 'bus journal compacted'), { message: 'compacted' });
    const line = records.find((r) => r.msg === 'bus journal compacted')!;
    expect(line.before as number).toBeGreaterThanOrEqual(before);
    expect(line.after as number).toBeLessThan(line.before as number);
    expect(line.after).toBe(statSync(Journal.file(dir)).size);
    await closeBus(bus);
    const again = await openBus({ journalDir: dir });
    const replayed: string[] = [];
    await again.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void replayed.push(...batch.map((m) => m.key)) });
    await again.publish('t', [{ key: 'b', value: 'new' }]);
    await waitFor(() => replayed.length === 1, { message: 'the new message' });
    expect(replayed).toEqual(['b']);
    expect(decodeRecords(readFileSync(Journal.file(smallDir))).records.some((r) => r.kind === 'base')).toBe(false);
  });

  it('keeps the replay window and every commit through a compaction and a restart', async () => {
    const dir = journalDir();
    const bus = await openBus({ journalDir: dir, replayWindow: 2, compactMinBytes: 1 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    const got: string[] = [];
    const sub = await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void got.push(...batch.map((m) => m.key)) });
    for (let i = 0; i < 20; i++) {
      await bus.publish('t', [{ key: `k${i}`, value: 'v' }]);
      await waitFor(() => got.length === i + 1, { message: `message ${i}` });
    }
    await sub.close();
    // Publishes to another topic until a compaction comes after the last commit: then t's messages and g's commit are
    // only in the compacted file (its one commit record), which is what the restart reads.
    await waitFor(
      async () => {
        await bus.publish('u', [{ key: 'k', value: 'filler' }]);
        const records = decodeRecords(readFileSync(Journal.file(dir))).records;
        return records.filter((r) => r.kind === 'commit').length === 1 && !records.some((r) => r.kind === 'message' && r.message.key === 'k0');
      },
      { message: 'a compaction after the last commit' },
    );
    await closeBus(bus);
    const again = await openBus({ journalDir: dir });
    expect((await again.readTopic('t')).map((m) => m.key)).toEqual(['k18', 'k19']);
    const after: string[] = [];
    await again.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void after.push(...batch.map((m) => m.key)) });
    await again.publish('t', [{ key: 'new', value: 'v' }]);
    await waitFor(() => after.length > 0, { message: 'the new message' });
    expect(after).toEqual(['new']);
  });

  it('keeps offsets right once more than 1,024 acked messages were dropped from a partition', async () => {
    const bus = await openBus({ replayWindow: 0 });
    await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
    let n = 0;
    await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void (n += batch.length) });
    for (let i = 0; i < 3; i++) await bus.publish('t', Array.from({ length: 700 }, (_, j) => ({ key: 'k', value: `m${i * 700 + j}` })));
    await waitFor(() => n === 2100 && bus.retainedCount() === 0, { message: () => `acked ${n}` });
    await bus.publish('t', [{ key: 'k', value: 'last' }]);
    expect((await bus.readTopic('t')).map((m) => [m.offset, m.value.toString()])).toEqual([['2100', 'last']]);
  });

  it('lists its assignments sorted as text', async () => {
    const bus = await openBus();
    await bus.ensureTopics([{ topic: 't', partitions: 12 }]);
    const sub = await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async () => {} });
    expect(sub.assignments()).toEqual(Array.from({ length: 12 }, (_, i) => `t:${i}`).sort());
    expect(sub.assignments()[2]).toBe('t:10');
  });

  it('reports its health without a journal, and not ok once closed', async () => {
    const bus = new MemoryBus();
    expect(bus.health()).toEqual({ ok: true });
    await bus.close();
    expect(bus.health()).toEqual({ ok: false });
    await expect(bus.publish('t', [{ key: 'k', value: 'v' }])).rejects.toThrow('memory bus is closed');
    await expect(bus.readTopic('t')).rejects.toMatchObject({ code: 'BUS_CLOSED', message: 'memory bus is closed' });
    await expect(bus.subscribe({ groupId: 'g', topics: ['t'], handler: async () => {} })).rejects.toThrow('memory bus is closed');
  });

  /** A hand-written journal well past four times what it retains: a record written many times counts once in memory. */
  const padded = (records: JournalRecord[], pad: JournalRecord, times = 40) => [...records, ...Array.from({ length: times }, () => pad)];

  it('compacts a partition with a hole and a commit on partition 1 into a file that reads back the same', async () => {
    const dir = journalDir();
    writeJournal(
      dir,
      padded(
        [
          { kind: 'topic', topic: 't', partitions: 2 },
          { kind: 'message', message: msg('t', 0, 3) },
          // Offset 4 is a publish whose write failed: a hole, which the compacted file must keep as one.
          { kind: 'message', message: msg('t', 0, 5) },
          { kind: 'message', message: msg('t', 1, 0) },
          { kind: 'message', message: msg('t', 1, 1) },
          { kind: 'commit', group: 'g', topic: 't', partition: 1, offset: 1 },
        ],
        { kind: 'message', message: msg('t', 1, 1) },
      ),
    );
    const { records, logger } = capture();
    const bus = await openBus({ journalDir: dir, compactMinBytes: 1, logger });
    await bus.publish('u', [{ key: 'k', value: 'x' }]);
    await waitFor(() => records.some((r) => r.msg === 'bus journal compacted' || r.msg.startsWith('bus journal compaction failed')), { message: 'a compaction' });
    expect(records.filter((r) => r.msg.startsWith('bus journal compaction failed'))).toEqual([]);
    const kept = decodeRecords(readFileSync(Journal.file(dir))).records;
    expect(kept.filter((r) => r.kind === 'commit')).toEqual([{ kind: 'commit', group: 'g', topic: 't', partition: 1, offset: 1 }]);
    expect(kept.flatMap((r) => (r.kind === 'message' && r.message.topic === 't' ? [`${r.message.partition}:${r.message.offset}`] : []))).toEqual(['0:3', '0:5', '1:0', '1:1']);
    await closeBus(bus);
    const again = await openBus({ journalDir: dir });
    expect((await again.readTopic('t')).map((m) => [m.partition, m.offset])).toEqual([
      [0, '3'],
      [0, '5'],
      [1, '0'],
      [1, '1'],
    ]);
    // g resumes partition 1 at its commit and reads partition 0 (never committed) from its start.
    const got: string[] = [];
    await again.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void got.push(...batch.map((m) => `${m.partition}:${m.offset}`)) });
    await waitFor(() => got.length >= 3, { message: () => `got ${got}` });
    expect(got.sort()).toEqual(['0:3', '0:5', '1:1']);
  });

  it('says when a compaction failed, with the error, and keeps using the old file', async () => {
    const dir = journalDir();
    writeJournal(dir, padded([{ kind: 'topic', topic: 't', partitions: 1 }], { kind: 'message', message: msg('t', 0, 0) }));
    // The compacted file is written beside the journal first: a folder in its place makes that fail.
    mkdirSync(`${Journal.file(dir)}.compact`);
    const { records, logger } = capture();
    const bus = await openBus({ journalDir: dir, compactMinBytes: 1, logger });
    const before = statSync(Journal.file(dir)).size;
    await bus.publish('t', [{ key: 'k', value: 'x' }]);
    await waitFor(() => records.some((r) => r.msg === 'bus journal compaction failed; the old file stays in use'), { message: 'the warning' });
    const line = records.find((r) => r.msg === 'bus journal compaction failed; the old file stays in use')!;
    expect(line).toMatchObject({ level: 40, err: { code: 'BUS_UNAVAILABLE' } });
    expect((line.err as { message: string }).message).toMatch(/^compacting the bus journal: EISDIR/);
    expect(statSync(Journal.file(dir)).size).toBeGreaterThan(before);
    expect((await bus.readTopic('t')).map((m) => m.offset)).toEqual(['0', '1']);
    rmSync(`${Journal.file(dir)}.compact`, { recursive: true });
  });

  it('trims a partition that a group with commits on the topic never committed, unless one of its members reads the topic', async () => {
    const dir = journalDir();
    writeJournal(dir, [
      { kind: 'topic', topic: 't', partitions: 2 },
      { kind: 'message', message: msg('t', 0, 0) },
      { kind: 'message', message: msg('t', 0, 1) },
      { kind: 'message', message: msg('t', 1, 0) },
      { kind: 'message', message: msg('t', 1, 1) },
      // Two groups that committed partition 0 only: 'idle' has no member, 'other' has one that reads another topic.
      { kind: 'commit', group: 'idle', topic: 't', partition: 0, offset: 1 },
      { kind: 'commit', group: 'other', topic: 't', partition: 0, offset: 1 },
    ]);
    const bus = await openBus({ journalDir: dir, replayWindow: 0 });
    await bus.subscribe({ groupId: 'other', topics: ['u'], handler: async () => {} });
    let handled = 0;
    await bus.subscribe({ groupId: 'h', topics: ['t'], handler: async (batch) => void (handled += batch.length) });
    // t:0 is held from the groups' commit at 1 (the restart trimmed below it), t:1 by no one: h gets and acks 0:1 only.
    let retained = '';
    const left = async () => (retained = (await bus.readTopic('t')).map((m) => `${m.partition}:${m.offset}`).join(' '));
    await waitFor(async () => handled === 1 && (await left()) === '0:1', { message: () => `handled ${handled}, retained ${retained}` });
    // A new message on t:1, once h has acked it, is dropped too: other's member reads u, not t.
    const keyOn1 = Array.from({ length: 50 }, (_, i) => `key-${i}`).find((k) => partitionForKey(k, 2) === 1)!;
    await bus.publish('t', [{ key: keyOn1, value: 'new' }]);
    await waitFor(async () => handled === 2 && (await left()) === '0:1', { message: () => `handled ${handled}, retained ${retained}` });
  });

  it('compacts past compactMinBytes, not at it', async () => {
    const sizeAfterOnePublish = async (compactMinBytes: number) => {
      const dir = journalDir();
      const { records, logger } = capture();
      const bus = await openBus({ journalDir: dir, replayWindow: 0, compactMinBytes, logger, clock: new ManualClock(1_000_000) });
      await bus.ensureTopics([{ topic: 't', partitions: 1 }]);
      await bus.publish('t', [{ key: 'a', value: 'x' }]);
      await closeBus(bus);
      return { size: statSync(Journal.file(dir)).size, compacted: records.some((r) => r.msg === 'bus journal compacted') };
    };
    // Nothing is retained (no group, no replay window): only the size decides.
    const big = await sizeAfterOnePublish(1024 * 1024);
    expect(big.compacted).toBe(false);
    expect(await sizeAfterOnePublish(big.size)).toEqual({ size: big.size, compacted: false });
    expect((await sizeAfterOnePublish(big.size - 1)).compacted).toBe(true);
  });

  it('makes nothing of a publish of no messages: no topic, no metric', async () => {
    const registry = new Registry();
    const bus = await openBus({ metrics: registry });
    await bus.publish('empty', []);
    expect(await gauge(registry, 'oilwire_bus_retained_messages', 'empty')).toEqual([]);
    expect(await bus.readTopic('empty')).toEqual([]);
  });
});
