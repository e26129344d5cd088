import { describe, expect, it } from 'vitest';
import { RowOutbox } from '../../../../services/correlator/outbox.ts';

/** A store write that records each call and can be held open or made to fail. */
function fakeWrite() {
  const calls: number[][] = [];
  let failNext = 0;
  let hold: Promise<void> | undefined;
  let release: (() => void) | undefined;
  return {
    calls,
    failTimes(n: number) {
      failNext = n;
    },
    holdNext() {
      hold = new Promise<void>((r) => (release = r));
    },
    release() {
      release?.();
      hold = undefined;
    },
    write: async (rows: number[]) => {
      calls.push([...rows]);
      const h = hold;
      if (h) await h;
      if (failNext > 0) {
        failNext--;
        throw new Error('store down');
      }
    },
  };
}

describe('RowOutbox', () => {
  it('writes what is waiting in one write and is empty afterwards; nothing waiting, no write', async () => {
    const w = fakeWrite();
    const box = new RowOutbox(w.write);
    await box.flush();
    expect(w.calls).toEqual([]);
    box.add([1, 2]);
    box.add([3]);
    expect(box.size).toBe(3);
    await box.flush();
    expect(w.calls).toEqual([[1, 2, 3]]);
    expect(box.size).toBe(0);
  });

  it('keeps the rows of a failed write in front of rows added since, and writes them all next time', async () => {
    const w = fakeWrite();
    const box = new RowOutbox(w.write);
    box.add([1, 2]);
    w.failTimes(1);
    w.holdNext();
    const failing = box.flush();
    await Promise.resolve();
    await Promise.resolve();
    box.add([3]);
    w.release();
    await expect(failing).rejects.toThrow('store down');
    expect(box.size).toBe(3);
    await box.flush();
    expect(w.calls).toEqual([
      [1, 2],
      [1, 2, 3],
    ]);
    expect(box.size).toBe(0);
  });

  it('writes one group at a time: rows added during a write go together in the next one', async () => {
    const w = fakeWrite();
    const box = new RowOutbox(w.write);
    box.add([1]);
    w.holdNext();
    const first = box.flush();
    await Promise.resolve();
    await Promise.resolve();
    box.add([2]);
    const second = box.flush();
    box.add([3]);
    const third = box.flush();
    expect(w.calls).toEqual([[1]]);
    w.release();
    await Promise.all([first, second, third]);
    expect(w.calls).toEqual([[1], [2, 3]]);
  });

  it('adds a large evaluation without overflowing the argument stack', async () => {
    const w = fakeWrite();
    const box = new RowOutbox(w.write);
    box.add(Array.from({ length: 300_000 }, (_, i) => i));
    expect(box.size).toBe(300_000);
    await box.flush();
    expect(w.calls[0].length).toBe(300_000);
  });
});
