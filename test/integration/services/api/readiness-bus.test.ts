import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { start, type ApiService } from '../../../../services/api/main.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { dropTestStore, openTestStore } from './helpers.ts';

/** A bus whose health the test decides, standing in for a Kafka subscription stopped by a fatal fault. */
class SwitchableHealthBus extends MemoryBus {
  ok = true;
  override health(): { ok: boolean } {
    return { ok: this.ok };
  }
}

let store: Store;
let bus: SwitchableHealthBus;
let api: ApiService;

async function readyz(): Promise<{ status: number; checks: Record<string, boolean> }> {
  const res = await fetch(`${api.url}/readyz`);
  const body = (await res.json()) as { checks: Record<string, boolean> };
  return { status: res.status, checks: body.checks };
}

beforeAll(async () => {
  store = await openTestStore();
  bus = new SwitchableHealthBus();
  api = await start({ bus, store, config: apiConfigSchema.parse({ port: 0 }), logger: silentLogger, clock: systemClock, metrics: new Registry() });
});

afterAll(async () => {
  await api?.stop();
  await bus?.close();
  if (store) await dropTestStore(store);
});

describe('/readyz and the bus', () => {
  it('is not ready while the bus reports a fatal fault, and ready again once it recovers', async () => {
    // The live feed joins its subscription after start: ready once it has.
    const before = await waitFor(async () => {
      const r = await readyz();
      return r.status === 200 && r;
    }, { timeoutMs: 10_000, message: 'the API never became ready' });
    expect(before.status).toBe(200);
    expect(before.checks.bus).toBe(true);

    bus.ok = false;
    const during = await readyz();
    expect(during.status).toBe(503);
    expect(during.checks.bus).toBe(false);

    bus.ok = true;
    expect((await readyz()).status).toBe(200);
  });
});
