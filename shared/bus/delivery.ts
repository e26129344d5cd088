/**
 * What a bus does with a batch its handler failed, the same on every bus. Three kinds of failure:
 * - final (AppError with retryable false: SCHEMA_INVALID, a malformed row): never retried. A batch
 *   that failed finally is handed to the handler again one message at a time, so that only the
 *   poison message goes to `<topic>.dlq` and its neighbours are processed.
 * - about the message (retryable, not an outage: an unknown error, a worker that died on it): retried
 *   with exponential backoff, at most `maxAttempts` times, then dead-lettered (`retries_exhausted`).
 * - an outage (AppError.outage: STORE_UNAVAILABLE, BUS_UNAVAILABLE, BUS_TIMEOUT): a dependency every
 *   message needs is away, and the next message would fail the same way. The partition waits it out:
 *   retried with backoff capped at `maxBackoffMs` for as long as it lasts, spending none of the
 *   message's attempts, so a store outage longer than the budget turns no good message into a dead letter.
 * What ends in the dead-letter topic carries the error code, message and attempt count in headers, and
 * is acknowledged on its partition: one bad message no longer stops the partition behind it.
 */
import { dlqTopic } from '../contracts/events.ts';
import { isAppError, isOutage, isRetryable } from '../errors.ts';
import { streakLevel } from '../runtime/log-level.ts';
import type { Logger } from '../runtime/logger.ts';
import type { BusMetrics } from './bus-metrics.ts';
import type { IncomingMessage, OutgoingMessage, SubscribeOptions } from './port.ts';

export interface DeliveryPolicy {
  /** Attempts of one batch on retryable errors about the message before it is dead-lettered (first try included); outage retries do not count. */
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export type DeadLetterReason = 'non_retryable' | 'retries_exhausted';

/** How one batch has failed so far, the failure being decided included. */
export interface Failures {
  /** Failures that spent the batch's attempts: final ones and retryable ones about the message. */
  attempts: number;
  /** Outage failures in a row since the last failure of another kind (0 when the last failure was not an outage). */
  outages: number;
}

export const NO_FAILURES: Failures = { attempts: 0, outages: 0 };

export type FailureDecision =
  | { action: 'retry'; delayMs: number }
  /** A dependency is away: try the same batch again after `delayMs`, with no attempt spent. */
  | { action: 'wait-out'; delayMs: number }
  | { action: 'isolate' }
  | { action: 'dead-letter'; reason: DeadLetterReason };

/** Pure: the batch's failures once it failed again with `err`. An outage spends nothing; any other failure ends the outage streak. */
export function countFailure(before: Failures, err: unknown): Failures {
  return isOutage(err) ? { attempts: before.attempts, outages: before.outages + 1 } : { attempts: before.attempts + 1, outages: 0 };
}

/** Pure: what to do with a batch of `size` messages whose last failure was `err`, `failures` (from countFailure) counting it. */
export function decideFailure(err: unknown, failures: Failures, size: number, policy: DeliveryPolicy): FailureDecision {
  if (!isRetryable(err)) return size > 1 ? { action: 'isolate' } : { action: 'dead-letter', reason: 'non_retryable' };
  // Backoff grows with the streak of outage failures, so a store that is back is found within maxBackoffMs.
  if (isOutage(err)) return { action: 'wait-out', delayMs: backoffMs(failures.outages, policy) };
  if (failures.attempts >= policy.maxAttempts) return { action: 'dead-letter', reason: 'retries_exhausted' };
  return { action: 'retry', delayMs: backoffMs(failures.attempts, policy) };
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
  const { options, metrics } = ctx;
  const topic = batch[0]?.topic ?? '';
  // Shown while this partition waits out an outage: its consumer holds it and fetches nothing behind it.
  let waiting = false;
  const setWaiting = (on: boolean) => {
    if (on === waiting) return;
    waiting = on;
    metrics.outageWaits[on ? 'inc' : 'dec']({ group: options.groupId, topic });
  };
  try {
    return await deliverUntilSettled(batch, ctx, setWaiting);
  } finally {
    setWaiting(false);
  }
}

async function deliverUntilSettled(batch: IncomingMessage[], ctx: DeliveryContext, setWaiting: (on: boolean) => void): Promise<'done' | 'stopped'> {
  const { options, policy, metrics, logger } = ctx;
  const topic = batch[0]?.topic ?? '';
  const partition = batch[0]?.partition ?? -1;
  let failures = NO_FAILURES;
  let tries = 0;
  for (;;) {
    if (ctx.stopped()) return 'stopped';
    let failure: unknown;
    try {
      const outcome = await ctx.run(batch);
      if (failures.outages > 0 && outcome === 'done') {
        logger.info({ topic, partition, tries: tries + 1, outageRetries: failures.outages, group: options.groupId }, 'batch went through once its dependency was back');
      }
      return outcome === 'done' ? 'done' : 'stopped';
    } catch (err) {
      failure = err;
    }
    tries++;
    failures = countFailure(failures, failure);
    if (ctx.stopped()) return 'stopped';
    const decision = decideFailure(failure, failures, batch.length, policy);
    setWaiting(decision.action === 'wait-out');
    if (decision.action === 'isolate') {
      logger.warn({ err: failure, topic, partition, messages: batch.length }, 'batch failed with a final error; delivering its messages one by one to isolate the poison');
      for (const m of batch) if ((await deliverBatch([m], ctx)) === 'stopped') return 'stopped';
      return 'done';
    }
    if (decision.action === 'dead-letter') {
      const code = errorCode(failure);
      const letters = batch.map((m) => deadLetterMessage(m, failure, failures.attempts, decision.reason, options.groupId));
      // The dead-letter publish is retried like any work: acking before it is durable would lose the message.
      for (let publishTries = 1; ; publishTries++) {
        try {
          await ctx.publish(dlqTopic(topic), letters);
          break;
        } catch (err) {
          logger.warn({ err, topic, tries: publishTries }, 'dead-letter publish failed; retrying');
          if (await ctx.wait(backoffMs(publishTries, policy))) return 'stopped';
        }
      }
      metrics.deadLetters.inc({ group: options.groupId, topic, reason: decision.reason, code }, batch.length);
      logger.error(
        { err: failure, code, topic, partition, offsets: batch.map((m) => m.offset), attempts: failures.attempts, tries, reason: decision.reason, dlq: dlqTopic(topic) },
        'messages moved to the dead-letter topic',
      );
      return 'done';
    }
    metrics.retries.inc({ group: options.groupId, topic, code: errorCode(failure) });
    try {
      options.onRetry?.(failure, tries, batch);
    } catch (hookErr) {
      logger.warn({ err: hookErr }, 'onRetry hook threw');
    }
    // A line at 1, 2, 4, 8... failures in a row of the kind: an outage must show without flooding the log.
    // One message for both kinds (log readers count it); `outage` tells them apart.
    const outage = decision.action === 'wait-out';
    const streak = outage ? failures.outages : failures.attempts;
    logger[streakLevel(streak)](
      { err: failure, topic, partition, tries, attempts: failures.attempts, outage, ...(outage ? { outageRetries: failures.outages } : {}), delayMs: decision.delayMs, group: options.groupId },
      'batch failed, retrying',
    );
    if (await ctx.wait(decision.delayMs)) return 'stopped';
  }
}
