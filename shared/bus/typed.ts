import type { z } from 'zod';
import { dlqTopic } from '../contracts/events.ts';
import type { Bus, IncomingMessage, Subscription } from './port.ts';

export function encodeEvent(event: unknown): Buffer {
  return Buffer.from(JSON.stringify(event));
}

export async function publishEvents<T>(bus: Bus, topic: string, events: T[], key: (event: T) => string, headers?: Record<string, string>): Promise<void> {
  if (events.length === 0) return;
  await bus.publish(
    topic,
    events.map((e) => ({ key: key(e), value: encodeEvent(e), headers })),
  );
}

export interface Decoded<T> {
  event: T;
  message: IncomingMessage;
}

export type DecodeResult<T> = { ok: true; event: T } | { ok: false; error: string };

export function decodeMessage<S extends z.ZodType>(schema: S, value: Buffer): DecodeResult<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, error: `schema: ${issues.join('; ')}` };
  }
  return { ok: true, event: parsed.data };
}

export interface SubscribeEventsOptions<S extends z.ZodType> {
  groupId: string;
  topic: string;
  schema: S;
  handler: (events: Decoded<z.infer<S>>[]) => Promise<void>;
  fromBeginning?: boolean;
  maxBatchSize?: number;
  onInvalid?: (message: IncomingMessage, error: string) => void;
  onRetry?: (err: unknown, attempt: number) => void;
  onFatal?: (err: Error) => void;
}

/** Invalid messages remembered as dead-lettered while their batch may be retried (oldest forgotten first). */
const MAX_LETTERED = 10_000;

/**
 * Subscribes with schema validation. A message that fails its schema is written to
 * `<topic>.dlq` with the reason in headers before the batch is acked, so a poison
 * message neither blocks the partition nor disappears; once, however often the batch is retried
 * after it. (A handler that throws is the bus's delivery policy: retried if the error is
 * retryable, for as long as an outage lasts; dead-lettered otherwise.)
 */
export function subscribeEvents<S extends z.ZodType>(bus: Bus, options: SubscribeEventsOptions<S>): Promise<Subscription> {
  // Invalid messages already written to the DLQ while their batch is still being retried: a batch waiting out an
  // outage is handed over again and again, and must not add a copy of its invalid neighbour to the DLQ each time.
  // Forgotten once the batch went through; bounded for batches this member never sees again (a rebalance took them).
  const lettered = new Set<string>();
  const letterId = (m: IncomingMessage) => `${m.topic}:${m.partition}:${m.offset}`;
  return bus.subscribe({
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: options.fromBeginning,
    maxBatchSize: options.maxBatchSize,
    onRetry: options.onRetry ? (err, attempt) => options.onRetry?.(err, attempt) : undefined,
    onFatal: options.onFatal,
    handler: async (batch) => {
      const good: Decoded<z.infer<S>>[] = [];
      const bad: { message: IncomingMessage; error: string }[] = [];
      for (const message of batch) {
        const result = decodeMessage(options.schema, message.value);
        if (result.ok) good.push({ event: result.event, message });
        else bad.push({ message, error: result.error });
      }
      const unlettered = bad.filter((b) => !lettered.has(letterId(b.message)));
      if (unlettered.length > 0) {
        await bus.publish(
          dlqTopic(options.topic),
          unlettered.map(({ message, error }) => ({
            key: message.key,
            value: message.value,
            headers: {
              ...message.headers,
              'x-error': error.slice(0, 1000),
              // The same headers the bus's own dead-lettering writes (delivery.ts): one way to read a DLQ.
              'x-error-code': 'SCHEMA_INVALID',
              'x-error-retryable': 'false',
              'x-attempts': '1',
              'x-dead-letter-reason': 'non_retryable',
              'x-source-topic': message.topic,
              'x-source-partition': String(message.partition),
              'x-source-offset': message.offset,
              'x-consumer-group': options.groupId,
            },
          })),
        );
        for (const b of unlettered) {
          lettered.add(letterId(b.message));
          options.onInvalid?.(b.message, b.error);
        }
        for (const id of lettered) {
          if (lettered.size <= MAX_LETTERED) break;
          lettered.delete(id);
        }
      }
      if (good.length > 0) await options.handler(good);
      for (const b of bad) lettered.delete(letterId(b.message));
    },
  });
}
