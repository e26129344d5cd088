/**
 * Kafka bus over kafkajs: acks=all keyed produce with a hard deadline around every send, and
 * consumer groups that commit a partition's offsets only after the handler resolved for that
 * batch (at-least-once: a handler that throws sees the same batch again, nothing is skipped).
 */
import { Kafka, logLevel, Partitioners, type Admin, type LogEntry, type Message, type Producer } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import { AppError } from '../errors.ts';
import { silentLogger, type Logger } from '../runtime/logger.ts';
import { busMetrics, type BusMetrics } from './bus-metrics.ts';
import { KafkaSubscription, toIncoming, withDeadline, wrapKafkaError } from './kafka-subscription.ts';
import type { Bus, IncomingMessage, OutgoingMessage, SubscribeOptions, Subscription } from './port.ts';

export { wrapKafkaError } from './kafka-subscription.ts';

export type TopicCreator = (topics: { topic: string; partitions: number }[]) => Promise<void>;

export interface KafkaBusOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  clientId?: string;
  /** Hard deadline for one send, connect included (default 10 s): kafkajs can hang on a downed broker. */
  sendTimeoutMs?: number;
  /** Idempotent producer (off by default: the dev broker's mock cluster cannot serve InitProducerId). */
  idempotent?: boolean;
  /**
   * Creates missing topics for `ensureTopics`. Default: kafkajs admin `createTopics` (a real cluster).
   * For the dev broker pass its `ensureTopics`: the mock reports controller id 0, which admin calls cannot reach.
   */
  createTopics?: TopicCreator;
  logger?: Logger;
  /** First retry delay of a failing batch (default 100 ms), doubled per attempt up to `maxRetryBackoffMs` (default 5 s). */
  retryBackoffMs?: number;
  maxRetryBackoffMs?: number;
  /** Attempts of a batch failing with retryable errors about the message before it goes to `<topic>.dlq` (default 100, first try included); an outage's retries spend none. */
  maxDeliveryAttempts?: number;
  /** Registry for the bus's metrics (a private one by default). */
  metrics?: Registry;
  /** Consumer group timing (kafkajs defaults: 30 s session, 3 s heartbeat, 60 s rebalance). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** Longest a fetch waits for data when a partition is idle (default 500 ms). */
  maxWaitTimeMs?: number;
  /** Partitions whose batches are handled at the same time within one subscription (default 8). */
  partitionsConsumedConcurrently?: number;
  /** Deadline for a subscription to connect and join (default 30 s) and for a close (default 30 s). */
  connectTimeoutMs?: number;
  closeTimeoutMs?: number;
  /** kafkajs request timeout (default 10 s). */
  requestTimeoutMs?: number;
  /** Upper bound on one produce request, split by message count and approximate bytes (defaults 5000, 900 kB). */
  maxSendMessages?: number;
  maxSendBytes?: number;
}

export interface KafkaBusHealth {
  /** False while the last send failed or a subscription's consumer crashed without restart. */
  ok: boolean;
  producer: { connected: boolean; consecutiveFailures: number; lastError?: string; lastSuccessAt?: number };
  subscriptions: { groupId: string; topics: string[]; assignments: string[]; crashed?: string; failed?: string }[];
}

/** What kafkajs logs just before it silently moves a group's offset to the default (earliest or latest). */
export const OFFSET_RESET_LOG = 'Offset out of range, resetting to default offset';

const KAFKAJS_TO_PINO: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function kafkajsLevelFor(logger: Logger): logLevel {
  switch (logger.level) {
    case 'trace':
    case 'debug':
      return logLevel.DEBUG;
    case 'info':
      return logLevel.INFO;
    case 'warn':
      return logLevel.WARN;
    default:
      // Errors always reach the log creator, even for a silent logger: the offset-out-of-range guard listens there (pino drops the line).
      return logLevel.ERROR;
  }
}

/** Routes kafkajs logs through pino. Protocol errors kafkajs retries by itself are not our errors: they log one level lower. */
export function kafkajsLogCreator(logger: Logger): () => (entry: LogEntry) => void {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
      let pinoLevel = KAFKAJS_TO_PINO[level] ?? 'debug';
      if (pinoLevel === 'error' && (namespace === 'Connection' || /rebalanc/i.test(String(extra.error ?? '')))) pinoLevel = 'warn';
      else if (pinoLevel === 'warn' && /rebalanc/i.test(`${message} ${String(extra.error ?? '')}`)) pinoLevel = 'info';
      logger[pinoLevel]({ kafkajs: namespace, ...extra }, message);
    };
}

function approxSize(m: OutgoingMessage): number {
  let n = 64 + Buffer.byteLength(m.key) + (Buffer.isBuffer(m.value) ? m.value.length : Buffer.byteLength(m.value));
  for (const [k, v] of Object.entries(m.headers ?? {})) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 8;
  return n;
}

export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  private readonly sendTimeoutMs: number;
  private producer?: Producer;
  private producerConnecting?: Promise<Producer>;
  private admin?: Admin;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private closed = false;
  private closing?: Promise<void>;
  private readonly producerState: KafkaBusHealth['producer'] = { connected: false, consecutiveFailures: 0 };
  private readonly metrics: BusMetrics;

  constructor(private readonly options: KafkaBusOptions) {
    if (options.brokers.length === 0) throw new AppError('CONFIG_INVALID', 'kafka bus: at least one broker is required');
    this.logger = options.logger ?? silentLogger;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
    this.metrics = busMetrics(options.metrics);
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'oilwire',
      brokers: options.brokers,
      logLevel: kafkajsLevelFor(this.logger),
      logCreator: () => {
        const log = kafkajsLogCreator(this.logger)();
        return (entry) => {
          if (entry.namespace === 'ConsumerGroup' && entry.log.message === OFFSET_RESET_LOG) this.offsetOutOfRange(entry.log);
          log(entry);
        };
      },
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      connectionTimeout: 3000,
      retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 8 },
    });
  }

  async ensureTopics(topics: { topic: string; partitions: number }[]): Promise<void> {
    if (this.closed) throw new AppError('BUS_CLOSED', 'kafka bus is closed');
    if (topics.length === 0) return;
    if (this.options.createTopics) {
      try {
        await this.options.createTopics(topics);
      } catch (err) {
        throw wrapKafkaError(err, 'creating topics');
      }
      return;
    }
    const work = (async () => {
      const admin = await this.getAdmin();
      // Existing topics are listed first (a Metadata request for all topics, which creates nothing) so that only
      // missing ones go to CreateTopics: that call needs the controller, which the dev broker's mock cannot serve.
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length === 0) return;
      // false means "already there" (created meanwhile by someone else): that is the point of ensure.
      await admin.createTopics({ topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions })), waitForLeaders: true });
    })();
    try {
      await withDeadline(work, this.options.connectTimeoutMs ?? 30_000, () => new AppError('BUS_TIMEOUT', 'creating topics timed out'));
    } catch (err) {
      throw wrapKafkaError(err, 'creating topics');
    }
  }

  private getProducer(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    if (!this.producerConnecting) {
      const idempotent = this.options.idempotent ?? false;
      const producer = this.kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent,
        ...(idempotent ? { maxInFlightRequests: 1 } : {}),
        allowAutoTopicCreation: true,
      });
      producer.on(producer.events.DISCONNECT, () => {
        this.producerState.connected = false;
      });
      this.producerConnecting = producer.connect().then(
        () => {
          this.producer = producer;
          this.producerState.connected = true;
          return producer;
        },
        (err: unknown) => {
          this.producerConnecting = undefined;
          void producer.disconnect().catch(() => {});
          throw err;
        },
      );
    }
    return this.producerConnecting;
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new AppError('BUS_CLOSED', 'kafka bus is closed');
    if (messages.length === 0) return;
    const maxCount = this.options.maxSendMessages ?? 5000;
    const maxBytes = this.options.maxSendBytes ?? 900_000;
    let chunk: Message[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const batch = chunk;
      chunk = [];
      bytes = 0;
      await this.send(topic, batch);
    };
    for (const m of messages) {
      const size = approxSize(m);
      if (chunk.length >= maxCount || (chunk.length > 0 && bytes + size > maxBytes)) await flush();
      chunk.push({ key: m.key, value: m.value, headers: m.headers });
      bytes += size;
    }
    await flush();
  }

  private async send(topic: string, messages: Message[]): Promise<void> {
    const work = (async () => {
      const producer = await this.getProducer();
      await producer.send({ topic, messages, acks: -1, timeout: this.sendTimeoutMs });
    })();
    try {
      await withDeadline(
        work,
        this.sendTimeoutMs,
        () => new AppError('BUS_TIMEOUT', `send to ${topic} (${messages.length} messages) got no acknowledgement within ${this.sendTimeoutMs} ms`),
      );
      this.producerState.consecutiveFailures = 0;
      this.producerState.lastError = undefined;
      this.producerState.lastSuccessAt = Date.now();
    } catch (err) {
      const wrapped = wrapKafkaError(err, `send to ${topic}`);
      this.producerState.consecutiveFailures++;
      this.producerState.lastError = wrapped.message;
      this.logger.warn({ err: wrapped, topic, messages: messages.length }, 'kafka send failed');
      throw wrapped;
    }
  }

  private async getAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /**
   * Reads a topic from each partition's low watermark to its high watermark at the call, with a
   * throwaway consumer group that never commits (a DLQ is read, not consumed).
   */
  async readTopic(topic: string): Promise<IncomingMessage[]> {
    if (this.closed) throw new AppError('BUS_CLOSED', 'kafka bus is closed');
    const deadline = this.options.connectTimeoutMs ?? 30_000;
    const consumer = this.kafka.consumer({ groupId: `oilwire-reader-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
    const work = (async () => {
      const admin = await this.getAdmin();
      let offsets: Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
      try {
        offsets = await admin.fetchTopicOffsets(topic);
      } catch (err) {
        // A dead-letter topic nobody ever wrote to may not exist: it holds nothing.
        if ((err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return [];
        throw err;
      }
      const ends = new Map(offsets.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
      const out = new Map<number, IncomingMessage[]>();
      if (ends.size === 0) return [];
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition);
          if (end === undefined) return;
          const list = out.get(batch.partition) ?? [];
          out.set(batch.partition, list);
          for (const m of batch.messages) if (Number(m.offset) < end) list.push(toIncoming(topic, batch.partition, m));
          if (Number(batch.lastOffset()) >= end - 1) ends.delete(batch.partition);
          if (ends.size === 0) finish();
        },
      });
      await finished;
      return [...out.keys()].sort((a, b) => a - b).flatMap((p) => out.get(p)!);
    })();
    try {
      return await withDeadline(work, deadline, () => new AppError('BUS_TIMEOUT', `reading ${topic} did not reach its end within ${deadline} ms`));
    } catch (err) {
      throw wrapKafkaError(err, `reading ${topic}`);
    } finally {
      await consumer.disconnect().catch(() => {});
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new AppError('BUS_CLOSED', 'kafka bus is closed');
    const subscription = new KafkaSubscription(options, {
      kafka: this.kafka,
      busOptions: this.options,
      logger: this.logger,
      metrics: this.metrics,
      publish: (topic, messages) => this.publish(topic, messages),
      groupMembers: (groupId) => [...this.subscriptions].filter((s) => s.groupId === groupId).length,
      onClosed: (s) => this.subscriptions.delete(s),
    });
    // Registered before joining, so that a bus.close() during the join closes this member too.
    this.subscriptions.add(subscription);
    await subscription.start();
    return { close: () => subscription.close(), assignments: () => subscription.assignments() };
  }

  health(): KafkaBusHealth {
    const subscriptions = [...this.subscriptions].map((s) => ({
      groupId: s.groupId,
      topics: s.topics,
      assignments: s.assignments(),
      ...(s.crashed ? { crashed: s.crashed } : {}),
      ...(s.failed ? { failed: s.failed.message } : {}),
    }));
    const ok = !this.closed && this.producerState.consecutiveFailures === 0 && subscriptions.every((s) => !s.crashed && !s.failed);
    return { ok, producer: { ...this.producerState }, subscriptions };
  }

  /**
   * Called from inside kafkajs just before it would commit the default offset for an out-of-range
   * partition. Throwing here aborts that reset, so the group's committed offset stays where it was
   * (the fault persists, loudly, until someone decides), and the owning subscription stops.
   */
  private offsetOutOfRange(extra: Record<string, unknown>): void {
    const groupId = String(extra.groupId);
    const topic = String(extra.topic);
    const partition = Number(extra.partition);
    for (const s of this.subscriptions) {
      if (s.groupId === groupId && s.onOffsetOutOfRange(topic, partition)) throw s.failed;
    }
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      const deadline = this.options.closeTimeoutMs ?? 30_000;
      const producer = this.producer ?? (this.producerConnecting ? await this.producerConnecting.catch(() => undefined) : undefined);
      for (const [what, client] of [
        ['producer', producer],
        ['admin', this.admin],
      ] as const) {
        if (!client) continue;
        try {
          await withDeadline(client.disconnect(), deadline, () => new AppError('BUS_TIMEOUT', `${what} disconnect timed out`));
        } catch (err) {
          this.logger.warn({ err: wrapKafkaError(err, `closing ${what}`) }, 'kafka client did not close cleanly');
        }
      }
      this.producerState.connected = false;
    })();
    return this.closing;
  }
}
