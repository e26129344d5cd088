import { describe, expect, it } from 'vitest';
import { KafkaBus } from '../../../../shared/bus/kafka-bus.ts';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { busConfigSchema, openBus } from '../../../../shared/bus/open-bus.ts';

describe('busConfigSchema', () => {
  it('defaults to the in-process bus', () => {
    expect(busConfigSchema.parse({})).toEqual({
      kind: 'memory',
      brokers: [],
      clientId: 'oilwire',
      sendTimeoutMs: 10_000,
      idempotent: false,
      maxDeliveryAttempts: 100,
      devBrokerRetentionBytes: 1024 * 1024 * 1024,
      fsync: true,
      replayWindow: 1000,
    });
  });

  it('accepts brokers as a list or a comma-separated string', () => {
    expect(busConfigSchema.parse({ kind: 'kafka', brokers: 'a:9092, b:9093' }).brokers).toEqual(['a:9092', 'b:9093']);
    expect(busConfigSchema.parse({ kind: 'kafka', brokers: ['127.0.0.1:9092'] }).brokers).toEqual(['127.0.0.1:9092']);
  });

  it('refuses kafka without brokers, and brokers that are not host:port', () => {
    const none = busConfigSchema.safeParse({ kind: 'kafka' });
    expect(none.success).toBe(false);
    expect(none.error?.issues[0].path).toEqual(['brokers']);
    expect(busConfigSchema.safeParse({ kind: 'kafka', brokers: ['localhost'] }).success).toBe(false);
    expect(busConfigSchema.safeParse({ kind: 'rabbit' }).success).toBe(false);
  });
});

describe('openBus', () => {
  it('opens the bus the config names', async () => {
    const memory = await openBus();
    expect(memory).toBeInstanceOf(MemoryBus);
    const kafka = await openBus({ kind: 'kafka', brokers: ['127.0.0.1:1'], sendTimeoutMs: 500 });
    expect(kafka).toBeInstanceOf(KafkaBus);
    expect(kafka.kind).toBe('kafka');
    await Promise.all([memory.close(), kafka.close()]);
  });

  it('passes the injected topic creator to Kafka', async () => {
    const created: string[] = [];
    const bus = await openBus({ kind: 'kafka', brokers: ['127.0.0.1:1'] }, undefined, { createTopics: async (t) => void created.push(...t.map((x) => x.topic)) });
    await bus.ensureTopics?.([{ topic: 'news.raw', partitions: 4 }]);
    expect(created).toEqual(['news.raw']);
    await bus.close();
  });

  it('reports an invalid config as CONFIG_INVALID naming the key', async () => {
    await expect(openBus({ kind: 'kafka', brokers: [] })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('bus.brokers') });
  });
});
