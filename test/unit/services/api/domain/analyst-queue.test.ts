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

describe('AnalystQueue: limits and order at their edges', () => {
  /** Admits each query and records, in order, which one started; returns its release once started. */
  function harness(l: typeof limits) {
    const q = new AnalystQueue(l);
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    const admit = (token: string, name: string) => {
      const a = q.admit(token);
      if (a.ok) {
        void a.started.then((release) => {
          order.push(name);
          releases.set(name, release);
        });
      }
      return a;
    };
    const settle = () => new Promise((r) => setImmediate(r));
    const release = async (name: string) => {
      await settle();
      const r = releases.get(name);
      if (!r) throw new Error(`${name} has not started`);
      r();
      await settle();
    };
    return { q, order, admit, release, settle };
  }

  it('says why it refuses and when to come back', () => {
    const q = new AnalystQueue({ slots: 1, perTokenRunning: 1, perTokenAdmitted: 2, maxWaiting: 1, retryAfterSec: 7 });
    q.admit('a');
    q.admit('a');
    expect(q.admit('a')).toEqual({ ok: false, reason: '2 queries of this token are already running or waiting (limit 2); retry in 7 s', retryAfterSec: 7 });
    expect(q.admit('b')).toEqual({ ok: false, reason: 'the analyst query queue is full (1 waiting); retry in 7 s', retryAfterSec: 7 });
    expect(q.stats()).toEqual({ running: 1, waiting: 1 });
  });

  it('starts a query at once while a slot is free even when the waiting line is full', async () => {
    const h = harness({ slots: 2, perTokenRunning: 1, perTokenAdmitted: 5, maxWaiting: 0, retryAfterSec: 1 });
    expect(h.admit('a', 'a1').ok).toBe(true);
    expect(h.admit('b', 'b1').ok).toBe(true);
    expect(h.q.stats()).toEqual({ running: 2, waiting: 0 });
    expect(h.admit('c', 'c1')).toMatchObject({ ok: false, reason: expect.stringMatching(/queue is full/) });
    // A token at its running limit waits even with a free slot, and the full line refuses it.
    await h.release('b1');
    expect(h.admit('a', 'a2')).toMatchObject({ ok: false, reason: expect.stringMatching(/queue is full/) });
    expect(h.admit('c', 'c1').ok).toBe(true);
    await h.settle();
    expect(h.order).toEqual(['a1', 'b1', 'c1']);
  });

  it('fills every slot and no more, and lets one token run up to its own limit', async () => {
    const h = harness({ slots: 3, perTokenRunning: 2, perTokenAdmitted: 9, maxWaiting: 9, retryAfterSec: 1 });
    for (const n of ['a1', 'a2', 'a3']) h.admit('a', n);
    h.admit('b', 'b1');
    h.admit('c', 'c1');
    await h.settle();
    expect(h.order).toEqual(['a1', 'a2', 'b1']);
    expect(h.q.stats()).toEqual({ running: 3, waiting: 2 });
    await h.release('b1');
    // a is at its limit of two: the slot goes to c.
    expect(h.order).toEqual(['a1', 'a2', 'b1', 'c1']);
    await h.release('a1');
    expect(h.order).toEqual(['a1', 'a2', 'b1', 'c1', 'a3']);
    expect(h.q.stats()).toEqual({ running: 3, waiting: 0 });
  });

  it('a token running two with nobody waiting gives a freed slot to the one that waits, not to itself', async () => {
    const h = harness({ slots: 3, perTokenRunning: 2, perTokenAdmitted: 9, maxWaiting: 9, retryAfterSec: 1 });
    h.admit('a', 'a1');
    h.admit('a', 'a2');
    h.admit('b', 'b1');
    h.admit('b', 'b2');
    await h.settle();
    // a runs two and waits for nothing; b runs one and waits with one.
    expect(h.order).toEqual(['a1', 'a2', 'b1']);
    await h.release('a1');
    expect(h.order).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(h.q.stats()).toEqual({ running: 3, waiting: 0 });
    // Nobody waits now: freeing more starts nothing and takes nothing from an empty line.
    await h.release('a2');
    await h.release('b1');
    expect(h.q.stats()).toEqual({ running: 1, waiting: 0 });
  });

  it('among tokens never served, the one that came first goes first', async () => {
    const h = harness({ slots: 1, perTokenRunning: 1, perTokenAdmitted: 9, maxWaiting: 9, retryAfterSec: 1 });
    h.admit('x', 'x1');
    h.admit('p', 'p1');
    h.admit('q', 'q1');
    await h.release('x1');
    expect(h.order).toEqual(['x1', 'p1']);
  });

  it('a token that has nothing left is forgotten: coming back, it counts as never served', async () => {
    const h = harness({ slots: 1, perTokenRunning: 1, perTokenAdmitted: 9, maxWaiting: 9, retryAfterSec: 1 });
    h.admit('alice', 'a1');
    await h.release('a1');
    h.admit('bob', 'b1');
    h.admit('alice', 'a2');
    h.admit('dave', 'd1');
    await h.release('b1');
    expect(h.order).toEqual(['a1', 'b1', 'a2']);
  });

  it('a token served longer ago goes before one served more recently', async () => {
    const h = harness({ slots: 1, perTokenRunning: 1, perTokenAdmitted: 9, maxWaiting: 9, retryAfterSec: 1 });
    h.admit('a', 'a1');
    h.admit('a', 'a2');
    h.admit('b', 'b1');
    h.admit('b', 'b2');
    await h.release('a1');
    await h.release('b1');
    await h.release('a2');
    expect(h.order).toEqual(['a1', 'b1', 'a2', 'b2']);
    expect(h.q.stats()).toEqual({ running: 1, waiting: 0 });
    await h.release('b2');
    expect(h.q.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it('frees a token admitted slot on release, so it may queue again', async () => {
    const h = harness({ slots: 1, perTokenRunning: 1, perTokenAdmitted: 1, maxWaiting: 9, retryAfterSec: 1 });
    h.admit('a', 'a1');
    expect(h.admit('a', 'x').ok).toBe(false);
    await h.release('a1');
    expect(h.admit('a', 'a2').ok).toBe(true);
    await h.settle();
    expect(h.order).toEqual(['a1', 'a2']);
  });
});
