import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KafkaBus } from '../../../../shared/bus/kafka-bus.ts';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { busConfigSchema, openBus } from '../../../../shared/bus/open-bus.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

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

  it('takes a broker only as one whole host:port: no space, no comma, nothing before or after, empty list items dropped', () => {
    const brokers = (b: unknown) => busConfigSchema.safeParse({ kind: 'kafka', brokers: b });
    expect(brokers('a:9092,,b:9093,').data?.brokers).toEqual(['a:9092', 'b:9093']);
    for (const bad of [['a b:9092'], ['a:9092 x'], ['a:9092x'], ['a:123456'], ['a:'], [':9092'], ['a,b:9092']]) {
      const r = brokers(bad);
      expect({ bad, success: r.success }).toEqual({ bad, success: false });
      expect(r.error?.issues[0]?.message).toBe('expected host:port');
    }
    expect(brokers(['kafka-1.internal:9092', '[::1]:19092']).success).toBe(true);
  });

  it('bounds every number and name it takes, at both ends', () => {
    const ok = (c: Record<string, unknown>) => busConfigSchema.safeParse(c).success;
    const bounds: Array<[string, unknown, unknown, unknown, unknown]> = [
      // key, lowest taken, highest taken, just below, just above
      ['clientId', 'x', 'x'.repeat(200), '', 'x'.repeat(201)],
      ['sendTimeoutMs', 1, 600_000, 0, 600_001],
      ['sessionTimeoutMs', 1000, 600_000, 999, 600_001],
      ['heartbeatIntervalMs', 100, 60_000, 99, 60_001],
      ['rebalanceTimeoutMs', 1000, 600_000, 999, 600_001],
      ['maxDeliveryAttempts', 1, 100_000, 0, 100_001],
      ['journalDir', 'd', 'a/long/folder/name', '', undefined],
      ['devBrokerRetentionBytes', 0, 2 ** 40, -1, undefined],
      ['replayWindow', 0, 10_000_000, -1, 10_000_001],
    ];
    for (const [key, lo, hi, below, above] of bounds) {
      expect({ key, lo: ok({ [key]: lo }), hi: ok({ [key]: hi }), below: ok({ [key]: below }), above: above === undefined ? false : ok({ [key]: above }) }).toEqual({ key, lo: true, hi: true, below: false, above: false });
    }
    expect(ok({ unknownKey: 1 })).toBe(false);
    // Either kind may be named, not only defaulted to.
    expect(busConfigSchema.parse({ kind: 'memory' }).kind).toBe('memory');
    expect(busConfigSchema.parse({ kind: 'kafka', brokers: ['a:1'] }).kind).toBe('kafka');
  });

  it('says why kafka without brokers is refused, on the brokers key', () => {
    const none = busConfigSchema.safeParse({ kind: 'kafka' });
    expect(none.error?.issues.map((i) => [i.code, i.path, i.message])).toEqual([['custom', ['brokers'], 'kafka needs at least one broker (host:port)']]);
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

  it('lists every issue of an invalid config, by its dotted key, (root) for the config itself', async () => {
    await expect(openBus({ kind: 'kafka', brokers: ['a:1', 'nope'], replayWindow: -1 })).rejects.toMatchObject({
      message: 'invalid bus config: bus.brokers.1: expected host:port; bus.replayWindow: Too small: expected number to be >=0',
    });
    await expect(openBus('memory' as never)).rejects.toMatchObject({ message: 'invalid bus config: bus.(root): Invalid input: expected object, received string' });
  });

  it('opens the in-process bus with the configured journal folder and delivery attempts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oilwire-open-bus-'));
    try {
      const bus = await openBus({ journalDir: join(dir, 'bus'), fsync: false, maxDeliveryAttempts: 1 });
      await bus.publish('t', [{ key: 'k', value: 'v' }]);
      expect(existsSync(join(dir, 'bus', 'journal.log'))).toBe(true);
      let calls = 0;
      const sub = await bus.subscribe({
        groupId: 'g',
        topics: ['t'],
        handler: async () => {
          calls++;
          throw new Error('bug');
        },
      });
      // One attempt: the message is dead-lettered at its first failure, not retried.
      const letters = await waitFor(async () => {
        const got = await bus.readTopic!('t.dlq');
        return got.length > 0 && got;
      }, { message: 'the dead letter' });
      expect(letters.map((m) => m.headers['x-attempts'])).toEqual(['1']);
      expect(calls).toBe(1);
      await sub.close();
      await bus.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
