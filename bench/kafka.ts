/**
 * Messages/s through Kafka on the dev broker (librdkafka's mock cluster, real wire protocol on localhost):
 * the project's bus (KafkaBus: acks=all with a send deadline, consumer group committing after each handled
 * batch) beside plain kafkajs producing and consuming the same messages in the same run.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { startDevBroker, type DevBroker } from '../shared/bus/dev-broker.ts';
import { KafkaBus } from '../shared/bus/kafka-bus.ts';
import type { OutgoingMessage, Subscription } from '../shared/bus/port.ts';
import { encodeEvent } from '../shared/bus/typed.ts';
import { AppError } from '../shared/errors.ts';
import { syntheticHeadlines } from './pipeline.ts';
import { percentile, type Report } from './report.ts';

const PARTITIONS = 4;
/** Messages per publish call / send request on both sides, as a producing service would batch them. */
const CHUNK = 500;
/** Both consumers wait at most this long for data on an idle partition (the bus's default). */
const MAX_WAIT_MS = 500;

interface Round {
  /** Seconds from the first send to the last message handled by the consumer. */
  endToEnd: number;
  /** Seconds from the first send to the last acknowledgement. */
  produce: number;
}

function deadline(ms: number, what: string): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('BUS_TIMEOUT', `bench kafka: ${what} did not finish within ${ms} ms`)), ms);
  });
  promise.catch(() => {});
  return { promise, clear: () => clearTimeout(timer) };
}

/** Resolves once `count` distinct keys have been seen through `onMessage`. */
function counter(count: number) {
  const seen = new Set<string>();
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  return {
    seen,
    all,
    add(key: string) {
      seen.add(key);
      if (seen.size === count) done();
    },
  };
}

async function roundBus(broker: DevBroker, topic: string, messages: OutgoingMessage[]): Promise<Round> {
  const bus = new KafkaBus({ brokers: broker.brokers, clientId: 'bench-bus', createTopics: (t) => broker.ensureTopics(t), maxWaitTimeMs: MAX_WAIT_MS });
  let sub: Subscription | undefined;
  try {
    await bus.ensureTopics([{ topic, partitions: PARTITIONS }]);
    const received = counter(messages.length);
    // Joined before the clock starts: the group join is not what is measured.
    sub = await bus.subscribe({ groupId: `bench-bus-${randomBytes(4).toString('hex')}`, topics: [topic], handler: async (batch) => batch.forEach((m) => received.add(m.key)) });
    const limit = deadline(120_000, 'the bus round');
    const t0 = performance.now();
    for (let i = 0; i < messages.length; i += CHUNK) await Promise.race([bus.publish(topic, messages.slice(i, i + CHUNK)), limit.promise]);
    const produced = performance.now();
    await Promise.race([received.all, limit.promise]);
    const consumed = performance.now();
    limit.clear();
    return { produce: (produced - t0) / 1000, endToEnd: (consumed - t0) / 1000 };
  } finally {
    await sub?.close();
    await bus.close();
  }
}

async function roundRaw(broker: DevBroker, topic: string, messages: OutgoingMessage[]): Promise<Round> {
  await broker.ensureTopics([{ topic, partitions: PARTITIONS }]);
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer: Consumer = kafka.consumer({ groupId: `bench-raw-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: MAX_WAIT_MS });
  try {
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = counter(messages.length);
    // The same partition concurrency as the bus gets with its default; offsets committed the kafkajs way (auto-commit).
    await consumer.run({ partitionsConsumedConcurrently: PARTITIONS, eachBatch: async ({ batch }) => batch.messages.forEach((m) => received.add(m.key!.toString())) });
    const limit = deadline(120_000, 'the raw kafkajs round');
    const t0 = performance.now();
    for (let i = 0; i < messages.length; i += CHUNK) {
      const chunk = messages.slice(i, i + CHUNK).map((m) => ({ key: m.key, value: m.value }));
      await Promise.race([producer.send({ topic, messages: chunk, acks: -1 }), limit.promise]);
    }
    const produced = performance.now();
    await Promise.race([received.all, limit.promise]);
    const consumed = performance.now();
    limit.clear();
    return { produce: (produced - t0) / 1000, endToEnd: (consumed - t0) / 1000 };
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
  }
}

/**
 * `messages` news.raw-sized JSON messages (about 400 bytes, keyed by article id) in chunks of 500, rounds
 * alternating between raw kafkajs and the bus, each on a fresh topic and group; the median round of each counts.
 */
export async function benchKafka(report: Report, options: { messages?: number; rounds?: number } = {}): Promise<void> {
  const n = options.messages ?? 50_000;
  const rounds = options.rounds ?? 5;
  const messages: OutgoingMessage[] = syntheticHeadlines(n, Date.UTC(2026, 5, 1, 9)).map((h) => ({ key: h.id, value: encodeEvent(h) }));
  const broker = await startDevBroker({ brokers: 3, topics: [] });
  try {
    const raw: Round[] = [];
    const bus: Round[] = [];
    // A warm-up pair (JIT, connections to the dev broker's listeners), then rounds in alternating order.
    await roundRaw(broker, 'bench.warmup.raw', messages.slice(0, 2000));
    await roundBus(broker, 'bench.warmup.bus', messages.slice(0, 2000));
    for (let r = 0; r < rounds; r++) {
      const runRaw = async () => raw.push(await roundRaw(broker, `bench.raw.${r}`, messages));
      const runBus = async () => bus.push(await roundBus(broker, `bench.bus.${r}`, messages));
      if (r % 2 === 0) await runRaw().then(runBus);
      else await runBus().then(runRaw);
    }
    const median = (rs: Round[], k: keyof Round) => percentile(rs.map((x) => x[k]), 50);
    const rawE2e = n / median(raw, 'endToEnd');
    const busE2e = n / median(bus, 'endToEnd');
    const rawProduce = n / median(raw, 'produce');
    const busProduce = n / median(bus, 'produce');
    report({ name: `baseline: raw kafkajs send (acks=all) -> eachBatch, ${n} msgs, ${PARTITIONS} partitions`, value: rawE2e, unit: 'msg/s' });
    report({ name: `bus: KafkaBus publish -> subscribe (commit per batch), ${n} msgs`, value: busE2e, unit: 'msg/s', baseline: 'raw kafkajs', ratio: busE2e / rawE2e });
    report({ name: 'baseline: raw kafkajs send (acks=all), produce only', value: rawProduce, unit: 'msg/s' });
    report({ name: 'bus: KafkaBus publish (acks=all, send deadline), produce only', value: busProduce, unit: 'msg/s', baseline: 'raw kafkajs send', ratio: busProduce / rawProduce });
  } finally {
    await broker.stop();
  }
}
