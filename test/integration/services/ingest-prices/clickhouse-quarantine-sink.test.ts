import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ingestPricesConfigSchema } from '../../../../services/ingest-prices/config.ts';
import { start } from '../../../../services/ingest-prices/main.ts';
import { dropTestStore, openTestStore } from '../../../helpers/store.ts';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => dropTestStore(store));

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/prices/${name}`, import.meta.url));

describe('quarantined ticks in the store', () => {
  it('keeps the lone spike of a replay in ticks_quarantine, with the price it jumped from', async () => {
    const bus = new MemoryBus();
    const config = ingestPricesConfigSchema.parse({ sources: [{ kind: 'csv', path: fixture('ticks-with-errors.csv'), source: 'fixture' }] });
    const svc = await start({ bus, store, config, logger: silentLogger, clock: new ManualClock(Date.parse('2026-06-02T00:00:00Z')), metrics: new Registry() });
    await svc.idle!();
    await svc.stop();
    await bus.close();
    const rows = await store.query<{ ts: string; price: number; reason: string; anchor_price: number; source: string }>(
      `SELECT toString(ts) AS ts, price, reason, anchor_price, source FROM ${store.table('quarantined_ticks')} ORDER BY ts`,
    );
    expect(rows).toEqual([{ ts: '2026-06-01 10:00:40.000', price: 400, reason: 'reverted_spike', anchor_price: 80.2, source: 'fixture' }]);
    expect(svc.stats().rejected.quarantine_write_failed).toBeUndefined();
  });
});
