/**
 * One consumer-group subscription of the Kafka bus: its kafkajs consumer, the batches it handles
 * and commits, the pauses between retries, the replacement of a consumer that crashed for good,
 * the offset-out-of-range stop and the close. The state lives in fields, each step is a method.
 *
 * The kafkajs error mapping and the deadline race live here, not in kafka-bus.ts, because both
 * files need them and the bus depends on this file, not the other way round.
 */
import type { Batch, Consumer, ConsumerConfig, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { AppError, wrapError } from '../errors.ts';
import type { Logger } from '../runtime/logger.ts';
import type { BusMetrics } from './bus-metrics.ts';
import { deliverBatch, type DeliveryPolicy } from './delivery.ts';
import type { KafkaBusOptions } from './kafka-bus.ts';
import type { IncomingMessage, OutgoingMessage, SubscribeOptions } from './port.ts';

interface KafkaLikeError {
  name?: string;
  message?: string;
  type?: string;
  retriable?: boolean;
  cause?: unknown;
}

/** A kafkajs error becomes an AppError; only errors the protocol marks final (message too large, bad topic...) lose `retryable`. */
export function wrapKafkaError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  let original = err as KafkaLikeError | undefined;
  while (original && typeof original === 'object' && original.cause && typeof original.cause === 'object') original = original.cause as KafkaLikeError;
  const final = original?.name === 'KafkaJSProtocolError' && original.retriable === false;
  const wrapped = wrapError('BUS_UNAVAILABLE', err, what);
  if (!final) return wrapped;
  return new AppError('BUS_UNAVAILABLE', wrapped.message, { cause: err, retryable: false, details: { kafkaError: original?.type } });
}

/** Races `work` against a timer; the loser's result is dropped (and its rejection swallowed). */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => AppError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => {});
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

export function toIncoming(topic: string, partition: number, m: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : '',
    value: m.value ?? Buffer.alloc(0),
    headers: headersOf(m.headers),
    timestamp: Number(m.timestamp),
  };
}

/** What a subscription needs from the bus that owns it. */
export interface KafkaSubscriptionDeps {
  kafka: Kafka;
  /** The bus's options: timing, retry policy and deadlines are read from them with the same defaults. */
  busOptions: KafkaBusOptions;
  /** The bus's logger; the subscription logs through a child tagged with its group. */
  logger: Logger;
  metrics: BusMetrics;
  /** Dead-letter publishes go through the bus's producer. */
  publish: (topic: string, messages: OutgoingMessage[]) => Promise<void>;
  /** How many subscriptions of `groupId` the bus holds (kafkajs's reset log names the group, not the member). */
  groupMembers: (groupId: string) => number;
  /** Called once the subscription has closed, so that the bus forgets it. */
  onClosed: (subscription: KafkaSubscription) => void;
}

type Heartbeat = () => Promise<void>;

export class KafkaSubscription {
  readonly groupId: string;
  readonly topics: string[];
  private readonly logger: Logger;
  private readonly maxBatch: number;
  private readonly policy: DeliveryPolicy;
  private readonly heartbeatMs: number;

  private assigned: string[] = [];
  private crashedWith?: string;
  private failedWith?: AppError;
  private consumer?: Consumer;
  private restartTimer?: NodeJS.Timeout;
  private restarts = 0;
  /** Set once the subscription stops (close, or a fatal offset fault): no more handling, committing or restarting. */
  private closing = false;
  /** Fires when `closing` is set: waits and running handlers race it. */
  private readonly closingSignal = new StopSignal();
  private closed?: Promise<void>;

  constructor(
    private readonly options: SubscribeOptions,
    private readonly deps: KafkaSubscriptionDeps,
  ) {
    this.groupId = options.groupId;
    this.topics = [...options.topics];
    this.logger = deps.logger.child({ groupId: options.groupId });
    this.maxBatch = Math.max(1, options.maxBatchSize ?? 500);
    this.policy = {
      maxAttempts: deps.busOptions.maxDeliveryAttempts ?? 100,
      baseBackoffMs: deps.busOptions.retryBackoffMs ?? 100,
      maxBackoffMs: deps.busOptions.maxRetryBackoffMs ?? 5000,
    };
    this.heartbeatMs = deps.busOptions.heartbeatIntervalMs ?? 3000;
  }

  /** The message of the final error the current consumer crashed on, until a replacement joins. */
  get crashed(): string | undefined {
    return this.crashedWith;
  }

  /** Set when the subscription stopped for good on a fault it must not paper over (offset out of range). */
  get failed(): AppError | undefined {
    return this.failedWith;
  }

  /** `topic:partition` this member owns, sorted; empty while rebalancing, crashed or closed. */
  assignments(): string[] {
    return [...this.assigned];
  }

  /**
   * Connects, joins the group and starts consuming, within the connect deadline. The bus registers
   * the subscription before calling this, so that a bus.close() during the join closes it too.
   */
  async start(): Promise<void> {
    try {
      await withDeadline(this.launch(), this.deps.busOptions.connectTimeoutMs ?? 30_000, () => new AppError('BUS_TIMEOUT', `subscribing ${this.groupId} timed out`));
    } catch (err) {
      await this.close();
      throw wrapKafkaError(err, `subscribing ${this.groupId} to ${this.options.topics.join(',')}`);
    }
    if (this.closing) {
      await this.close();
      throw new AppError('BUS_CLOSED', `kafka bus closed while ${this.groupId} was joining`);
    }
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stopConsuming();
      try {
        if (this.consumer) {
          await withDeadline(this.consumer.disconnect(), this.deps.busOptions.closeTimeoutMs ?? 30_000, () => new AppError('BUS_TIMEOUT', 'consumer disconnect timed out'));
        }
      } catch (err) {
        this.logger.warn({ err: wrapKafkaError(err, 'closing consumer') }, 'kafka consumer did not close cleanly');
      } finally {
        this.assigned = [];
        this.deps.onClosed(this);
      }
    })();
    return this.closed;
  }

  /**
   * Claims an out-of-range partition this member owns: records the failure and stops consuming.
   * Returns whether it was this member's (the bus then throws `failed` into kafkajs to abort the reset).
   */
  onOffsetOutOfRange(topic: string, partition: number): boolean {
    const tp = `${topic}:${partition}`;
    const mine = this.assigned.includes(tp) || this.deps.groupMembers(this.groupId) === 1;
    if (!mine || !this.options.topics.includes(topic)) return false;
    if (!this.failedWith) {
      const failed = new AppError(
        'BUS_UNAVAILABLE',
        `consumer group ${this.groupId}: the committed offset of ${tp} is out of range (the broker no longer holds those messages: retention is shorter than the lag). ` +
          'The consumer stopped instead of skipping to the default offset; raise retention or reset the group offset deliberately.',
        { retryable: false, details: { reason: 'offset_out_of_range', groupId: this.groupId, topic, partition } },
      );
      this.failedWith = failed;
      this.deps.metrics.consumerFailures.inc({ group: this.groupId, topic, reason: 'offset_out_of_range' });
      this.logger.error({ err: failed, topic, partition }, 'consumer offset out of range: consumer stopped');
      try {
        this.options.onFatal?.(failed);
      } catch (hookErr) {
        this.logger.warn({ err: hookErr }, 'onFatal hook threw');
      }
      // Stop fetching: nothing is handled or committed on this subscription any more; close() still cleans up.
      this.stopConsuming();
      const c = this.consumer;
      setImmediate(() => void c?.disconnect().catch(() => {}));
    }
    return true;
  }

  /** Marks the subscription closing: pauses and running handlers end, no restart is pending. */
  private stopConsuming(): void {
    this.closing = true;
    this.closingSignal.fire();
    clearTimeout(this.restartTimer);
  }

  /** Creates a consumer, makes it the current one, joins and runs it. */
  private async launch(): Promise<void> {
    const c: Consumer = this.deps.kafka.consumer(this.consumerConfig(() => c));
    this.consumer = c;
    c.on(c.events.GROUP_JOIN, (e) => {
      if (c === this.consumer) this.joined(e.payload.memberAssignment);
    });
    c.on(c.events.REBALANCING, () => {
      if (c === this.consumer) this.assigned = [];
    });
    c.on(c.events.CRASH, (e) => {
      if (c === this.consumer) this.crashedOn(c, e.payload.error, e.payload.restart);
    });
    try {
      await c.connect();
      await c.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
      // A close() that came while connecting has already disconnected `c`; running it now would rejoin the group.
      if (this.closing) return;
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.deps.busOptions.partitionsConsumedConcurrently ?? 8,
        eachBatch: (payload) => this.handleBatch(payload),
      });
    } catch (err) {
      void c.disconnect().catch(() => {});
      throw err;
    }
  }

  private consumerConfig(self: () => Consumer | undefined): ConsumerConfig {
    const bus = this.deps.busOptions;
    return {
      groupId: this.groupId,
      sessionTimeout: bus.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.heartbeatMs,
      rebalanceTimeout: bus.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: bus.maxWaitTimeMs ?? 500,
      allowAutoTopicCreation: true,
      retry: {
        initialRetryTime: 100,
        maxRetryTime: 2000,
        retries: 8,
        // kafkajs schedules its own restart even when the crash comes after disconnect() (a join cut short by close).
        restartOnFailure: async () => !this.closing && self() === this.consumer,
      },
    };
  }

  private joined(memberAssignment: Record<string, number[]>): void {
    this.assigned = Object.entries(memberAssignment)
      .flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`))
      .sort();
    this.crashedWith = undefined;
    this.restarts = 0;
    this.logger.debug({ assignments: this.assigned }, 'joined consumer group');
  }

  private crashedOn(c: Consumer, error: Error, kafkajsRestarts: boolean): void {
    this.assigned = [];
    if (this.closing) return;
    const err = wrapKafkaError(error, 'consumer crashed');
    if (kafkajsRestarts) {
      this.logger.warn({ err }, 'kafka consumer crashed, kafkajs restarts it');
      return;
    }
    this.crashedWith = err.message;
    this.logger.error({ err }, 'kafka consumer crashed on a final error, replacing it');
    this.scheduleRestart(c);
  }

  /**
   * kafkajs restarts a consumer after a retriable crash by itself, but one that crashed on an error it
   * deems final (the dev broker answers a late SyncGroup with INVALID_REQUEST, for one) would stay
   * dead while the service looks alive. Such a consumer is replaced by a fresh one, with backoff.
   */
  private scheduleRestart(crashed: Consumer): void {
    if (this.closing || crashed !== this.consumer || this.restartTimer) return;
    this.restarts++;
    const wait = Math.min(30_000, 500 * 2 ** Math.min(this.restarts - 1, 6));
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.closing || crashed !== this.consumer) return;
      void this.launch().catch((err: unknown) => {
        this.logger.error({ err: wrapKafkaError(err, 'restarting consumer') }, 'kafka consumer restart failed');
        if (this.consumer) this.scheduleRestart(this.consumer);
      });
    }, wait);
  }

  /** Delivers a fetched batch in chunks of `maxBatchSize`, committing after each chunk the handler (or the dead-letter topic) took. */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch as Batch;
    for (let i = 0; i < batch.messages.length; i += this.maxBatch) {
      const chunk = batch.messages.slice(i, i + this.maxBatch);
      const incoming = chunk.map((m) => toIncoming(topic, partition, m));
      // Not resolving leaves these offsets to be fetched again by whoever owns the partition next.
      const stopped = () => this.closing || !isRunning() || isStale();
      const outcome = await deliverBatch(incoming, {
        options: this.options,
        policy: this.policy,
        metrics: this.deps.metrics,
        logger: this.logger,
        run: (b) => this.runHandler(b, heartbeat),
        wait: (ms) => this.pause(ms, heartbeat),
        stopped,
        publish: (t, messages) => this.deps.publish(t, messages),
      });
      if (outcome === 'stopped') return;
      await this.commit(payload, chunk[chunk.length - 1].offset);
      if (!this.closing) await heartbeat();
    }
  }

  /** Acks everything up to and including `last` on the batch's partition. */
  private async commit({ resolveOffset, uncommittedOffsets, commitOffsetsIfNecessary }: EachBatchPayload, last: string): Promise<void> {
    resolveOffset(last);
    // Every offset resolved and not yet committed on this consumer, this partition's included: with autoCommit
    // off an offset is resolved only here, after its batch was handled or dead-lettered, so each is safe to commit.
    // One request then carries the partitions handled meanwhile, and a partition already carried by another's
    // finished commit sends none (kafkajs's own auto-commit does the same). Through the batch payload, not
    // consumer.commitOffsets: that one is a no-op once close() has begun.
    const pending = uncommittedOffsets();
    if (pending.topics.length > 0) await commitOffsetsIfNecessary(pending);
  }

  /** Runs the handler, heartbeating meanwhile; resolves 'done', 'abandoned' (closing) or throws the handler's error. */
  private async runHandler(batch: IncomingMessage[], heartbeat: Heartbeat): Promise<'done' | 'abandoned'> {
    const beat = setInterval(() => void heartbeat().catch(() => {}), this.heartbeatMs);
    try {
      const work = Promise.resolve().then(() => this.options.handler(batch));
      work.catch(() => {});
      const closing = this.closingSignal.wait();
      try {
        return await Promise.race([work.then(() => 'done' as const), closing.promise.then(() => 'abandoned' as const)]);
      } finally {
        closing.cancel();
      }
    } finally {
      clearInterval(beat);
    }
  }

  /** Waits `ms` while heartbeating; resolves early (true) when the subscription is closing. A rebalance propagates to kafkajs. */
  private async pause(ms: number, heartbeat: Heartbeat): Promise<boolean> {
    const until = Date.now() + ms;
    while (!this.closing) {
      const left = until - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const closing = this.closingSignal.wait();
      await Promise.race([closing.promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(left, this.heartbeatMs))))]);
      closing.cancel();
      clearTimeout(timer);
      if (!this.closing) await heartbeat();
    }
    return true;
  }
}

/**
 * A one-shot signal whose waits can be forgotten. Racing one shared, long-pending promise adds a reaction to it on
 * every race that stays until the promise settles, so a subscription that handles a batch a second for months
 * would keep one per batch; each wait here is its own promise, removed from the signal when cancelled.
 */
export class StopSignal {
  private fired = false;
  private readonly waiters = new Set<() => void>();

  /** Resolves when the signal fires (at once if it has); `cancel` forgets the wait. */
  wait(): { promise: Promise<void>; cancel: () => void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    if (this.fired) resolve();
    else this.waiters.add(resolve);
    return { promise, cancel: () => void this.waiters.delete(resolve) };
  }

  fire(): void {
    this.fired = true;
    for (const resolve of this.waiters) resolve();
    this.waiters.clear();
  }

  /** Waits neither resolved nor cancelled. */
  get waiting(): number {
    return this.waiters.size;
  }
}
