import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openRuntime, startServices, stopServices } from '../../../../cli/runtime.ts';
import type { RootConfig } from '../../../../cli/config.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import { testConfig } from '../../../helpers/pipeline.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/prices/${name}`, import.meta.url));
// On disk: the second replay must find what the first one stored.
const dataDir = mkdtempSync(join(tmpdir(), 'oilwire-e2e-prices-'));
const base = testConfig();
const config: RootConfig = testConfig({
  store: { ...base.store, path: dataDir },
  ingestPrices: { sources: [{ kind: 'ndjson', path: fixture('ticks-dup.ndjson'), symbol: 'BRENT' }] },
  correlator: { symbols: ['BRENT'], horizons: ['1m'] },
});

async function replay(): Promise<Record<string, unknown>[]> {
  const rt = await openRuntime(config, { logger: silentLogger });
  const services = await startServices(['correlator', 'ingest-prices'], rt);
  try {
    await waitFor(async () => Number((await rt.store.query<{ n: string }>(`SELECT count() AS n FROM ${rt.store.table('ticks')}`))[0].n) === 4, { message: '4 ticks stored' });
    const rows = await rt.store.query(`SELECT toString(ts) AS ts, open, high, low, close, volume, toUInt32(ticks) AS ticks FROM ${rt.store.table('bars_1m')} WHERE symbol = 'BRENT' ORDER BY ts`);
    return rows;
  } finally {
    await stopServices(services);
    await rt.close();
  }
}

describe('a price file replayed through ingest-prices and the correlator into 1-minute bars', () => {
  afterAll(async () => {
    const store = await openStore(config.store);
    await store.command(`DROP DATABASE IF EXISTS ${config.store.database}`);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // ticks-dup.ndjson: 10:00:00 80 (x5, twice: a duplicate), 10:01:30 80.6 (x1), 10:01:10 80.4 (x2, out of order), 10:02:05 80.2 (x4).
  const expected = [
    { ts: '2026-06-01 10:00:00', open: 80, high: 80, low: 80, close: 80, volume: 5, ticks: 1 },
    { ts: '2026-06-01 10:01:00', open: 80.4, high: 80.6, low: 80.4, close: 80.6, volume: 3, ticks: 2 },
    { ts: '2026-06-01 10:02:00', open: 80.2, high: 80.2, low: 80.2, close: 80.2, volume: 4, ticks: 1 },
  ];

  it('drops the duplicate and orders the out-of-order tick by time', async () => {
    expect(await replay()).toEqual(expected);
  });

  it('a second replay of the same file changes nothing: no doubled volume', async () => {
    expect(await replay()).toEqual(expected);
  });
});
