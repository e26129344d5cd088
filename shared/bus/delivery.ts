/**
 * What a bus does with a batch its handler failed, the same on every bus: `retryable` decides.
 * A retryable error is retried with exponential backoff, at most `maxAttempts` times; a final
 * error (AppError with retryable false: SCHEMA_INVALID, a malformed row) is never retried. A
 * batch that failed finally is handed to the handler again one message at a time, so that only
 * the poison message goes to `<topic>.dlq` and its neighbours are processed. What ends in the
 * dead-letter topic carries the error code, message and attempt count in headers, and is
 * acknowledged on its partition: one bad message no longer stops the partition behind it.
 */
import { dlqTopic } from '../contracts/events.ts';
import { isAppError, isRetryable } from '../errors.ts';
import type { Logger } from '../runtime/logger.ts';
import type { BusMetrics } from './bus-metrics.ts';
import type { IncomingMessage, OutgoingMessage, SubscribeOptions } from './port.ts';

export interface DeliveryPolicy {
  /** Attempts of one batch on retryable errors before it is dead-lettered (first try included). */
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export type DeadLetterReason = 'non_retryable' | 'retries_exhausted';

export type FailureDecision = { action: 'retry'; delayMs: number } | { action: 'isolate' } | { action: 'dead-letter'; reason: DeadLetterReason };

/** Pure: what to do after attempt `attempt` (1-based) of a batch of `size` messages failed with `err`. */
export function decideFailure(err: unknown, attempt: number, size: number, policy: DeliveryPolicy): FailureDecision {
  if (!isRetryable(err)) return size > 1 ? { action: 'isolate' } : { action: 'dead-letter', reason: 'non_retryable' };
  if (attempt >= policy.maxAttempts) return { action: 'dead-letter', reason: 'retries_exhausted' };
  return { action: 'retry', delayMs: backoffMs(attempt, policy) };
}

export function backoffMs(attempt: number, policy: Pick<DeliveryPolicy, 'baseBackoffMs' | 'maxBackoffMs'>): number {
  return Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** Math.min(Math.max(0, attempt - 1), 20));
}

export function errorCode(err: unknown): string {
  return isAppError(err) ? err.code : 'UNKNOWN';
}

/** The dead-letter copy of a message: same key and value, the original headers, and why it is there. */
export function deadLetterMessage(m: IncomingMessage, err: unknown, attempts: number, reason: DeadLetterReason, groupId: string): OutgoingMessage {
  const text = err instanceof Error ? err.message : String(err);
  return {
    key: m.key,
    value: m.value,
    headers: {
      ...m.headers,
      'x-error': text.slice(0, 1000),
      'x-error-code': errorCode(err),
      'x-error-retryable': String(isRetryable(err)),
      'x-attempts': String(attempts),
      'x-dead-letter-reason': reason,
      'x-source-topic': m.topic,
      'x-source-partition': String(m.partition),
      'x-source-offset': m.offset,
      'x-consumer-group': groupId,
    },
  };
}

export interface DeliveryContext {
  options: SubscribeOptions;
  policy: DeliveryPolicy;
  metrics: BusMetrics;
  logger: Logger;
  /** Runs the handler once; 'abandoned' when the subscription is closing and the outcome no longer matters. */
  run: (batch: IncomingMessage[]) => Promise<'done' | 'abandoned'>;
  /** Waits `ms`; resolves true when the subscription stops meanwhile. */
  wait: (ms: number) => Promise<boolean>;
  stopped: () => boolean;
  publish: (topic: string, messages: OutgoingMessage[]) => Promise<void>;
}

/**
 * Delivers one batch until it is handled or dead-lettered ('done': ack it) or the subscription
 * stops ('stopped': do not ack, it is delivered again).
 */
export async function deliverBatch(batch: IncomingMessage[], ctx: DeliveryContext): Promise<'done' | 'stopped'> {
  const { options, policy, metrics, logger } = ctx;
  const topic = batch[0]?.topic ?? '';
  const partition = batch[0]?.partition ?? -1;
  let attempt = 0;
  for (;;) {
    if (ctx.stopped()) return 'stopped';
    let failure: unknown;
    try {
      return (await ctx.run(batch)) === 'done' ? 'done' : 'stopped';
    } catch (err) {
      failure = err;
    }
    attempt++;
    if (ctx.stopped()) return 'stopped';
    const decision = decideFailure(failure, attempt, batch.length, policy);
    if (decision.action === 'isolate') {
      logger.warn({ err: failure, topic, partition, messages: batch.length }, 'batch failed with a final error; delivering its messages one by one to isolate the poison');
      for (const m of batch) if ((await deliverBatch([m], ctx)) === 'stopped') return 'stopped';
      return 'done';
    }
    if (decision.action === 'dead-letter') {
      const code = errorCode(failure);
      const letters = batch.map((m) => deadLetterMessage(m, failure, attempt, decision.reason, options.groupId));
      // The dead-letter publish is retried like any work: acking before it is durable would lose the message.
      for (let tries = 1; ; tries++) {
        try {
          await ctx.publish(dlqTopic(topic), letters);
          break;
        } catch (err) {
          logger.warn({ err, topic, tries }, 'dead-letter publish failed; retrying');
          if (await ctx.wait(backoffMs(tries, policy))) return 'stopped';
        }
      }
      metrics.deadLetters.inc({ group: options.groupId, topic, reason: decision.reason, code }, batch.length);
      logger.error(
        { err: failure, code, topic, partition, offsets: batch.map((m) => m.offset), attempts: attempt, reason: decision.reason, dlq: dlqTopic(topic) },
        'messages moved to the dead-letter topic',
      );
      return 'done';
    }
    metrics.retries.inc({ group: options.groupId, topic, code: errorCode(failure) });
    try {
      options.onRetry?.(failure, attempt, batch);
    } catch (hookErr) {
      logger.warn({ err: hookErr }, 'onRetry hook threw');
    }
    // A line at attempts 1, 2, 4, 8...: an outage must show without flooding the log.
    logger[(attempt & (attempt - 1)) === 0 ? 'warn' : 'debug']({ err: failure, topic, partition, attempt, delayMs: decision.delayMs, group: options.groupId }, 'batch failed, retrying');
    if (await ctx.wait(decision.delayMs)) return 'stopped';
  }
}
