import { afterAll, beforeAll, describe } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import { migrate } from '../../../../shared/store/migrate.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { watermarkRestartScenario } from './watermark-scenario.ts';

/** Embedded mode: the in-process bus and chDB, the correlator stopped and started again in the same process. */
describe('correlator watermarks across a restart (embedded)', () => {
  let store: Store;
  const bus = new MemoryBus({ retryBackoffMs: 5, maxRetryBackoffMs: 20 });
  beforeAll(async () => {
    store = await openStore({ path: ':memory:', database: randomName('test') });
    await migrate(store);
  });
  afterAll(async () => {
    await bus.close();
    await store.command(`DROP DATABASE IF EXISTS ${store.table('x').split('.')[0]}`);
    await store.close();
  });
  watermarkRestartScenario('memory bus', { store: () => store, bus: () => bus, waitMs: 10_000 });
});
