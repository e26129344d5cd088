import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevBroker, type DevBroker } from '../../../shared/bus/dev-broker.ts';
import type { KafkaBus } from '../../../shared/bus/kafka-bus.ts';
import { publishEvents } from '../../../shared/bus/typed.ts';
import { TOPICS, TOPIC_PARTITIONS, messageKey } from '../../../shared/contracts/events.ts';
import { openStore } from '../../../shared/store/clickhouse-store.ts';
import type { Store } from '../../../shared/store/port.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { brokerAdmin, committedCount, drained, fastKafkaBus, headlines, newsCounts, newsIdDiff, topicCount, topicHighs } from '../../integration/kafka/helpers.ts';
import { joinCount, kcatRead, killAll, latestAssignment, startService, stopService } from './helpers.ts';

/**
 * Scale-out with volume, and fault-free test (d): 10,000 headlines through two scorer processes sharing
 * news.raw in one consumer group and a correlator process, each process with its own data folder.
 * Counted exactly at every stage: on news.raw, on news.scored, and in the correlator's store (read here once
 * the correlator drained news.scored and stopped, releasing its folder).
 *
 * Which member holds which partitions comes from each scorer's own log (kafkajs reports every join with its
 * assignment at info level); with no join after the split, each member scored exactly its partitions.
 * Both scorers start at once: joins that reach the dev broker within its first-join delay (3 s) land in one
 * generation. A member joining a group that is already up makes librdkafka's mock wait for the group's session
 * timeout less a second before completing the rebalance, and the CLI runs kafkajs' 30 s (the bus config has no
 * setting for it), so under load the split can take half a minute longer: hence the timeout.
 *
 * The mock also completes a group's sync as soon as the leader's SyncGroup (which carries every member's
 * assignment) arrives, and answers a follower's SyncGroup that comes after it with INVALID_REQUEST, where Kafka
 * would hand over the assignment. The follower's consumer then crashes and is replaced by a new member, which
 * costs rebalances of half a minute each. Added latency on the brokers while the group forms makes the order
 * deterministic: the leader sends its SyncGroup only after a metadata round trip, the follower at once.
 */
const FORMING_RTT_MS = 250;
describe('10,000 headlines through two scorer processes in one group and a correlator process', () => {
  const N = 10_000;
  const GROUP = 'oilwire-scorer';
  let broker: DevBroker;
  let admin: Admin;
  let producer: KafkaBus | undefined;
  let store: Store | undefined;

  beforeAll(async () => {
    broker = await startDevBroker({ brokers: 3 });
    admin = await brokerAdmin(broker.brokers);
  });

  afterAll(async () => {
    await store?.close();
    await killAll();
    await producer?.close();
    await admin?.disconnect();
    await broker?.stop();
  });

  it('the scorers split the partitions and each scores its own; exact counts on news.raw, news.scored and in the store', { timeout: 150_000 }, async () => {
    const news = headlines(N);
    const ids = news.map((n) => n.id);
    // While the group forms, every answer of the brokers is late: the leader's SyncGroup comes after a metadata round
    // trip, so the follower's SyncGroup reaches the mock first (see the note above).
    for (let id = 1; id <= broker.brokers.length; id++) await broker.setRtt(id, FORMING_RTT_MS);
    // Only the two scorers start together, so that neither is slowed by a third process on its way to the group.
    const scorers = await Promise.all(['scorer-a', 'scorer-b'].map((name) => startService('scorer', broker.bootstrap, { name, logLevel: 'info' })));
    const everyPartition = Array.from({ length: TOPIC_PARTITIONS[TOPICS.newsRaw] }, (_, p) => `${TOPICS.newsRaw}:${p}`);
    const [a, b] = await waitFor(
      () => {
        const [x, y] = scorers.map((s) => latestAssignment(s, GROUP) ?? []);
        const split = x.length > 0 && y.length > 0 && x.every((p) => !y.includes(p)) && [...x, ...y].sort().join() === everyPartition.join();
        return split ? [x, y] : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, message: () => `the two scorers to split ${everyPartition.join(', ')}\n${scorers.map((s) => s.tail()).join('\n')}` },
    );
    const joinsAtSplit = scorers.map((s) => joinCount(s, GROUP));
    for (let id = 1; id <= broker.brokers.length; id++) await broker.setRtt(id, 0);

    // The correlator has groups of its own: it starts while the headlines flow and reads news.scored from the beginning.
    const correlatorStarted = startService('correlator', broker.bootstrap);
    producer = fastKafkaBus(broker, 'scale-out-producer');
    for (let i = 0; i < N; i += 500) await publishEvents(producer, TOPICS.newsRaw, news.slice(i, i + 500), messageKey.newsRaw);
    expect(await topicCount(admin, TOPICS.newsRaw)).toBe(N);

    await waitFor(() => drained(admin, GROUP, TOPICS.newsRaw), { timeoutMs: 90_000, intervalMs: 200, message: () => `the scorers to commit all of news.raw\n${scorers.map((s) => s.tail()).join('\n')}` });
    expect(await committedCount(admin, GROUP, TOPICS.newsRaw)).toBe(N);

    // No member joined again while the headlines flowed: each scored exactly the partitions it held, and each held some headlines.
    expect(scorers.map((s) => joinCount(s, GROUP))).toEqual(joinsAtSplit);
    const highs = await topicHighs(admin, TOPICS.newsRaw);
    const scoredBy = (assigned: string[]) => assigned.reduce((sum, tp) => sum + highs[Number(tp.split(':')[1])], 0);
    expect(scoredBy(a)).toBeGreaterThan(0);
    expect(scoredBy(b)).toBeGreaterThan(0);
    expect(scoredBy(a) + scoredBy(b)).toBe(N);

    // No fault and no rebalance during the stream: not a single redelivery, so exactly N scored events, one per headline.
    expect(await topicCount(admin, TOPICS.newsScored)).toBe(N);
    const scored = await kcatRead(broker.bootstrap, TOPICS.newsScored);
    expect(scored).toHaveLength(N);
    expect(new Set(scored.map((r) => r.key))).toEqual(new Set(ids));

    const correlator = await correlatorStarted;
    await waitFor(() => drained(admin, 'oilwire-correlator-news', TOPICS.newsScored), {
      timeoutMs: 90_000,
      intervalMs: 200,
      message: () => `the correlator to commit all of news.scored\n${correlator.tail()}`,
    });
    expect(await committedCount(admin, 'oilwire-correlator-news', TOPICS.newsScored)).toBe(N);
    await Promise.all([...scorers, correlator].map((p) => stopService(p)));

    // The correlator's folder, now free: the one store that holds what it wrote.
    store = await openStore({ path: correlator.dataDir, database: 'oilwire' });
    expect(await newsCounts(store)).toEqual({ view: N, distinct: N, raw: N });
    expect(await newsIdDiff(store, ids)).toEqual({ missing: [], extra: 0 });
  });
});
