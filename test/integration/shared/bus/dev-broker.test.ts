import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { buildDevBroker, DEV_BROKER_BINARY, defaultDevBrokerTopics, startDevBroker, type DevBroker } from '../../../../shared/bus/dev-broker.ts';
import { AppError } from '../../../../shared/errors.ts';

describe('dev broker', () => {
  let broker: DevBroker;

  beforeAll(async () => {
    broker = await startDevBroker({ brokers: 2 });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('builds once and is then up to date', async () => {
    expect(await buildDevBroker()).toBe(DEV_BROKER_BINARY);
  });

  it('prints a bootstrap address with one listener per broker', () => {
    expect(broker.brokers).toHaveLength(2);
    for (const b of broker.brokers) expect(b).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('creates the project topics (and their DLQs) with their partition counts', async () => {
    const admin = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const expected = defaultDevBrokerTopics();
      const meta = await admin.fetchTopicMetadata({ topics: expected.map((t) => t.topic) });
      const got = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]));
      expect(got).toEqual(Object.fromEntries(expected.map((t) => [t.topic, t.partitions])));
    } finally {
      await admin.disconnect();
    }
  });

  it('answers commands: ok for good ones, AppError for refused ones', async () => {
    expect(await broker.command('ping')).toBe('ok pong');
    await broker.createTopic('dev-broker-test-topic', 3);
    await broker.createTopic('dev-broker-test-topic', 3);
    await broker.brokerDown(2);
    await broker.brokerUp(2);
    await broker.setRtt(1, 0);
    await broker.injectErrors('Produce', 0, 0);
    await expect(broker.command('down 9')).rejects.toBeInstanceOf(AppError);
    await expect(broker.command('bogus')).rejects.toThrow(/unknown command/);
    await expect(broker.createTopic('bad name', 1)).rejects.toThrow(/invalid topic/);
  });

  it('stops cleanly and reports its exit', async () => {
    const other = await startDevBroker({ brokers: 1, topics: [] });
    await other.stop();
    expect(await other.exited).toEqual({ code: 0, signal: null });
    await expect(other.command('ping')).rejects.toThrow(/not running/);
  });

  it('exits cleanly on SIGTERM', async () => {
    const other = await startDevBroker({ brokers: 1, topics: [] });
    process.kill(other.pid, 'SIGTERM');
    expect(await other.exited).toEqual({ code: 0, signal: null });
  });
});
