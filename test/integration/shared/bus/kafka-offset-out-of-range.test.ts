import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startDevBroker, type DevBroker } from '../../../../shared/bus/dev-broker.ts';
import { KafkaBus } from '../../../../shared/bus/kafka-bus.ts';
import type { IncomingMessage, Subscription } from '../../../../shared/bus/port.ts';
import { createLogger } from '../../../../shared/runtime/logger.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

/**
 * A consumer group that fell behind the broker's retention, over the wire: the dev broker keeps
 * 1 MB per partition here, the group committed offset 100 and then 7 MB more arrived. kafkajs
 * alone would log "Offset out of range, resetting to default offset", commit the earliest
 * offset and go on, skipping everything in between without a word. The bus stops instead.
 */
describe('KafkaBus: a committed offset that fell out of retention', () => {
  let broker: DevBroker | undefined;
  const logger = createLogger({ level: process.env.OILWIRE_TEST_LOG ?? 'silent', name: 'kafka-oor-test' });
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
    await broker?.stop();
    broker = undefined;
  });

  it('stops the subscription with an AppError and a metric, delivers nothing and keeps the committed offset', async () => {
    const topic = `oor-${randomBytes(4).toString('hex')}`;
    const groupId = `oor-group-${randomBytes(4).toString('hex')}`;
    broker = await startDevBroker({ brokers: 1, topics: [{ topic, partitions: 1 }], retentionBytes: 1024 * 1024 });
    const b = broker;
    const registry = new Registry();
    const bus = new KafkaBus({
      brokers: b.brokers,
      clientId: 'oor',
      createTopics: (t) => b.ensureTopics(t),
      logger,
      metrics: registry,
      heartbeatIntervalMs: 200,
      sessionTimeoutMs: 3_000,
      rebalanceTimeoutMs: 5_000,
      maxWaitTimeMs: 100,
    });
    closers.push(() => bus.close());
    const value = 'v'.repeat(2_048);
    const publish = async (from: number, count: number) => {
      for (let i = from; i < from + count; i += 250) await bus.publish(topic, Array.from({ length: Math.min(250, from + count - i) }, (_, j) => ({ key: `k${i + j}`, value })));
    };

    await publish(0, 100);
    const first: IncomingMessage[] = [];
    const sub1 = await bus.subscribe({ groupId, topics: [topic], handler: async (batch) => void first.push(...batch) });
    await waitFor(() => first.length === 100, { timeoutMs: 30_000, message: () => `first 100 consumed, got ${first.length}` });
    await sub1.close();

    // 7 MB while the group is away: the broker keeps about the last 1 MB.
    await publish(100, 3_500);
    const kafka = new Kafka({ brokers: b.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    const [offsets] = await admin.fetchTopicOffsets(topic);
    expect(Number(offsets.low)).toBeGreaterThan(100);
    const committed = async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions[0].offset;
    expect(await committed()).toBe('100');

    const later: IncomingMessage[] = [];
    const fatal: Error[] = [];
    const sub2: Subscription = await bus.subscribe({ groupId, topics: [topic], handler: async (batch) => void later.push(...batch), onFatal: (err) => void fatal.push(err) });
    closers.push(() => sub2.close());
    await waitFor(() => fatal.length > 0, { timeoutMs: 30_000, message: 'the subscription to fail' });

    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: false, details: { reason: 'offset_out_of_range', groupId, topic, partition: 0 } });
    expect(fatal[0].message).toMatch(/out of range/);
    const health = bus.health();
    expect(health.ok).toBe(false);
    expect(health.subscriptions.find((s) => s.groupId === groupId)?.failed).toMatch(/out of range/);
    const failures = (await registry.getMetricsAsJSON()).find((m) => m.name === 'oilwire_bus_consumer_failures_total');
    expect(failures?.values).toEqual([{ labels: { group: groupId, topic, reason: 'offset_out_of_range' }, value: 1 }]);
    // Nothing was skipped to: no message delivered, and the group's offset is where it was, for someone to decide.
    await sub2.close();
    expect(later).toEqual([]);
    expect(await committed()).toBe('100');
  });
});
