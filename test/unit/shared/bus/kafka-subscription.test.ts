import type { ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { busMetrics } from '../../../../shared/bus/bus-metrics.ts';
import { KafkaSubscription, StopSignal, wrapKafkaError } from '../../../../shared/bus/kafka-subscription.ts';
import type { IncomingMessage, OutgoingMessage, SubscribeOptions } from '../../../../shared/bus/port.ts';
import { AppError } from '../../../../shared/errors.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

type Listener = (e: { payload: unknown }) => void;

/** kafkajs's consumer as far as the subscription uses it: lifecycle calls recorded, events emitted by the test. */
class FakeConsumer {
  readonly events = { GROUP_JOIN: 'consumer.group_join', REBALANCING: 'consumer.rebalancing', CRASH: 'consumer.crash' };
  readonly calls: string[] = [];
  subscribed?: { topics: string[]; fromBeginning: boolean };
  runConfig?: { autoCommit: boolean; eachBatchAutoResolve: boolean; partitionsConsumedConcurrently: number; eachBatch: (p: EachBatchPayload) => Promise<void> };
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly config: ConsumerConfig) {}
  on(event: string, fn: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return () => undefined;
  }
  emit(event: string, payload: unknown) {
    for (const fn of this.listeners.get(event) ?? []) fn({ payload });
  }
  async connect() {
    this.calls.push('connect');
  }
  async subscribe(s: { topics: string[]; fromBeginning: boolean }) {
    this.calls.push('subscribe');
    this.subscribed = s;
  }
  async run(config: FakeConsumer['runConfig']) {
    this.calls.push('run');
    this.runConfig = config;
  }
  async disconnect() {
    this.calls.push('disconnect');
  }
}

/** One fetched batch of `topic`/`partition`, with what the subscription resolved and committed on it. */
function fetched(offsets: number[], state: { running?: () => boolean } = {}) {
  const resolved: string[] = [];
  const commits: string[] = [];
  let committed: string | undefined;
  let heartbeats = 0;
  const payload = {
    batch: {
      topic: 'news.raw',
      partition: 3,
      messages: offsets.map((o) => ({ offset: String(o), key: Buffer.from(`k${o}`), value: Buffer.from(`v${o}`), headers: { trace: Buffer.from('t'), list: [Buffer.from('a'), Buffer.from('b')], none: undefined }, timestamp: '1700000000000', attributes: 0 })),
    },
    heartbeat: async () => void heartbeats++,
    isRunning: state.running ?? (() => true),
    isStale: () => false,
    resolveOffset: (o: string) => void resolved.push(o),
    // As kafkajs keeps them: the offset after the last one resolved, until a commit carries it.
    uncommittedOffsets: () => {
      const next = resolved.length > 0 ? String(Number(resolved.at(-1)) + 1) : undefined;
      return { topics: next !== undefined && next !== committed ? [{ topic: 'news.raw', partitions: [{ partition: 3, offset: next }] }] : [] };
    },
    commitOffsetsIfNecessary: async (c: { topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }) => {
      const { topic, partitions } = c.topics[0];
      committed = partitions[0].offset;
      commits.push(`${topic}:${partitions[0].partition}@${partitions[0].offset}`);
    },
  } as unknown as EachBatchPayload;
  return { payload, resolved, commits, heartbeats: () => heartbeats };
}

function setup(options: Partial<SubscribeOptions> & Pick<SubscribeOptions, 'handler'>, members = 1) {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      const c = new FakeConsumer(config);
      consumers.push(c);
      return c;
    },
  } as unknown as Kafka;
  const published: { topic: string; messages: OutgoingMessage[] }[] = [];
  const metrics = busMetrics();
  let closedCalls = 0;
  const sub = new KafkaSubscription(
    { groupId: 'g1', topics: ['news.raw'], ...options },
    {
      kafka,
      busOptions: { brokers: ['x:1'], retryBackoffMs: 1, maxRetryBackoffMs: 2, maxDeliveryAttempts: 3 },
      logger: silentLogger,
      metrics,
      publish: async (topic, messages) => void published.push({ topic, messages }),
      groupMembers: () => members,
      onClosed: () => void closedCalls++,
    },
  );
  return { sub, consumers, published, metrics, closed: () => closedCalls };
}

describe('KafkaSubscription', () => {
  it('starts one consumer with manual commits and the bus defaults, and runs it after subscribing', async () => {
    const { sub, consumers } = setup({ handler: async () => undefined, fromBeginning: false });
    await sub.start();
    expect(consumers.length).toBe(1);
    const c = consumers[0];
    expect(c.calls).toEqual(['connect', 'subscribe', 'run']);
    expect(c.subscribed).toEqual({ topics: ['news.raw'], fromBeginning: false });
    expect({ ...c.config, retry: undefined }).toEqual({ groupId: 'g1', sessionTimeout: 30_000, heartbeatInterval: 3000, rebalanceTimeout: 60_000, maxWaitTimeInMs: 500, allowAutoTopicCreation: true, retry: undefined });
    expect([c.runConfig?.autoCommit, c.runConfig?.eachBatchAutoResolve, c.runConfig?.partitionsConsumedConcurrently]).toEqual([false, false, 8]);
    expect(await c.config.retry!.restartOnFailure!(new Error('x'))).toBe(true);
    await sub.close();
    expect(await c.config.retry!.restartOnFailure!(new Error('x'))).toBe(false);
  });

  it('reports the partitions the group assigned (sorted), none while rebalancing', async () => {
    const { sub, consumers } = setup({ handler: async () => undefined });
    await sub.start();
    consumers[0].emit('consumer.group_join', { memberAssignment: { 'news.raw': [2, 0], 'news.dlq': [1] } });
    expect(sub.assignments()).toEqual(['news.dlq:1', 'news.raw:0', 'news.raw:2']);
    consumers[0].emit('consumer.rebalancing', {});
    expect(sub.assignments()).toEqual([]);
  });

  it('hands a fetched batch to the handler in chunks of maxBatchSize and commits after each chunk, the next offset', async () => {
    const seen: IncomingMessage[][] = [];
    const { sub, consumers } = setup({ maxBatchSize: 2, handler: async (b) => void seen.push(b) });
    await sub.start();
    const f = fetched([10, 11, 12, 13, 14]);
    await consumers[0].runConfig!.eachBatch(f.payload);
    expect(seen.map((b) => b.map((m) => m.offset))).toEqual([['10', '11'], ['12', '13'], ['14']]);
    expect(seen[0][0]).toEqual({ topic: 'news.raw', partition: 3, offset: '10', key: 'k10', value: Buffer.from('v10'), headers: { trace: 't', list: 'a' }, timestamp: 1_700_000_000_000 });
    expect(f.resolved).toEqual(['11', '13', '14']);
    expect(f.commits).toEqual(['news.raw:3@12', 'news.raw:3@14', 'news.raw:3@15']);
    expect(f.heartbeats()).toBe(3);
  });

  it('retries a batch whose handler threw a retryable error, and commits it once it went through', async () => {
    let calls = 0;
    const retries: number[] = [];
    const { sub, consumers, metrics } = setup({
      handler: async () => {
        if (++calls < 3) throw new AppError('STORE_UNAVAILABLE', 'down');
      },
      onRetry: (_err, attempt) => void retries.push(attempt),
    });
    await sub.start();
    const f = fetched([5]);
    await consumers[0].runConfig!.eachBatch(f.payload);
    expect([calls, retries, f.commits]).toEqual([3, [1, 2], ['news.raw:3@6']]);
    expect((await metrics.retries.get()).values.map((v) => [v.labels, v.value])).toEqual([[{ group: 'g1', topic: 'news.raw', code: 'STORE_UNAVAILABLE' }, 2]]);
  });

  it('waits out an outage longer than the attempt budget: the partition is held (gauge at 1) and heartbeats, nothing is dead-lettered, one commit once through', async () => {
    const OUTAGE = 10;
    let calls = 0;
    const gaugeDuring: number[] = [];
    const { sub, consumers, metrics, published } = setup({
      handler: async () => {
        calls++;
        if (calls > 1) gaugeDuring.push((await metrics.outageWaits.get()).values.reduce((n, v) => n + v.value, 0));
        if (calls <= OUTAGE) throw new AppError('STORE_UNAVAILABLE', 'store away');
      },
    });
    await sub.start();
    const f = fetched([5]);
    await consumers[0].runConfig!.eachBatch(f.payload);
    // The budget is 3 attempts; the outage lasted 10 tries and spent none of them.
    expect([calls, published, f.commits]).toEqual([OUTAGE + 1, [], ['news.raw:3@6']]);
    expect(gaugeDuring).toEqual(Array.from({ length: OUTAGE }, () => 1));
    expect((await metrics.outageWaits.get()).values.map((v) => [v.labels, v.value])).toEqual([[{ group: 'g1', topic: 'news.raw' }, 0]]);
    expect((await metrics.retries.get()).values.map((v) => v.value)).toEqual([OUTAGE]);
    expect((await metrics.deadLetters.get()).values).toEqual([]);
    expect(f.heartbeats()).toBeGreaterThanOrEqual(OUTAGE);
  });

  it('dead-letters after the budget once the errors are about the message, however long an outage before them was', async () => {
    let calls = 0;
    const { sub, consumers, metrics, published } = setup({
      handler: async () => {
        calls++;
        if (calls <= 6) throw new AppError('BUS_TIMEOUT', 'broker slow');
        throw new Error('handler bug on this message');
      },
    });
    await sub.start();
    const f = fetched([9]);
    await consumers[0].runConfig!.eachBatch(f.payload);
    expect(calls).toBe(6 + 3);
    expect(published.map((p) => [p.topic, p.messages.map((m) => [m.headers?.['x-error-code'], m.headers?.['x-attempts'], m.headers?.['x-dead-letter-reason']])])).toEqual([['news.raw.dlq', [['UNKNOWN', '3', 'retries_exhausted']]]]);
    expect(f.commits).toEqual(['news.raw:3@10']);
    expect((await metrics.outageWaits.get()).values.map((v) => v.value)).toEqual([0]);
  });

  it('sends a message whose handler threw a final error to the dead-letter topic and commits past it', async () => {
    const { sub, consumers, published } = setup({
      handler: async () => {
        throw new AppError('SCHEMA_INVALID', 'no title');
      },
    });
    await sub.start();
    const f = fetched([7]);
    await consumers[0].runConfig!.eachBatch(f.payload);
    expect(published.map((p) => [p.topic, p.messages.map((m) => [m.key, m.headers?.['x-error-code'], m.headers?.['x-attempts'], m.headers?.['x-source-offset'], m.headers?.['x-consumer-group']])])).toEqual([['news.raw.dlq', [['k7', 'SCHEMA_INVALID', '1', '7', 'g1']]]]);
    expect(f.commits).toEqual(['news.raw:3@8']);
  });

  it('commits nothing when the partition was taken away before the handler ran', async () => {
    let calls = 0;
    const { sub, consumers } = setup({ handler: async () => void calls++ });
    await sub.start();
    const f = fetched([1, 2], { running: () => false });
    await consumers[0].runConfig!.eachBatch(f.payload);
    expect([calls, f.resolved, f.commits]).toEqual([0, [], []]);
  });

  it('abandons a handler still running at close: no commit (the batch is delivered again), one disconnect', async () => {
    let entered = false;
    const { sub, consumers, closed } = setup({
      handler: () => {
        entered = true;
        return new Promise<void>(() => undefined);
      },
    });
    await sub.start();
    const f = fetched([1]);
    const handling = consumers[0].runConfig!.eachBatch(f.payload);
    await waitFor(() => entered);
    await Promise.all([sub.close(), sub.close()]);
    await handling;
    expect([f.resolved, f.commits, consumers[0].calls.filter((c) => c === 'disconnect').length, closed()]).toEqual([[], [], 1, 1]);
  });

  it('stops for good on an offset out of range of its own partition, once, and ignores one of another member', async () => {
    const fatal: AppError[] = [];
    const { sub, consumers, metrics } = setup({ handler: async () => undefined, onFatal: (e) => void fatal.push(e as AppError) }, 2);
    await sub.start();
    consumers[0].emit('consumer.group_join', { memberAssignment: { 'news.raw': [0] } });
    expect(sub.onOffsetOutOfRange('news.raw', 1)).toBe(false);
    expect(sub.onOffsetOutOfRange('other', 0)).toBe(false);
    expect(sub.failed).toBeUndefined();
    expect(sub.onOffsetOutOfRange('news.raw', 0)).toBe(true);
    expect(sub.onOffsetOutOfRange('news.raw', 0)).toBe(true);
    expect(fatal.length).toBe(1);
    expect([sub.failed?.code, sub.failed?.retryable, sub.failed?.details]).toEqual(['BUS_UNAVAILABLE', false, { reason: 'offset_out_of_range', groupId: 'g1', topic: 'news.raw', partition: 0 }]);
    expect((await metrics.consumerFailures.get()).values.map((v) => v.value)).toEqual([1]);
    // Stopped: a batch fetched after it is neither handled nor committed.
    const f = fetched([3]);
    await consumers[0].runConfig!.eachBatch(f.payload);
    expect(f.commits).toEqual([]);
    await sub.close();
  });

  it('replaces a consumer that crashed on a final error (kafkajs does not restart it), and forgets the crash once the new one joins', async () => {
    const { sub, consumers } = setup({ handler: async () => undefined });
    await sub.start();
    consumers[0].emit('consumer.crash', { error: new Error('INVALID_REQUEST'), restart: false });
    expect(sub.crashed).toMatch(/INVALID_REQUEST/);
    expect(sub.assignments()).toEqual([]);
    await waitFor(() => consumers.length === 2 && consumers[1].calls.includes('run'), { message: 'a replacement consumer runs' });
    // Events of the crashed consumer no longer count.
    consumers[0].emit('consumer.group_join', { memberAssignment: { 'news.raw': [9] } });
    expect(sub.assignments()).toEqual([]);
    consumers[1].emit('consumer.group_join', { memberAssignment: { 'news.raw': [1] } });
    expect([sub.crashed, sub.assignments()]).toEqual([undefined, ['news.raw:1']]);
    await sub.close();
  });

  it('leaves a retriable crash to kafkajs', async () => {
    const { sub, consumers } = setup({ handler: async () => undefined });
    await sub.start();
    consumers[0].emit('consumer.crash', { error: new Error('connection reset'), restart: true });
    expect(sub.crashed).toBeUndefined();
    await sub.close();
    expect(consumers.length).toBe(1);
  });
});

describe('wrapKafkaError', () => {
  it('keeps retryable unless the protocol marks the error final, looking through causes', () => {
    const final = Object.assign(new Error('too large'), { name: 'KafkaJSProtocolError', retriable: false, type: 'MESSAGE_TOO_LARGE' });
    const wrapped = wrapKafkaError(Object.assign(new Error('send failed'), { cause: final }), 'publishing');
    expect([wrapped.code, wrapped.retryable, wrapped.details]).toEqual(['BUS_UNAVAILABLE', false, { kafkaError: 'MESSAGE_TOO_LARGE' }]);
    const transient = wrapKafkaError(Object.assign(new Error('leader moved'), { name: 'KafkaJSProtocolError', retriable: true }), 'publishing');
    expect([transient.code, transient.retryable]).toEqual(['BUS_UNAVAILABLE', true]);
    const own = new AppError('BUS_TIMEOUT', 'late');
    expect(wrapKafkaError(own, 'x')).toBe(own);
  });
});

/** Whether `p` has settled once every pending reaction ran (setImmediate runs after the microtask queue drains). */
async function settledNow(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void p.then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  return settled;
}

describe('StopSignal', () => {
  it('keeps no wait once cancelled, however many there were (a shared pending promise would keep a reaction per race)', async () => {
    const signal = new StopSignal();
    for (let i = 0; i < 10_000; i++) {
      const w = signal.wait();
      await Promise.race([w.promise, Promise.resolve()]);
      w.cancel();
    }
    expect(signal.waiting).toBe(0);
  });

  it('resolves every pending wait when it fires, and a wait after it at once', async () => {
    const signal = new StopSignal();
    const settled: string[] = [];
    const a = signal.wait();
    const b = signal.wait();
    void a.promise.then(() => settled.push('a'));
    void b.promise.then(() => settled.push('b'));
    await Promise.resolve();
    expect([settled, signal.waiting]).toEqual([[], 2]);
    signal.fire();
    await a.promise;
    await b.promise;
    expect(settled.sort()).toEqual(['a', 'b']);
    expect(signal.waiting).toBe(0);
    expect(await settledNow(signal.wait().promise)).toBe(true);
  });

  it('a cancelled wait is not resolved by a later fire', async () => {
    const signal = new StopSignal();
    const w = signal.wait();
    w.cancel();
    signal.fire();
    expect(await settledNow(w.promise)).toBe(false);
  });
});
