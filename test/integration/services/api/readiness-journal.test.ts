import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { start, type ApiService } from '../../../../services/api/main.ts';
import { injectFileHandleFaults, type FileHandleFaults } from '../../../helpers/file-handle-faults.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { dropTestStore, openTestStore } from './helpers.ts';

/**
 * /readyz over the embedded default's journaled bus when its disk answers EIO on fsync (injected:
 * test/helpers/file-handle-faults.ts): not ready, with the bus check false, while publishes are
 * refused; ready again once a publish is durable again.
 */
let store: Store;
let bus: MemoryBus;
let api: ApiService;
let faults: FileHandleFaults;
const dir = mkdtempSync(join(tmpdir(), 'oilwire-readyz-journal-'));

async function readyz(): Promise<{ status: number; checks: Record<string, boolean> }> {
  const res = await fetch(`${api.url}/readyz`);
  const body = (await res.json()) as { checks: Record<string, boolean> };
  return { status: res.status, checks: body.checks };
}

beforeAll(async () => {
  faults = await injectFileHandleFaults();
  store = await openTestStore();
  bus = await MemoryBus.open({ journalDir: join(dir, 'bus') });
  api = await start({ bus, store, config: apiConfigSchema.parse({ port: 0 }), logger: silentLogger, clock: systemClock, metrics: new Registry() });
});

afterAll(async () => {
  faults?.restore();
  await api?.stop();
  await bus?.close();
  if (store) await dropTestStore(store);
  rmSync(dir, { recursive: true, force: true });
});

describe('/readyz and the bus journal', () => {
  it('is not ready while the journal cannot fsync, and ready again after a durable publish', async () => {
    const before = await waitFor(async () => {
      const r = await readyz();
      return r.status === 200 && r;
    }, { timeoutMs: 10_000, message: 'the API never became ready' });
    expect(before.checks.bus).toBe(true);

    faults.set('datasync');
    await expect(bus.publish('news.raw', [{ key: 'k', value: 'v' }])).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', details: { errno: 'EIO' } });
    const during = await readyz();
    expect(during.status).toBe(503);
    expect(during.checks.bus).toBe(false);

    faults.set(undefined);
    await bus.publish('news.raw', [{ key: 'k', value: 'v' }]);
    expect((await readyz()).status).toBe(200);
  });
});
