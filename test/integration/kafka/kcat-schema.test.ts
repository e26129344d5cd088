import type { Admin } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start as startScorer } from '../../../services/scorer/main.ts';
import { scorerConfigSchema } from '../../../services/scorer/config.ts';
import { startDevBroker, type DevBroker } from '../../../shared/bus/dev-broker.ts';
import type { KafkaBus } from '../../../shared/bus/kafka-bus.ts';
import { publishEvents } from '../../../shared/bus/typed.ts';
import { TOPICS, messageKey } from '../../../shared/contracts/events.ts';
import { systemClock } from '../../../shared/runtime/clock.ts';
import type { RunningService } from '../../../shared/runtime/service.ts';
import { openStore } from '../../../shared/store/clickhouse-store.ts';
import { quoteIdent, type Store } from '../../../shared/store/port.ts';
import { invalidRecords, kcatRead } from '../../e2e/kafka/helpers.ts';
import { randomName } from '../../helpers/pipeline.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { brokerAdmin, fastKafkaBus, headlines, testLogger, topicCount } from './helpers.ts';

/**
 * Independent client check: what the scorer writes to news.scored over the wire is read back with kcat
 * (librdkafka's command-line client, not kafkajs) and validated against the exported JSON Schema with ajv.
 */
describe('news.scored read by kcat matches infra/schemas/news.scored.schema.json', () => {
  let broker: DevBroker;
  let admin: Admin;
  let store: Store;
  const buses: KafkaBus[] = [];
  let scorer: RunningService | undefined;

  beforeAll(async () => {
    broker = await startDevBroker({ brokers: 3 });
    admin = await brokerAdmin(broker.brokers);
    store = await openStore({ path: ':memory:', database: randomName('kcat') });
  });

  afterAll(async () => {
    await scorer?.stop();
    await Promise.all(buses.map((b) => b.close()));
    await admin?.disconnect();
    if (store) {
      await store.command(`DROP DATABASE IF EXISTS ${quoteIdent(store.database)}`);
      await store.close();
    }
    await broker?.stop();
  });

  it('every record kcat reads is valid, keyed by its article id, and there is one per headline', async () => {
    const N = 300;
    const news = headlines(N);
    const bus = fastKafkaBus(broker, 'kcat-scorer');
    const producer = fastKafkaBus(broker, 'kcat-producer');
    buses.push(bus, producer);
    scorer = await startScorer({ bus, store, config: scorerConfigSchema.parse({}), logger: testLogger('kcat'), clock: systemClock, metrics: new Registry() });
    await publishEvents(producer, TOPICS.newsRaw, news, messageKey.newsRaw);
    await waitFor(async () => (await topicCount(admin, TOPICS.newsScored)) === N, { timeoutMs: 30_000, intervalMs: 100, message: `${N} records on news.scored` });

    const records = await kcatRead(broker.bootstrap, TOPICS.newsScored);
    expect(records).toHaveLength(N);
    expect(invalidRecords(records, TOPICS.newsScored)).toEqual([]);
    for (const r of records) expect((JSON.parse(r.payload!) as { id: string }).id).toBe(r.key);
    expect(new Set(records.map((r) => r.key))).toEqual(new Set(news.map((n) => n.id)));
    // Headlines of every kind were scored: the schema saw more than one shape of result.
    const directions = new Set(records.map((r) => (JSON.parse(r.payload!) as { oil_direction: { label: string } }).oil_direction.label));
    expect(directions.size).toBeGreaterThan(1);

    // The check is not vacuous: the same validator refuses a record that breaks the contract.
    const broken = { ...records[0], payload: JSON.stringify({ ...(JSON.parse(records[0].payload!) as object), relevance: 101, scored_at: 'yesterday' }) };
    expect(invalidRecords([broken], TOPICS.newsScored)).toHaveLength(1);
  });
});
