/**
 * Shared pieces of the Kafka wire tests: headlines to produce, a KafkaBus with group timings short enough
 * for tests, offsets read from the broker (what is on a topic, what a group committed) and counts in the store.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import { startDevBroker, type DevBroker } from '../../../shared/bus/dev-broker.ts';
import { KafkaBus, type KafkaBusOptions } from '../../../shared/bus/kafka-bus.ts';
import type { NewsRaw } from '../../../shared/contracts/events.ts';
import { articleId } from '../../../shared/contracts/ids.ts';
import { createLogger } from '../../../shared/runtime/logger.ts';
import { openStore } from '../../../shared/store/clickhouse-store.ts';
import { migrate } from '../../../shared/store/migrate.ts';
import { quoteIdent, type Store } from '../../../shared/store/port.ts';
import { randomName } from '../../helpers/pipeline.ts';

export const testLogger = (name: string) => createLogger({ level: process.env.OILWIRE_TEST_LOG ?? 'silent', name });

const SUBJECTS = ['Qatar', 'Oman', 'Iran', 'OPEC+', 'Saudi Arabia', 'US Treasury', 'Houthi rebels', 'EIA', 'Russia', 'Iraq'];
const VERBS = ['says talks on', 'warns over', 'announces cut to', 'denies reports of', 'signals progress on', 'imposes sanctions on', 'attacks tankers near', 'reports a build in'];
const OBJECTS = ['ceasefire framework', 'crude exports', 'Hormuz shipping', 'output quotas', 'nuclear deal', 'inventory levels', 'Red Sea routes'];

/** `n` distinct, varied headlines (ids unique per `run`), published a second apart from `startMs`. */
export function headlines(n: number, run: string = randomBytes(4).toString('hex'), startMs = Date.UTC(2026, 5, 1, 9)): NewsRaw[] {
  return Array.from({ length: n }, (_, i) => {
    const title = `${SUBJECTS[i % SUBJECTS.length]} ${VERBS[(i * 7) % VERBS.length]} ${OBJECTS[(i * 13) % OBJECTS.length]} (${run} #${i})`;
    const at = new Date(startMs + i * 1000).toISOString();
    return {
      schema: 'news.raw/v1',
      id: articleId({ guid: `${run}-${i}`, source: 'kafka-test' }),
      source: 'kafka-test',
      url: `https://wire.oilwire.invalid/${run}/${i}`,
      title,
      summary: i % 3 === 0 ? 'Traders weighed the supply outlook.' : '',
      published_at: at,
      published_precision: 'time',
      fetched_at: at,
      tags: ['kafka-test'],
    };
  });
}

/**
 * Group timings of seconds instead of kafkajs' 30 s session. librdkafka's mock completes a rebalance of a
 * group that is already up only after the session timeout less a second, so this is what a rebalance costs.
 */
export const FAST_GROUP: Partial<KafkaBusOptions> = {
  heartbeatIntervalMs: 300,
  sessionTimeoutMs: 3_000,
  rebalanceTimeoutMs: 10_000,
  maxWaitTimeMs: 100,
  retryBackoffMs: 20,
  maxRetryBackoffMs: 300,
};

export function fastKafkaBus(broker: DevBroker, clientId: string, extra: Partial<KafkaBusOptions> = {}): KafkaBus {
  return new KafkaBus({
    brokers: broker.brokers,
    clientId,
    createTopics: (topics) => broker.ensureTopics(topics),
    logger: testLogger(clientId),
    ...FAST_GROUP,
    ...extra,
  });
}

/** A plain kafkajs admin: what the broker itself says, independent of the bus under test. */
export async function brokerAdmin(brokers: string[]): Promise<Admin> {
  const admin = new Kafka({ clientId: 'kafka-test-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  return admin;
}

/** Messages ever written to a topic: the sum of its partitions' high watermarks (nothing is deleted on the dev broker). */
export async function topicCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/** Per partition high watermark of a topic. */
export async function topicHighs(admin: Admin, topic: string): Promise<Record<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return Object.fromEntries(offsets.map((p) => [p.partition, Number(p.high)]));
}

/** Offsets a group has committed on a topic, summed over partitions (an uncommitted partition counts 0). */
export async function committedCount(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** True once a group has committed everything on the topic (it has drained it). */
export async function drained(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const [committed, total] = await Promise.all([committedCount(admin, groupId, topic), topicCount(admin, topic)]);
  return total > 0 && committed === total;
}

export interface NewsCounts {
  /** Rows of the `news` view (read FINAL). */
  view: number;
  /** Distinct ids in the view. */
  distinct: number;
  /** Rows of the raw `news_store` table, merged or not. */
  raw: number;
}

export async function newsCounts(store: Store, ids?: string[]): Promise<NewsCounts> {
  const where = ids ? 'WHERE id IN {ids:Array(String)}' : '';
  const params = ids ? { ids } : undefined;
  const [v] = await store.query<{ n: string; d: string }>(`SELECT count() AS n, uniqExact(id) AS d FROM ${store.table('news')} ${where}`, { params });
  const [r] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('news_store')} ${where}`, { params });
  return { view: Number(v.n), distinct: Number(v.d), raw: Number(r.n) };
}

/** Merges every part so that the raw table shows what the ReplacingMergeTree keeps: one row per id. */
export async function optimizeNews(store: Store): Promise<void> {
  await store.command(`OPTIMIZE TABLE ${store.table('news_store')} FINAL`);
}

/** Ids in the view that do not belong to `ids`, and ids of `ids` missing from it. */
export async function newsIdDiff(store: Store, ids: string[]): Promise<{ missing: string[]; extra: number }> {
  const rows = await store.query<{ id: string }>(`SELECT DISTINCT id FROM ${store.table('news')}`);
  const have = new Set(rows.map((r) => r.id));
  const want = new Set(ids);
  return { missing: ids.filter((id) => !have.has(id)), extra: [...have].filter((id) => !want.has(id)).length };
}

export interface WireHarness {
  readonly broker: DevBroker;
  readonly admin: Admin;
  readonly store: Store;
  /** Services started by the test; stopped first at teardown, last started first. */
  readonly services: { stop(): Promise<void> }[];
  /** A KafkaBus on this harness's broker, closed at teardown. */
  bus(clientId: string, extra?: Partial<KafkaBusOptions>): KafkaBus;
}

/**
 * The setup every wire test shares: its own dev broker (the project's topic names are fixed, so one broker
 * per file is the isolation), an admin client and a fresh migrated database, torn down in reverse order.
 * A test file's own afterAll hooks, registered after this call, run before this teardown.
 */
export function useWireHarness(name: string): WireHarness {
  const state: { broker?: DevBroker; admin?: Admin; store?: Store } = {};
  const buses: KafkaBus[] = [];
  const services: { stop(): Promise<void> }[] = [];
  beforeAll(async () => {
    state.broker = await startDevBroker({ brokers: 3 });
    state.admin = await brokerAdmin(state.broker.brokers);
    state.store = await openStore({ path: ':memory:', database: randomName(name) });
    await migrate(state.store);
  });
  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    await Promise.all(buses.map((b) => b.close()));
    await state.admin?.disconnect();
    if (state.store) {
      await state.store.command(`DROP DATABASE IF EXISTS ${quoteIdent(state.store.database)}`);
      await state.store.close();
    }
    await state.broker?.stop();
  });
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`wire harness: ${what} is not ready (used outside a test?)`);
    return v;
  };
  return {
    get broker() {
      return need(state.broker, 'broker');
    },
    get admin() {
      return need(state.admin, 'admin');
    },
    get store() {
      return need(state.store, 'store');
    },
    services,
    bus(clientId, extra) {
      const bus = fastKafkaBus(need(state.broker, 'broker'), clientId, extra);
      buses.push(bus);
      return bus;
    },
  };
}
