import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../shared/runtime/clock.ts';
import { SingleFlightCache } from '../../../../../services/api/domain/single-flight-cache.ts';

/** A promise settled by the test, so "still running" is a state and not a timing. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A computation that counts its calls and hands each one a deferred the test settles. */
function scripted<T>() {
  const calls: ReturnType<typeof deferred<T>>[] = [];
  return {
    calls,
    compute: () => {
      const d = deferred<T>();
      calls.push(d);
      return d.promise;
    },
  };
}

describe('SingleFlightCache', () => {
  it('runs one computation for concurrent callers of a key and gives them all its result', async () => {
    const cache = new SingleFlightCache<string>(new ManualClock(0), 30_000);
    const c = scripted<string>();
    const a = cache.get('BRENT|15m', c.compute);
    const b = cache.get('BRENT|15m', c.compute);
    expect(c.calls).toHaveLength(1);
    c.calls[0].resolve('rows');
    expect(await a).toBe('rows');
    expect(await b).toBe('rows');
    expect(c.calls).toHaveLength(1);
  });

  it('reuses a result until ttl after the read started, then computes again', async () => {
    const clock = new ManualClock(1_000);
    const cache = new SingleFlightCache<number>(clock, 30_000);
    const c = scripted<number>();
    const first = cache.get('k', c.compute);
    clock.advance(5_000); // a slow read: freshness counts from its start
    c.calls[0].resolve(1);
    expect(await first).toBe(1);
    clock.set(1_000 + 29_999);
    expect(await cache.get('k', c.compute)).toBe(1);
    expect(c.calls).toHaveLength(1);
    clock.set(1_000 + 30_000);
    const second = cache.get('k', c.compute);
    expect(c.calls).toHaveLength(2);
    c.calls[1].resolve(2);
    expect(await second).toBe(2);
    expect(await cache.get('k', c.compute)).toBe(2);
    expect(c.calls).toHaveLength(2);
  });

  it('does not keep a failure: sharers see it, the next caller computes again', async () => {
    const cache = new SingleFlightCache<string>(new ManualClock(0), 30_000);
    const c = scripted<string>();
    const a = cache.get('k', c.compute);
    const b = cache.get('k', c.compute);
    c.calls[0].reject(new Error('store down'));
    await expect(a).rejects.toThrow('store down');
    await expect(b).rejects.toThrow('store down');
    const again = cache.get('k', c.compute);
    expect(c.calls).toHaveLength(2);
    c.calls[1].resolve('ok');
    expect(await again).toBe('ok');
  });

  it('keeps keys apart', async () => {
    const cache = new SingleFlightCache<string>(new ManualClock(0), 30_000);
    const c = scripted<string>();
    const a = cache.get('BRENT|15m', c.compute);
    const b = cache.get('BRENT|1h', c.compute);
    expect(c.calls).toHaveLength(2);
    c.calls[0].resolve('15m');
    c.calls[1].resolve('1h');
    expect([await a, await b]).toEqual(['15m', '1h']);
  });

  it('with ttl 0 computes on every call, concurrent ones included', async () => {
    const cache = new SingleFlightCache<string>(new ManualClock(0), 0);
    const c = scripted<string>();
    const a = cache.get('k', c.compute);
    const b = cache.get('k', c.compute);
    expect(c.calls).toHaveLength(2);
    c.calls[0].resolve('a');
    c.calls[1].resolve('b');
    expect([await a, await b]).toEqual(['a', 'b']);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxKeys results, dropping the oldest and never a running computation', async () => {
    const cache = new SingleFlightCache<string>(new ManualClock(0), 30_000, { maxKeys: 2 });
    const c = scripted<string>();
    const running = cache.get('a', c.compute);
    for (const k of ['b', 'c']) {
      const p = cache.get(k, c.compute);
      c.calls[c.calls.length - 1].resolve(k);
      await p;
    }
    expect(cache.size).toBe(2);
    // 'a' still runs: 'b', the oldest result, made room for 'c'; asking for 'a' again shares its computation.
    void cache.get('a', c.compute);
    expect(c.calls).toHaveLength(3);
    c.calls[0].resolve('a');
    expect(await running).toBe('a');
    expect(await cache.get('c', c.compute)).toBe('c');
    expect(c.calls).toHaveLength(3);
    void cache.get('b', c.compute);
    expect(c.calls).toHaveLength(4);
    c.calls[3].resolve('b');
  });

  it('drops expired results', async () => {
    const clock = new ManualClock(0);
    const cache = new SingleFlightCache<string>(clock, 1_000);
    const c = scripted<string>();
    const p = cache.get('old', c.compute);
    c.calls[0].resolve('old');
    await p;
    clock.advance(1_000);
    const q = cache.get('new', c.compute);
    expect(cache.size).toBe(1);
    c.calls[1].resolve('new');
    await q;
  });

  describe('with a stale window', () => {
    async function cached(clock: ManualClock, staleMs: number) {
      const background: Promise<unknown>[] = [];
      const cache = new SingleFlightCache<string>(clock, 1_000, { staleMs, onBackground: (w) => background.push(w) });
      const c = scripted<string>();
      const first = cache.get('k', c.compute);
      c.calls[0].resolve('v1');
      expect(await first).toBe('v1');
      return { cache, c, background };
    }

    it('answers an expired result at once while one refresh runs behind it, then the refreshed one', async () => {
      const clock = new ManualClock(0);
      const { cache, c, background } = await cached(clock, 5_000);
      clock.advance(1_000);
      expect(await cache.get('k', c.compute)).toBe('v1');
      expect(await cache.get('k', c.compute)).toBe('v1');
      expect(c.calls).toHaveLength(2);
      expect(background).toHaveLength(1);
      c.calls[1].resolve('v2');
      await background[0];
      expect(await cache.get('k', c.compute)).toBe('v2');
      expect(c.calls).toHaveLength(2);
      // Fresh again for the ttl counted from when the refresh started (at 1,000).
      clock.advance(999);
      expect(await cache.get('k', c.compute)).toBe('v2');
      expect(c.calls).toHaveLength(2);
    });

    it('makes callers wait once the stale window has passed too', async () => {
      const clock = new ManualClock(0);
      const { cache, c, background } = await cached(clock, 5_000);
      clock.advance(6_000);
      const waiting = cache.get('k', c.compute);
      expect(c.calls).toHaveLength(2);
      expect(background).toHaveLength(0);
      let settled = false;
      void waiting.then(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      c.calls[1].resolve('v2');
      expect(await waiting).toBe('v2');
    });

    it('keeps serving the stale result when its refresh fails, and tries again on the next call', async () => {
      const clock = new ManualClock(0);
      const { cache, c, background } = await cached(clock, 5_000);
      clock.advance(2_000);
      expect(await cache.get('k', c.compute)).toBe('v1');
      c.calls[1].reject(new Error('store down'));
      await background[0];
      expect(await cache.get('k', c.compute)).toBe('v1');
      expect(c.calls).toHaveLength(3);
      c.calls[2].resolve('v3');
      await background[1];
      expect(await cache.get('k', c.compute)).toBe('v3');
    });

    it('without one (staleMs 0) waits for the refresh as before', async () => {
      const clock = new ManualClock(0);
      const { cache, c } = await cached(clock, 0);
      clock.advance(1_000);
      const waiting = cache.get('k', c.compute);
      c.calls[1].resolve('v2');
      expect(await waiting).toBe('v2');
    });

    it('never evicts a key whose refresh is running, and evicts one past its stale window', async () => {
      const clock = new ManualClock(0);
      const cache = new SingleFlightCache<string>(clock, 1_000, { staleMs: 1_000, maxKeys: 1 });
      const c = scripted<string>();
      const a = cache.get('a', c.compute);
      c.calls[0].resolve('a');
      await a;
      clock.advance(1_500);
      expect(await cache.get('a', c.compute)).toBe('a'); // stale, refresh running
      const b = cache.get('b', c.compute); // over maxKeys: 'a' is running, so it stays
      expect(cache.size).toBe(2);
      c.calls[1].resolve('a2');
      c.calls[2].resolve('b');
      await b;
      clock.advance(3_000);
      void cache.get('c', c.compute);
      expect(cache.size).toBe(1);
    });
  });
});
