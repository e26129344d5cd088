import { describe, expect, it } from 'vitest';
import { AnalystQueue } from '../../../../../services/api/domain/analyst-queue.ts';

const limits = { slots: 2, perTokenRunning: 1, perTokenAdmitted: 3, maxWaiting: 4, retryAfterSec: 10 };

async function started(a: ReturnType<AnalystQueue['admit']>): Promise<() => void> {
  if (!a.ok) throw new Error(a.reason);
  return a.started;
}

describe('AnalystQueue', () => {
  it('runs one query per token at once and refuses a token past its admitted limit, with a retry delay', async () => {
    const q = new AnalystQueue(limits);
    const first = q.admit('alice');
    q.admit('alice');
    q.admit('alice');
    expect(q.stats()).toEqual({ running: 1, waiting: 2 });
    const fourth = q.admit('alice');
    expect(fourth).toMatchObject({ ok: false, retryAfterSec: 10, reason: expect.stringMatching(/3 queries of this token/) });
    (await started(first))();
    expect(q.stats()).toEqual({ running: 1, waiting: 1 });
  });

  it('serves waiting tokens in turn, so one token with a backlog does not push another to the back', async () => {
    const q = new AnalystQueue({ ...limits, slots: 1, perTokenAdmitted: 10, maxWaiting: 10 });
    const order: string[] = [];
    const admit = (token: string) => {
      const a = q.admit(token);
      if (!a.ok) throw new Error(a.reason);
      void a.started.then((release) => {
        order.push(token);
        queueMicrotask(release);
      });
    };
    for (let i = 0; i < 4; i++) admit('alice');
    admit('bob');
    while (q.stats().running + q.stats().waiting > 0) await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['alice', 'bob', 'alice', 'alice', 'alice']);
  });

  it('refuses when the waiting line is full, and releasing twice frees one slot only', async () => {
    const q = new AnalystQueue({ ...limits, slots: 1, perTokenRunning: 1, perTokenAdmitted: 5, maxWaiting: 1 });
    const a = q.admit('a');
    expect(q.admit('b').ok).toBe(true);
    expect(q.admit('c')).toMatchObject({ ok: false, reason: expect.stringMatching(/queue is full/) });
    const release = await started(a);
    release();
    release();
    expect(q.stats()).toEqual({ running: 1, waiting: 0 });
  });
});
