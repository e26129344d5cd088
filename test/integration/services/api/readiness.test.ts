import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import type { PriceTick } from '../../../../shared/contracts/events.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { processWriteHealth, trackWrites } from '../../../../shared/runtime/health.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ClickHouseImpactRepository } from '../../../../services/correlator/index.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { start, type ApiService } from '../../../../services/api/main.ts';
import { dropTestStore, openTestStore } from './helpers.ts';

/**
 * A real full disk: the store lives on a small tmpfs mounted for this file (the tests run as root
 * here and in CI), and a filler file takes the rest of it. Pings keep answering; inserts fail.
 */
const mountpoint = mkdtempSync(join(tmpdir(), 'oilwire-full-disk-'));
const filler = join(mountpoint, 'filler');
let store: Store;
let bus: MemoryBus;
let api: ApiService;

const tick = (i: number): PriceTick => ({
  schema: 'prices.ticks/v1',
  symbol: 'BZ=F',
  ts: new Date(Date.UTC(2026, 0, 5, 10, 0, i)).toISOString(),
  seq: i,
  source: 'test',
  price: 80 + i / 100,
  size: 1,
});

async function readyz(): Promise<{ status: number; body: { checks: Record<string, boolean>; writeFailure?: { error: string } } }> {
  const res = await fetch(`${api.url}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
}

beforeAll(async () => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mountpoint]);
  store = await openTestStore(join(mountpoint, 'db'));
  bus = new MemoryBus();
  api = await start({ bus, store, config: apiConfigSchema.parse({ port: 0 }), logger: silentLogger, clock: systemClock, metrics: new Registry() });
});

afterAll(async () => {
  await api?.stop();
  await bus?.close();
  rmSync(filler, { force: true });
  if (store) await dropTestStore(store);
  execFileSync('umount', ['-l', mountpoint]);
  rmSync(mountpoint, { recursive: true, force: true });
});

describe('/readyz and store writes', () => {
  it('fails while the disk is full (ping still answers) and recovers once writes succeed again', async () => {
    const ticks = new ClickHouseImpactRepository(trackWrites(store, processWriteHealth));
    await ticks.saveTicks([tick(0)]);
    expect((await readyz()).status).toBe(200);

    const { bavail, bsize } = statfsSync(mountpoint);
    writeFileSync(filler, Buffer.alloc(Math.max(0, Number(bavail) * Number(bsize) - 4096)));
    await expect(ticks.saveTicks([tick(1), tick(2)])).rejects.toMatchObject({ code: expect.stringMatching(/^STORE_/) });
    const full = await readyz();
    expect(full.status).toBe(503);
    expect(full.body.checks).toMatchObject({ store: true, writes: false, eventLoop: true });
    expect(full.body.writeFailure?.error).toMatch(/not enough space/i);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/^oilwire_store_writes_failing 1$/m);

    rmSync(filler);
    await ticks.saveTicks([tick(1), tick(2)]);
    const again = await readyz();
    expect(again.status).toBe(200);
    expect(again.body.checks).toMatchObject({ store: true, writes: true });
    const [{ n }] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('ticks_store')} FINAL`);
    expect(Number(n)).toBe(3);
  });

  it('fails while the event loop is held up, and says by how much', async () => {
    // The fault: 1.5 s of synchronous work on the loop, as a huge feed parsed inline would do.
    const until = performance.now() + 1500;
    while (performance.now() < until);
    const held = await readyz();
    expect(held.status).toBe(503);
    expect(held.body.checks).toMatchObject({ eventLoop: false, writes: true });
    expect((held.body as unknown as { eventLoopDelayMs: { max: number } }).eventLoopDelayMs.max).toBeGreaterThanOrEqual(1000);
  });
});
