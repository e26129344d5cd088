import { describe, expect, it } from 'vitest';
import { backoffMs, countFailure, deadLetterMessage, decideFailure, NO_FAILURES, type Failures } from '../../../../shared/bus/delivery.ts';
import type { IncomingMessage } from '../../../../shared/bus/port.ts';
import { AppError } from '../../../../shared/errors.ts';

const policy = { maxAttempts: 4, baseBackoffMs: 100, maxBackoffMs: 1_000 };

/** The failures after `errors` in turn, as the bus counts them. */
function after(...errors: unknown[]): Failures {
  return errors.reduce<Failures>((f, e) => countFailure(f, e), NO_FAILURES);
}

const bug = () => new Error('bug');
const outage = () => new AppError('STORE_UNAVAILABLE', 'down');

describe('countFailure', () => {
  it('spends an attempt on a failure about the message, none on an outage, and an outage streak ends at any other failure', () => {
    expect(after(bug())).toEqual({ attempts: 1, outages: 0 });
    expect(after(outage(), outage(), outage())).toEqual({ attempts: 0, outages: 3 });
    expect(after(bug(), outage(), outage())).toEqual({ attempts: 1, outages: 2 });
    expect(after(outage(), outage(), bug())).toEqual({ attempts: 1, outages: 0 });
    expect(after(new AppError('SCHEMA_INVALID', 'bad'))).toEqual({ attempts: 1, outages: 0 });
  });

  it('does not change the failures it is given', () => {
    const before = after(bug());
    countFailure(before, outage());
    expect(before).toEqual({ attempts: 1, outages: 0 });
    expect(NO_FAILURES).toEqual({ attempts: 0, outages: 0 });
  });
});

describe('decideFailure', () => {
  it('retries an error about the message with doubling backoff until the budget is spent, then dead-letters', () => {
    const errors = [bug(), bug(), bug(), bug()];
    expect([1, 2, 3].map((n) => decideFailure(errors[n - 1], after(...errors.slice(0, n)), 10, policy))).toEqual([
      { action: 'retry', delayMs: 100 },
      { action: 'retry', delayMs: 200 },
      { action: 'retry', delayMs: 400 },
    ]);
    expect(decideFailure(errors[3], after(...errors), 10, policy)).toEqual({ action: 'dead-letter', reason: 'retries_exhausted' });
  });

  it('waits out an outage far past the budget: backoff doubling up to its cap, never a dead letter', () => {
    const errors = Array.from({ length: 40 }, outage);
    const decisions = errors.map((e, i) => decideFailure(e, after(...errors.slice(0, i + 1)), 10, policy));
    expect(decisions.slice(0, 5)).toEqual([
      { action: 'wait-out', delayMs: 100 },
      { action: 'wait-out', delayMs: 200 },
      { action: 'wait-out', delayMs: 400 },
      { action: 'wait-out', delayMs: 800 },
      { action: 'wait-out', delayMs: 1_000 },
    ]);
    expect(decisions.slice(5).every((d) => d.action === 'wait-out' && d.delayMs === 1_000)).toBe(true);
  });

  it('counts for the budget only the failures about the message, whatever outages came between them', () => {
    const history = [bug(), outage(), outage(), bug(), outage(), bug(), outage(), outage(), outage()];
    expect(decideFailure(history[8], after(...history), 1, policy)).toEqual({ action: 'wait-out', delayMs: 400 });
    // The fourth failure about the message spends the last attempt: the outages before it did not help or hurt.
    expect(decideFailure(bug(), after(...history, bug()), 1, policy)).toEqual({ action: 'dead-letter', reason: 'retries_exhausted' });
    // After an outage ends in a failure about the message, that failure's backoff follows the attempts, not the streak.
    expect(decideFailure(bug(), after(bug(), outage(), outage(), outage(), outage(), bug()), 1, policy)).toEqual({ action: 'retry', delayMs: 200 });
  });

  it('takes every outage code of the catalogue as an outage, and a retryable code that is not one as about the message', () => {
    for (const code of ['STORE_UNAVAILABLE', 'BUS_UNAVAILABLE', 'BUS_TIMEOUT'] as const) {
      const err = new AppError(code, 'away');
      expect(decideFailure(err, after(bug(), bug(), bug(), bug(), err), 1, policy)).toEqual({ action: 'wait-out', delayMs: 100 });
    }
    // A worker that died on a message may die on it again: that is the message's attempt.
    const died = new AppError('INTERNAL', 'worker stopped', { retryable: true });
    expect(decideFailure(died, after(bug(), bug(), bug(), died), 1, policy)).toEqual({ action: 'dead-letter', reason: 'retries_exhausted' });
    // An outage code the raiser knows is about this message spends attempts like one.
    const own = new AppError('STORE_UNAVAILABLE', 'this batch is too large', { outage: false });
    expect(decideFailure(own, after(own), 1, policy)).toEqual({ action: 'retry', delayMs: 100 });
  });

  it('never retries a final error: a batch is split to find the poison, a single message is dead-lettered at once, outages before or not', () => {
    const err = new AppError('SCHEMA_INVALID', 'bad row');
    expect(decideFailure(err, after(err), 2, policy)).toEqual({ action: 'isolate' });
    expect(decideFailure(err, after(err), 1, policy)).toEqual({ action: 'dead-letter', reason: 'non_retryable' });
    expect(decideFailure(err, after(outage(), outage(), err), 1, policy)).toEqual({ action: 'dead-letter', reason: 'non_retryable' });
  });

  it('treats an error that is not an AppError as retryable about the message, and an outage code made final as final, not an outage', () => {
    expect(decideFailure(bug(), after(bug()), 1, policy)).toEqual({ action: 'retry', delayMs: 100 });
    const final = new AppError('BUS_UNAVAILABLE', 'message too large', { retryable: false });
    expect(final.outage).toBe(false);
    expect(decideFailure(final, after(final), 1, policy)).toEqual({ action: 'dead-letter', reason: 'non_retryable' });
    // Asking for an outage cannot make a final error waited out.
    const asked = new AppError('SCHEMA_INVALID', 'bad', { outage: true });
    expect(asked.outage).toBe(false);
    expect(decideFailure(asked, after(asked), 1, policy)).toEqual({ action: 'dead-letter', reason: 'non_retryable' });
  });

  it('caps the backoff', () => {
    expect(backoffMs(10, policy)).toBe(1_000);
    expect(backoffMs(1, policy)).toBe(100);
  });
});

describe('deadLetterMessage', () => {
  it('keeps key, value and headers, and adds why, how often and from where', () => {
    const m: IncomingMessage = { topic: 'news.raw', partition: 2, offset: '41', key: 'k', value: Buffer.from('v'), headers: { origin: 'x' }, timestamp: 1 };
    const out = deadLetterMessage(m, new AppError('SCHEMA_INVALID', 'missing title'), 1, 'non_retryable', 'scorer');
    expect(out).toEqual({
      key: 'k',
      value: m.value,
      headers: {
        origin: 'x',
        'x-error': 'missing title',
        'x-error-code': 'SCHEMA_INVALID',
        'x-error-retryable': 'false',
        'x-attempts': '1',
        'x-dead-letter-reason': 'non_retryable',
        'x-source-topic': 'news.raw',
        'x-source-partition': '2',
        'x-source-offset': '41',
        'x-consumer-group': 'scorer',
      },
    });
  });
});
