import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_RETENTION_BYTES, startDevBroker, type DevBroker } from '../../../../shared/bus/dev-broker.ts';

// librdkafka's mock alone keeps 5 MB per partition; 7 MB in one partition is past that.
const MESSAGES = 3_500;
const VALUE_BYTES = 2_048;

async function produceAll(broker: DevBroker, topic: string): Promise<void> {
  const producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    const value = 'x'.repeat(VALUE_BYTES);
    for (let i = 0; i < MESSAGES; i += 250) {
      const messages = Array.from({ length: Math.min(250, MESSAGES - i) }, (_, j) => ({ key: String(i + j), value }));
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The slowest consumer there is: it starts after everything was produced and reads from the beginning. */
async function consumeFromStart(broker: DevBroker, topic: string): Promise<{ keys: Set<string>; low: string }> {
  const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const [offsets] = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const high = Number(offsets.high);
  const consumer = kafka.consumer({ groupId: `retention-${randomBytes(4).toString('hex')}` });
  const keys = new Set<string>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let last = -1;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          keys.add(message.key!.toString());
          last = Number(message.offset);
          if (last >= high - 1) resolve();
        },
      });
    });
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`consumer stalled at offset ${last} of ${high}`)), 45_000).unref());
    await Promise.race([done, deadline]);
  } finally {
    await consumer.disconnect();
  }
  return { keys, low: offsets.low };
}

describe('dev broker retention', () => {
  let broker: DevBroker | undefined;
  afterEach(async () => {
    await broker?.stop();
    broker = undefined;
  });

  it('keeps everything a slow consumer has not read at the default', async () => {
    broker = await startDevBroker({ brokers: 1, topics: [{ topic: 'retention-default', partitions: 1 }] });
    await produceAll(broker, 'retention-default');
    const { keys, low } = await consumeFromStart(broker, 'retention-default');
    expect(low).toBe('0');
    expect(keys.size).toBe(MESSAGES);
    expect(await broker.stats()).toMatchObject({ retentionBytes: DEFAULT_RETENTION_BYTES, droppedBatches: 0 });
  });

  it('drops the oldest batches past a configured retention, and says so', async () => {
    broker = await startDevBroker({ brokers: 1, topics: [{ topic: 'retention-small', partitions: 1 }], retentionBytes: 1024 * 1024 });
    await produceAll(broker, 'retention-small');
    const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchTopicOffsets('retention-small');
    await admin.disconnect();
    expect(Number(offsets.high)).toBe(MESSAGES);
    // About 1 MB of 2 KB values is left: the start of the log moved well past 0.
    expect(Number(offsets.low)).toBeGreaterThan(MESSAGES / 2);
    const stats = await broker.stats();
    expect(stats.retentionBytes).toBe(1024 * 1024);
    expect(stats.droppedBatches).toBeGreaterThan(0);
  });

  it('changes retention at run time and refuses a bad value', async () => {
    broker = await startDevBroker({ brokers: 1, topics: [] });
    await broker.setRetention(0);
    expect((await broker.stats()).retentionBytes).toBe(0);
    await expect(broker.setRetention(-1)).rejects.toThrow(/retention/);
    await expect(broker.command('retention x')).rejects.toThrow(/usage/);
  });
});
