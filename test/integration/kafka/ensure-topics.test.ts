import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDevBrokerTopics, startDevBroker, type DevBroker } from '../../../shared/bus/dev-broker.ts';
import { openBus } from '../../../shared/bus/open-bus.ts';
import type { Bus } from '../../../shared/bus/port.ts';

/**
 * A bus opened from configuration alone (no `createTopics` of the dev broker), as `oilwire run ... --kafka host:port`
 * does against a broker someone else started: topics that exist must not go to CreateTopics, which the mock cannot serve.
 */
describe('ensureTopics against an already-running dev broker, without its createTopics', () => {
  let broker: DevBroker;
  let bus: Bus | undefined;

  beforeAll(async () => {
    broker = await startDevBroker({ brokers: 3 });
  });
  afterAll(async () => {
    await bus?.close();
    await broker?.stop();
  });

  it('is a no-op for the project topics the broker already has, and leaves their partition counts alone', async () => {
    bus = await openBus({ kind: 'kafka', brokers: broker.brokers, clientId: 'ensure-topics-test' });
    const topics = defaultDevBrokerTopics();
    await bus.ensureTopics!(topics);
    await bus.ensureTopics!(topics);

    const admin = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
      expect(Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]))).toEqual(Object.fromEntries(topics.map((t) => [t.topic, t.partitions])));
    } finally {
      await admin.disconnect();
    }
    await bus.publish('news.raw', [{ key: 'k', value: 'v' }]);
  });
});
