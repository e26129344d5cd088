import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { busMetrics } from '../../../../shared/bus/bus-metrics.ts';
import { backoffMs, countFailure, deadLetterMessage, decideFailure, deliverBatch, NO_FAILURES, type DeliveryContext, type Failures } from '../../../../shared/bus/delivery.ts';
import type { IncomingMessage, OutgoingMessage, SubscribeOptions } from '../../../../shared/bus/port.ts';
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

/**
 * deliverBatch with a scripted handler, waits that resolve at once (recorded), a registry and a logger that
 * keeps every record, so what the bus shows an operator is asserted: the log lines and their fields, the metrics.
 */
describe('deadLetterMessage, long errors', () => {
  it('cuts the error text to 1,000 characters, and names a thrown value that is not an Error by its text', () => {
    const m: IncomingMessage = { topic: 't', partition: 0, offset: '1', key: 'k', value: Buffer.from('v'), headers: {}, timestamp: 1 };
    const long = deadLetterMessage(m, new Error('x'.repeat(1500)), 2, 'retries_exhausted', 'g');
    expect(long.headers?.['x-error']).toBe('x'.repeat(1000));
    expect(long.headers?.['x-error-code']).toBe('UNKNOWN');
    expect(deadLetterMessage(m, 'plain text', 1, 'retries_exhausted', 'g').headers?.['x-error']).toBe('plain text');
  });
});

describe('deliverBatch', () => {
  const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;
  type Step = 'done' | 'abandoned' | Error | ((batch: IncomingMessage[]) => Promise<'done' | 'abandoned'>);

  const message = (offset: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
    topic: 'news.raw',
    partition: 3,
    offset,
    key: `k${offset}`,
    value: Buffer.from(`v${offset}`),
    headers: {},
    timestamp: 1,
    ...extra,
  });

  function harness(steps: Step[], overrides: { stopAfterRuns?: number; waitStopsAt?: number; publishFailures?: number; onRetry?: SubscribeOptions['onRetry'] } = {}) {
    const records: Array<Record<string, unknown> & { level: number; msg: string }> = [];
    const logger = pino({ level: 'debug', base: undefined }, { write: (line: string) => void records.push(JSON.parse(line)) });
    const metrics = busMetrics(new Registry());
    const runs: string[][] = [];
    const waits: number[] = [];
    const published: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
    const gaugeDuringWaits: number[] = [];
    let publishFailures = overrides.publishFailures ?? 0;
    let publishCalls = 0;
    const options: SubscribeOptions = { groupId: 'scorer', topics: ['news.raw'], handler: async () => {}, onRetry: overrides.onRetry };
    const ctx: DeliveryContext = {
      options,
      policy: { maxAttempts: 3, baseBackoffMs: 10, maxBackoffMs: 100 },
      metrics,
      logger,
      run: async (batch) => {
        runs.push(batch.map((m) => m.offset));
        const step = steps.shift() ?? 'done';
        if (step instanceof Error) throw step;
        if (typeof step === 'function') return step(batch);
        return step;
      },
      wait: async (ms) => {
        waits.push(ms);
        gaugeDuringWaits.push(await gaugeValue());
        return overrides.waitStopsAt !== undefined && waits.length >= overrides.waitStopsAt;
      },
      stopped: () => overrides.stopAfterRuns !== undefined && runs.length >= overrides.stopAfterRuns,
      publish: async (topic, messages) => {
        publishCalls++;
        if (publishFailures-- > 0) throw new AppError('BUS_UNAVAILABLE', `broker away ${publishCalls}`);
        published.push({ topic, messages });
      },
    };
    async function gaugeValue(): Promise<number> {
      const v = (await metrics.outageWaits.get()).values.find((x) => x.labels.group === 'scorer' && x.labels.topic === 'news.raw');
      return v?.value ?? 0;
    }
    async function counter(c: 'retries' | 'deadLetters') {
      return (await metrics[c].get()).values.map((v) => ({ labels: v.labels, value: v.value }));
    }
    return { ctx, metrics, records, runs, waits, published, gaugeDuringWaits, gaugeValue, counter, publishCalls: () => publishCalls };
  }

  it('acks a batch its handler took, with no log line, no metric and no wait', async () => {
    const h = harness(['done']);
    expect(await deliverBatch([message('1'), message('2')], h.ctx)).toBe('done');
    expect(h.runs).toEqual([['1', '2']]);
    expect(h.records).toEqual([]);
    expect(h.waits).toEqual([]);
    expect(await h.counter('retries')).toEqual([]);
    expect(await h.gaugeValue()).toBe(0);
  });

  it('does not ack a batch whose run was abandoned, nor one of a subscription already stopped (the handler is not run)', async () => {
    const abandoned = harness(['abandoned']);
    expect(await deliverBatch([message('1')], abandoned.ctx)).toBe('stopped');
    expect(abandoned.records).toEqual([]);
    const stopped = harness(['done'], { stopAfterRuns: 0 });
    expect(await deliverBatch([message('1')], stopped.ctx)).toBe('stopped');
    expect(stopped.runs).toEqual([]);
  });

  it('retries an error about the message with its backoff, a retry metric, the onRetry hook and a warning per failure in the 1, 2, 4... rule', async () => {
    const hook: Array<{ err: unknown; attempt: number; batch: string[] }> = [];
    const h = harness([new Error('bug 1'), new Error('bug 2'), 'done'], { onRetry: (err, attempt, batch) => void hook.push({ err, attempt, batch: batch.map((m) => m.offset) }) });
    expect(await deliverBatch([message('7'), message('8')], h.ctx)).toBe('done');
    expect(h.runs).toEqual([
      ['7', '8'],
      ['7', '8'],
      ['7', '8'],
    ]);
    expect(h.waits).toEqual([10, 20]);
    expect(hook.map((c) => [(c.err as Error).message, c.attempt, c.batch])).toEqual([
      ['bug 1', 1, ['7', '8']],
      ['bug 2', 2, ['7', '8']],
    ]);
    expect(await h.counter('retries')).toEqual([{ labels: { group: 'scorer', topic: 'news.raw', code: 'UNKNOWN' }, value: 2 }]);
    expect(await h.counter('deadLetters')).toEqual([]);
    expect(h.records.map(({ time: _t, err, ...r }) => ({ ...r, err: (err as { message: string }).message }))).toEqual([
      { level: LEVEL.warn, msg: 'batch failed, retrying', err: 'bug 1', topic: 'news.raw', partition: 3, tries: 1, attempts: 1, outage: false, delayMs: 10, group: 'scorer' },
      { level: LEVEL.warn, msg: 'batch failed, retrying', err: 'bug 2', topic: 'news.raw', partition: 3, tries: 2, attempts: 2, outage: false, delayMs: 20, group: 'scorer' },
    ]);
    // Never waiting out anything, the partition was never shown as held.
    expect(h.gaugeDuringWaits).toEqual([0, 0]);
  });

  it('waits out an outage: the gauge shows the held partition during the waits only, lines at the 1st, 2nd, 4th failure, one info line once through', async () => {
    const down = (n: number) => new AppError('STORE_UNAVAILABLE', `store down ${n}`);
    const h = harness([down(1), down(2), down(3), down(4), down(5), 'done']);
    expect(await deliverBatch([message('5')], h.ctx)).toBe('done');
    expect(h.waits).toEqual([10, 20, 40, 80, 100]);
    expect(h.gaugeDuringWaits).toEqual([1, 1, 1, 1, 1]);
    expect(await h.gaugeValue()).toBe(0);
    expect(await h.counter('retries')).toEqual([{ labels: { group: 'scorer', topic: 'news.raw', code: 'STORE_UNAVAILABLE' }, value: 5 }]);
    const lines = h.records.map(({ time: _t, err, ...r }) => ({ ...r, ...(err ? { err: (err as { message: string }).message } : {}) }));
    const failed = (n: number, level: number) => ({
      level,
      msg: 'batch failed, retrying',
      err: `store down ${n}`,
      topic: 'news.raw',
      partition: 3,
      tries: n,
      attempts: 0,
      outage: true,
      outageRetries: n,
      delayMs: [10, 20, 40, 80, 100][n - 1],
      group: 'scorer',
    });
    expect(lines).toEqual([
      failed(1, LEVEL.warn),
      failed(2, LEVEL.warn),
      failed(3, LEVEL.debug),
      failed(4, LEVEL.warn),
      failed(5, LEVEL.debug),
      { level: LEVEL.info, msg: 'batch went through once its dependency was back', topic: 'news.raw', partition: 3, tries: 6, outageRetries: 5, group: 'scorer' },
    ]);
  });

  it('stops showing the partition as held once a failure about the message follows the outage, and logs no "went through" line after it', async () => {
    const h = harness([new AppError('BUS_TIMEOUT', 'slow'), new Error('bug'), 'done']);
    expect(await deliverBatch([message('5')], h.ctx)).toBe('done');
    expect(h.gaugeDuringWaits).toEqual([1, 0]);
    expect(await h.gaugeValue()).toBe(0);
    expect(h.records.map((r) => [r.level, r.msg, r.outage, r.attempts])).toEqual([
      [LEVEL.warn, 'batch failed, retrying', true, 0],
      [LEVEL.warn, 'batch failed, retrying', false, 1],
    ]);
  });

  it('does not log "went through" when the batch is abandoned after an outage, and clears the gauge', async () => {
    const h = harness([new AppError('STORE_UNAVAILABLE', 'down'), 'abandoned']);
    expect(await deliverBatch([message('5')], h.ctx)).toBe('stopped');
    expect(h.records.filter((r) => r.level === LEVEL.info)).toEqual([]);
    expect(await h.gaugeValue()).toBe(0);
  });

  it('stops when the subscription stops during a failure or a backoff, without acking, and clears the gauge', async () => {
    const duringFailure = harness([new Error('bug')], { stopAfterRuns: 1 });
    expect(await deliverBatch([message('1')], duringFailure.ctx)).toBe('stopped');
    expect(duringFailure.waits).toEqual([]);
    expect(await duringFailure.counter('retries')).toEqual([]);
    const duringWait = harness([new AppError('STORE_UNAVAILABLE', 'down'), 'done'], { waitStopsAt: 1 });
    expect(await deliverBatch([message('1')], duringWait.ctx)).toBe('stopped');
    expect(duringWait.runs).toEqual([['1']]);
    expect(await duringWait.gaugeValue()).toBe(0);
  });

  it('dead-letters a message whose retries are spent: the letters, the metric by reason and code, the error line with offsets and attempts', async () => {
    const h = harness([new Error('bug 1'), new Error('bug 2'), new Error('bug 3')]);
    expect(await deliverBatch([message('7'), message('8')], h.ctx)).toBe('done');
    expect(h.runs).toHaveLength(3);
    expect(h.published.map((p) => [p.topic, p.messages.map((m) => [m.key, m.headers?.['x-attempts'], m.headers?.['x-dead-letter-reason'], m.headers?.['x-error'], m.headers?.['x-consumer-group']])])).toEqual([
      [
        'news.raw.dlq',
        [
          ['k7', '3', 'retries_exhausted', 'bug 3', 'scorer'],
          ['k8', '3', 'retries_exhausted', 'bug 3', 'scorer'],
        ],
      ],
    ]);
    expect(await h.counter('deadLetters')).toEqual([{ labels: { group: 'scorer', topic: 'news.raw', reason: 'retries_exhausted', code: 'UNKNOWN' }, value: 2 }]);
    const { time: _t, err, ...last } = h.records.at(-1)!;
    expect((err as { message: string }).message).toBe('bug 3');
    expect(last).toEqual({
      level: LEVEL.error,
      msg: 'messages moved to the dead-letter topic',
      code: 'UNKNOWN',
      topic: 'news.raw',
      partition: 3,
      offsets: ['7', '8'],
      attempts: 3,
      tries: 3,
      reason: 'retries_exhausted',
      dlq: 'news.raw.dlq',
    });
    expect(h.records).toHaveLength(3);
  });

  it('retries the dead-letter publish with backoff until it is durable, a warning per failure, then acks', async () => {
    const h = harness([new AppError('SCHEMA_INVALID', 'bad row')], { publishFailures: 2 });
    expect(await deliverBatch([message('9')], h.ctx)).toBe('done');
    expect(h.publishCalls()).toBe(3);
    expect(h.waits).toEqual([10, 20]);
    expect(h.published.map((p) => [p.topic, p.messages.length, p.messages[0]?.headers?.['x-dead-letter-reason'], p.messages[0]?.headers?.['x-error-code']])).toEqual([
      ['news.raw.dlq', 1, 'non_retryable', 'SCHEMA_INVALID'],
    ]);
    expect(h.records.map(({ time: _t, err, ...r }) => ({ ...r, err: (err as { message: string }).message }))).toEqual([
      { level: LEVEL.warn, msg: 'dead-letter publish failed; retrying', err: 'broker away 1', topic: 'news.raw', tries: 1 },
      { level: LEVEL.warn, msg: 'dead-letter publish failed; retrying', err: 'broker away 2', topic: 'news.raw', tries: 2 },
      expect.objectContaining({ level: LEVEL.error, msg: 'messages moved to the dead-letter topic', err: 'bad row', code: 'SCHEMA_INVALID', reason: 'non_retryable', attempts: 1, tries: 1 }),
    ]);
    expect(await h.counter('deadLetters')).toEqual([{ labels: { group: 'scorer', topic: 'news.raw', reason: 'non_retryable', code: 'SCHEMA_INVALID' }, value: 1 }]);
  });

  it('does not ack a dead letter it could not publish before the subscription stopped, and counts none', async () => {
    const h = harness([new AppError('SCHEMA_INVALID', 'bad row')], { publishFailures: 5, waitStopsAt: 1 });
    expect(await deliverBatch([message('9')], h.ctx)).toBe('stopped');
    expect(h.publishCalls()).toBe(1);
    expect(await h.counter('deadLetters')).toEqual([]);
    expect(h.records.map((r) => r.msg)).toEqual(['dead-letter publish failed; retrying']);
  });

  it('splits a batch that failed finally into single messages: only the poison is dead-lettered, its neighbours are handled', async () => {
    const poison = (batch: IncomingMessage[]) => (batch.some((m) => m.offset === '2') ? Promise.reject(new AppError('SCHEMA_INVALID', 'bad row 2')) : Promise.resolve('done' as const));
    const h = harness([poison, poison, poison, poison]);
    expect(await deliverBatch([message('1'), message('2'), message('3')], h.ctx)).toBe('done');
    expect(h.runs).toEqual([['1', '2', '3'], ['1'], ['2'], ['3']]);
    expect(h.published.map((p) => p.messages.map((m) => m.headers?.['x-source-offset']))).toEqual([['2']]);
    const { time: _t, err, ...warn } = h.records[0]!;
    expect((err as { message: string }).message).toBe('bad row 2');
    expect(warn).toEqual({
      level: LEVEL.warn,
      msg: 'batch failed with a final error; delivering its messages one by one to isolate the poison',
      topic: 'news.raw',
      partition: 3,
      messages: 3,
    });
    expect(h.records.slice(1).map((r) => [r.msg, r.offsets])).toEqual([['messages moved to the dead-letter topic', ['2']]]);
    expect(await h.counter('retries')).toEqual([]);
  });

  it('stops splitting when the subscription stops on one of the single messages', async () => {
    const h = harness([new AppError('SCHEMA_INVALID', 'bad'), 'done', 'abandoned', 'done']);
    expect(await deliverBatch([message('1'), message('2'), message('3')], h.ctx)).toBe('stopped');
    expect(h.runs).toEqual([['1', '2', '3'], ['1'], ['2']]);
  });

  it('delivers an empty batch as done; its lines, having no message to name, say topic "" and partition -1', async () => {
    expect(await deliverBatch([], harness(['done']).ctx)).toBe('done');
    const h = harness([new Error('bug'), 'done']);
    expect(await deliverBatch([], h.ctx)).toBe('done');
    expect(h.records.map((r) => [r.msg, r.topic, r.partition])).toEqual([['batch failed, retrying', '', -1]]);
    expect(await h.counter('retries')).toEqual([{ labels: { group: 'scorer', topic: '', code: 'UNKNOWN' }, value: 1 }]);
    const w = harness([new AppError('STORE_UNAVAILABLE', 'down'), 'done']);
    expect(await deliverBatch([], w.ctx)).toBe('done');
    expect((await w.metrics.outageWaits.get()).values.map((v) => [v.labels, v.value])).toEqual([[{ group: 'scorer', topic: '' }, 0]]);
  });

  it('survives an onRetry hook that throws: a warning names the hook, the batch is still retried', async () => {
    const h = harness([new Error('bug'), 'done'], {
      onRetry: () => {
        throw new Error('hook bug');
      },
    });
    expect(await deliverBatch([message('1')], h.ctx)).toBe('done');
    expect(h.runs).toHaveLength(2);
    expect(h.records.map((r) => [r.level, r.msg, (r.err as { message: string }).message])).toEqual([
      [LEVEL.warn, 'onRetry hook threw', 'hook bug'],
      [LEVEL.warn, 'batch failed, retrying', 'bug'],
    ]);
  });
});
