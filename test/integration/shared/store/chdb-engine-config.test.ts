import { afterAll, describe, expect, it } from 'vitest';
import { dirtyPagesPurgeRatio, engineMemoryBytes } from '../../../../shared/store/chdb-access.ts';
import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { randomName } from '../../../helpers/pipeline.ts';

describe('embedded chDB: the engine configuration oilwire writes', () => {
  let store: Store | undefined;
  afterAll(async () => {
    await store?.command(`DROP DATABASE IF EXISTS ${store.database}`);
    await store?.close();
  });

  it('is the one the engine runs with: its memory worker purges freed allocator pages past 48 MiB, not 0.2 of its limit', async () => {
    store = await openStore({ path: ':memory:', database: randomName('test') });
    const [row] = await store.query<{ value: string }>(`SELECT value FROM system.server_settings WHERE name = 'memory_worker_purge_dirty_pages_threshold_ratio'`);
    expect(Number(row.value)).toBeCloseTo(Number(dirtyPagesPurgeRatio(engineMemoryBytes())), 9);
    expect(Number(row.value)).toBeLessThan(0.2);
  });

  it('lets the memory worker see the freed pages: it reads jemalloc, not the cgroup, and purges without anyone reading the allocator statistics', async () => {
    store ??= await openStore({ path: ':memory:', database: randomName('test') });
    const [row] = await store.query<{ value: string }>(`SELECT value FROM system.server_settings WHERE name = 'memory_worker_use_cgroup'`);
    expect(row.value).toBe('0');
    const purges = async () => {
      const [r] = await store!.query<{ n: string }>(`SELECT sum(value) AS n FROM system.events WHERE event = 'MemoryAllocatorPurge'`);
      return Number(r.n);
    };
    const before = await purges();
    // About 200 MB allocated and freed (a growing array's copies, then the array): several times the 48 MiB threshold.
    // Nothing here reads system.jemalloc_stats, which refreshes the statistics and would let the worker see them anyway.
    await store.query(`SELECT length(groupArray(number)) FROM numbers(25000000)`);
    const deadline = Date.now() + 30_000;
    while ((await purges()) === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await purges()).toBeGreaterThan(before);
  });

  // After the purge test: reading system.jemalloc_stats refreshes the statistics the memory worker reads.
  it("starts the engine's allocator with the options of chdb-allocator.ts: thread caches of at most 4 KiB", async () => {
    store ??= await openStore({ path: ':memory:', database: randomName('test') });
    const [row] = await store.query<{ stats: string }>('SELECT stats FROM system.jemalloc_stats');
    // Not imported from chdb-allocator.ts: importing it here would set the variable whether or not the store does.
    expect(row.stats).toContain('Environment variable MALLOC_CONF: "tcache_max:4096"');
    expect(row.stats).toMatch(/^\s*opt\.tcache_max: 4096$/m);
  });
});
