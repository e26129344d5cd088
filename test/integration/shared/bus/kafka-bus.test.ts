import { afterAll, beforeAll, describe } from 'vitest';
import { startDevBroker, type DevBroker } from '../../../../shared/bus/dev-broker.ts';
import { KafkaBus } from '../../../../shared/bus/kafka-bus.ts';
import { createLogger } from '../../../../shared/runtime/logger.ts';
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
    async () => {
      const bus = new KafkaBus({
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
    { waitMs: 30_000 },
  );
});
