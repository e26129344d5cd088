import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevBroker, type DevBroker } from '../../../../shared/bus/dev-broker.ts';
import { KafkaBus } from '../../../../shared/bus/kafka-bus.ts';
import { AppError } from '../../../../shared/errors.ts';
import { createLogger } from '../../../../shared/runtime/logger.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { runBusConformance } from './bus-conformance.ts';

/** Kafka over the wire: the same suite as the in-process bus, against the dev broker. */
describe('KafkaBus conformance (dev broker)', () => {
  let broker: DevBroker;
  const logger = createLogger({ level: process.env.OILWIRE_TEST_LOG ?? 'silent', name: 'kafka-bus-test' });

  beforeAll(async () => {
    broker = await startDevBroker({ brokers: 3, topics: [] });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  runBusConformance(
    'kafka',
    async (options = {}) => {
      const bus = new KafkaBus({
        ...options,
        brokers: broker.brokers,
        clientId: 'conformance',
        createTopics: (topics) => broker.ensureTopics(topics),
        logger,
        sendTimeoutMs: 10_000,
        heartbeatIntervalMs: 200,
        sessionTimeoutMs: 6_000,
        rebalanceTimeoutMs: 10_000,
        maxWaitTimeMs: 100,
        retryBackoffMs: 20,
        maxRetryBackoffMs: 200,
      });
      return { bus, cleanup: () => bus.close() };
    },
    { waitMs: 30_000, concurrent: true },
  );
});

/** What only the Kafka adapter has to get right: deadlines on a dead broker, and consumers that do not stay dead. */
describe('KafkaBus over the wire: failures of the broker', () => {
  let broker: DevBroker;
  const logger = createLogger({ level: process.env.OILWIRE_TEST_LOG ?? 'silent', name: 'kafka-bus-test' });
  const buses: KafkaBus[] = [];
  const makeBus = (extra: Partial<ConstructorParameters<typeof KafkaBus>[0]> = {}) => {
    const bus = new KafkaBus({
      brokers: broker.brokers,
      clientId: 'kafka-failures',
      createTopics: (topics) => broker.ensureTopics(topics),
      logger,
      heartbeatIntervalMs: 200,
      sessionTimeoutMs: 3_000,
      rebalanceTimeoutMs: 5_000,
      maxWaitTimeMs: 100,
      ...extra,
    });
    buses.push(bus);
    return bus;
  };
  const rand = () => randomBytes(4).toString('hex');

  beforeAll(async () => {
    broker = await startDevBroker({ brokers: 1, topics: [] });
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await broker?.stop();
  });

  it('a send to a downed broker fails with a retryable BUS_TIMEOUT at its deadline instead of hanging, and succeeds once it is back', async () => {
    const bus = makeBus({ sendTimeoutMs: 1_000 });
    const topic = `down-${rand()}`;
    await bus.ensureTopics([{ topic, partitions: 2 }]);
    await bus.publish(topic, [{ key: 'a', value: 'before' }]);
    expect(bus.health().ok).toBe(true);

    await broker.brokerDown(1);
    try {
      const failure = await bus.publish(topic, [{ key: 'a', value: 'during' }]).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({ code: 'BUS_TIMEOUT', retryable: true });
      expect(bus.health()).toMatchObject({ ok: false, producer: { consecutiveFailures: 1 } });
    } finally {
      await broker.brokerUp(1);
    }
    await waitFor(
      () =>
        bus.publish(topic, [{ key: 'a', value: 'after' }]).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 20_000, intervalMs: 100, message: 'a publish to succeed after the broker is back' },
    );
    expect(bus.health()).toMatchObject({ ok: true, producer: { consecutiveFailures: 0 } });
  });

  it('a consumer that crashed on an error kafkajs deems final is replaced, and the group consumes everything', async () => {
    const bus = makeBus();
    const topic = `crash-${rand()}`;
    await bus.ensureTopics([{ topic, partitions: 2 }]);
    const payloads = Array.from({ length: 30 }, (_, i) => ({ key: `k-${i % 5}`, value: String(i) }));
    await bus.publish(topic, payloads);
    // The dev broker answers the next SyncGroup with INVALID_REQUEST: kafkajs gives up on that consumer for good.
    await broker.injectErrors('SyncGroup', 1, 'INVALID_REQUEST');
    const seen: string[] = [];
    const sub = await bus.subscribe({ groupId: `g-${rand()}`, topics: [topic], handler: async (b) => void seen.push(...b.map((m) => m.value.toString())) });
    try {
      await waitFor(() => seen.length >= payloads.length, { timeoutMs: 40_000, message: () => `${payloads.length} messages, got ${seen.length}` });
      expect(seen.sort((a, b) => Number(a) - Number(b))).toEqual(payloads.map((p) => p.value));
      expect(sub.assignments()).toEqual([`${topic}:0`, `${topic}:1`]);
      expect(bus.health().subscriptions).toEqual([{ groupId: expect.any(String), topics: [topic], assignments: [`${topic}:0`, `${topic}:1`] }]);
    } finally {
      await sub.close();
    }
  });

  it('close() while a member is still joining leaves nothing running', async () => {
    const bus = makeBus();
    const topic = `closing-${rand()}`;
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    const group = `g-${rand()}`;
    const first = await bus.subscribe({ groupId: group, topics: [topic], handler: async () => {} });
    // The second member's join waits for the group to rebalance; closing the bus must cut it short, not hang.
    const second = bus.subscribe({ groupId: group, topics: [topic], handler: async () => {} }).catch((err: unknown) => err);
    await first.close();
    await bus.close();
    const outcome = await second;
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(AppError);
    expect(bus.health().subscriptions).toEqual([]);
    await expect(bus.publish(topic, [{ key: 'k', value: 'v' }])).rejects.toMatchObject({ code: 'BUS_CLOSED' });
  });
});
