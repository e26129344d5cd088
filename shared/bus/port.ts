/**
 * Bus port: keyed publish, consumer groups, ack after processing, redelivery of what
 * was not acked. A handler receives an ordered batch from one partition; resolving acks
 * the batch (offsets are committed); throwing a retryable error leaves it unacked and it is
 * delivered again after a backoff (for as long as an outage lasts, a bounded number of times
 * otherwise), a final one sends it to the dead-letter topic.
 */
export interface OutgoingMessage {
  key: string;
  value: Buffer | string;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

export type BatchHandler = (batch: IncomingMessage[]) => Promise<void>;

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  handler: BatchHandler;
  /** Start a group with no committed offset at the beginning of the log (default true). */
  fromBeginning?: boolean;
  maxBatchSize?: number;
  /**
   * Called when a batch failed with a retryable error and will be retried after a backoff;
   * `attempt` counts every try of the batch so far, outage ones included. How failures end is
   * the bus's delivery policy (shared/bus/delivery.ts): a final error (`retryable: false`) or
   * an exhausted retry budget sends the message to `<topic>.dlq` with the error in headers,
   * and the partition goes on; an outage (`AppError.outage`: the store or the broker away) is
   * waited out without spending the budget.
   */
  onRetry?: (err: unknown, attempt: number, batch: IncomingMessage[]) => void;
  /** Called once when the subscription stops for good on a fault no retry can fix (a Kafka offset out of range). */
  onFatal?: (err: Error) => void;
}

export interface Subscription {
  /** Stops consuming. Acked work stays committed; whatever was in flight is delivered again to the group. */
  close(): Promise<void>;
  /** Partitions currently assigned to this member, as `topic:partition`. */
  assignments(): string[];
}

export interface Bus {
  readonly kind: 'memory' | 'kafka';
  /** Resolves once every message is durably accepted (acks=all on Kafka). */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Ensures topics exist with the given partition counts (a no-op where they already exist). */
  ensureTopics?(topics: { topic: string; partitions: number }[]): Promise<void>;
  /**
   * Everything a topic holds now, oldest first per partition, read without any consumer group's
   * offsets and without committing any (for tools: `oilwire dlq`). In-process: what the bus
   * retains; Kafka: from each partition's low to its high watermark at the call.
   */
  readTopic?(topic: string): Promise<IncomingMessage[]>;
  /** False while a subscription has crashed or stopped on a fatal fault (offset out of range) or the producer keeps failing. */
  health?(): { ok: boolean };
  close(): Promise<void>;
}

/** Kafka's default partitioner is murmur2; any stable hash keeps per-key order, this one is cheap and deterministic. */
export function partitionForKey(key: string, partitions: number): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % partitions;
}
