import { describe, expect, it } from 'vitest';
import { backoffMs, deadLetterMessage, decideFailure } from '../../../../shared/bus/delivery.ts';
import type { IncomingMessage } from '../../../../shared/bus/port.ts';
import { AppError } from '../../../../shared/errors.ts';

const policy = { maxAttempts: 4, baseBackoffMs: 100, maxBackoffMs: 1_000 };

describe('decideFailure', () => {
  it('retries a retryable error with doubling backoff until the budget is spent, then dead-letters', () => {
    const err = new AppError('STORE_UNAVAILABLE', 'down');
    expect([1, 2, 3].map((a) => decideFailure(err, a, 10, policy))).toEqual([
      { action: 'retry', delayMs: 100 },
      { action: 'retry', delayMs: 200 },
      { action: 'retry', delayMs: 400 },
    ]);
    expect(decideFailure(err, 4, 10, policy)).toEqual({ action: 'dead-letter', reason: 'retries_exhausted' });
  });

  it('never retries a final error: a batch is split to find the poison, a single message is dead-lettered at once', () => {
    const err = new AppError('SCHEMA_INVALID', 'bad row');
    expect(decideFailure(err, 1, 2, policy)).toEqual({ action: 'isolate' });
    expect(decideFailure(err, 1, 1, policy)).toEqual({ action: 'dead-letter', reason: 'non_retryable' });
  });

  it('treats an error that is not an AppError as retryable, and a retryable code made final as final', () => {
    expect(decideFailure(new Error('bug'), 1, 1, policy)).toEqual({ action: 'retry', delayMs: 100 });
    expect(decideFailure(new AppError('BUS_UNAVAILABLE', 'message too large', { retryable: false }), 1, 1, policy)).toEqual({ action: 'dead-letter', reason: 'non_retryable' });
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
