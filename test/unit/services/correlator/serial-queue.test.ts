import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../../../services/correlator/serial-queue.ts';

/** A promise resolved from outside, to hold a task open. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('SerialQueue', () => {
  it('runs tasks one at a time in the order they were queued, each caller getting its own result', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const g = gate();
    const a = q.run(async () => {
      log.push('a start');
      await g.opened;
      log.push('a end');
      return 1;
    });
    const b = q.run(() => {
      log.push('b');
      return 2;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    g.open();
    expect([await a, await b]).toEqual([1, 2]);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('goes on after a failed task, which rejects only its own caller', async () => {
    const q = new SerialQueue();
    const failed = q.run(async () => {
      throw new Error('boom');
    });
    const next = q.run(async () => 'after');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('after');
  });

  it('idle() resolves once everything queued so far has settled, failures included', async () => {
    const q = new SerialQueue();
    const g = gate();
    let done = 0;
    void q.run(async () => {
      await g.opened;
      done++;
    });
    q.run(async () => {
      done++;
      throw new Error('x');
    }).catch(() => undefined);
    let idle = false;
    const waiting = q.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    g.open();
    await waiting;
    expect([idle, done]).toEqual([true, 2]);
  });
});
