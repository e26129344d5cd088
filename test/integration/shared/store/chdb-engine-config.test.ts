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
});
