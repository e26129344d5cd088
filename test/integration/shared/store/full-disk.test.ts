import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../../shared/store/port.ts';
import { mountSmallDisk, type SmallDisk } from '../../../helpers/full-disk.ts';
import { dropTestStore, openTestStore } from '../../../helpers/store.ts';

/**
 * The embedded store on a real full disk (a small tmpfs, filled to 4 kB): an insert chDB refuses for
 * want of room must be retryable. Final, it made the bus dead-letter every batch in flight (the chaos
 * suite's full-disk moment lost 5 articles so); retried, it is stored once the room is back.
 */
let disk: SmallDisk;
let store: Store;

beforeAll(async () => {
  disk = mountSmallDisk(32, 'oilwire-store-full-');
  store = await openTestStore(`${disk.dir}/db`);
});
afterAll(async () => {
  disk.free();
  await dropTestStore(store);
  disk.remove();
});

const tick = (i: number) => ({ symbol: 'BRENT', ts: `2026-06-01 10:00:0${i}.000`, seq: i, source: 'test', price: 80 + i, size: 1 });

describe('the embedded store on a full disk', () => {
  it('refuses an insert with a retryable STORE_UNAVAILABLE saying why, and takes it once there is room', async () => {
    await store.insert('ticks_store', [tick(0)]);
    disk.fill(4096);
    const err = await store.insert('ticks_store', [tick(1)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, outage: true });
    expect((err as Error).message).toMatch(/not enough space/i);

    disk.free();
    await store.insert('ticks_store', [tick(1)]);
    const [{ n }] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('ticks_store')} FINAL`);
    expect(Number(n)).toBe(2);
  });
});
