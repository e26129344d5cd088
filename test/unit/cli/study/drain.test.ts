import { afterEach, describe, expect, it } from 'vitest';
import { DrainSignal } from '../../../../cli/study/drain.ts';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import type { IncomingMessage } from '../../../../shared/bus/port.ts';
import { AppError } from '../../../../shared/errors.ts';

const suffix = Math.random().toString(36).slice(2, 8);
const topicA = `drain-a-${suffix}`;
const topicB = `drain-b-${suffix}`;
const messages = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));

let bus: DrainSignal;
afterEach(async () => {
  await bus.close();
});

/** A two-stage pipeline on a real in-process bus: stage one forwards every message of topic A to topic B, stage two records what it got. */
async function pipeline(options: { release?: Promise<void>; fail?: (m: IncomingMessage) => boolean } = {}) {
  bus = new DrainSignal(new MemoryBus({ defaultPartitions: 3, retryBackoffMs: 1 }));
  await bus.ensureTopics([
    { topic: topicA, partitions: 3 },
    { topic: topicB, partitions: 2 },
  ]);
  const received: string[] = [];
  await bus.subscribe({
    groupId: `stage-one-${suffix}`,
    topics: [topicA],
    maxBatchSize: 7,
    handler: async (batch) => {
      await options.release;
      await bus.publish(topicB, batch.map((m) => ({ key: m.key, value: m.value })));
    },
  });
  await bus.subscribe({
    groupId: `stage-two-${suffix}`,
    topics: [topicB],
    maxBatchSize: 5,
    handler: async (batch) => {
      for (const m of batch) if (options.fail?.(m)) throw new AppError('SCHEMA_INVALID', 'poison');
      received.push(...batch.map((m) => m.key));
    },
  });
  return received;
}

describe('DrainSignal', () => {
  it('settles only once the last stage has handled everything the first stage derived', async () => {
    const received = await pipeline();
    await bus.publish(topicA, messages(100));
    await bus.drained(60_000, () => 'not drained');
    expect(received.sort()).toEqual(messages(100).map((m) => m.key).sort());
    expect(bus.isDrained()).toBe(true);
    expect(bus.publishedTo(topicB)).toBe(100);
    expect(bus.handledOf(topicA)).toBe(100);
    expect(bus.handledOf(topicB)).toBe(100);
    // The rest of the Bus port is the wrapped bus's.
    expect(bus.kind).toBe('memory');
    expect((await bus.readTopic(topicB)).map((m) => m.key).sort()).toEqual(received.sort());
  });

  it('is not drained while a stage is still working, and says how far it got when it gives up', async () => {
    let release!: () => void;
    const received = await pipeline({ release: new Promise<void>((r) => (release = r)) });
    await bus.publish(topicA, messages(10));
    expect(bus.isDrained()).toBe(false);
    await expect(bus.drained(50, () => `stuck at ${bus.handledOf(topicB)}/${bus.publishedTo(topicA)}`)).rejects.toThrow('stuck at 0/10');
    const done = bus.drained(60_000, () => 'not drained');
    release();
    await done;
    expect(received).toHaveLength(10);
  });

  it('counts a message dead-lettered by a final error as handled, so a poison message at the end of a partition does not hang the wait', async () => {
    const received = await pipeline({ fail: (m) => m.key === 'poison' });
    await bus.publish(topicA, messages(20));
    await bus.drained(60_000, () => 'not drained');
    // Published after everything else has gone through: the last message of its partition, nothing after it to move past.
    await bus.publish(topicA, [{ key: 'poison', value: 'x' }]);
    await bus.drained(10_000, () => `poison message not counted: ${bus.handledOf(topicB)}/${bus.publishedTo(topicB)}`);
    expect(received.sort()).toEqual(messages(20).map((m) => m.key).sort());
    expect(bus.handledOf(topicB)).toBe(21);
  });

  it('is drained at once when nothing was published', async () => {
    await pipeline();
    expect(bus.isDrained()).toBe(true);
    await expect(bus.drained(60_000, () => 'not drained')).resolves.toBeUndefined();
  });
});
