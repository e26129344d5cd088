import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { scorerConfigSchema, start as startScorer } from '../../../services/scorer/index.ts';
import { publishEvents } from '../../../shared/bus/typed.ts';
import { TOPICS, messageKey } from '../../../shared/contracts/events.ts';
import { systemClock } from '../../../shared/runtime/clock.ts';
import { invalidRecords, kcatRead } from '../../e2e/kafka/helpers.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { headlines, testLogger, topicCount, useWireHarness } from './helpers.ts';

/**
 * Independent client check: what the scorer writes to news.scored over the wire is read back with kcat
 * (librdkafka's command-line client, not kafkajs) and validated against the exported JSON Schema with ajv.
 */
describe('news.scored read by kcat matches infra/schemas/news.scored.schema.json', () => {
  const wire = useWireHarness('kcat');

  it('every record kcat reads is valid, keyed by its article id, and there is one per headline', async () => {
    const N = 300;
    const news = headlines(N);
    const { broker, admin, store } = wire;
    const bus = wire.bus('kcat-scorer');
    const producer = wire.bus('kcat-producer');
    wire.services.push(await startScorer({ bus, store, config: scorerConfigSchema.parse({}), logger: testLogger('kcat'), clock: systemClock, metrics: new Registry() }));
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
