import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { runBusConformance } from './bus-conformance.ts';

describe('MemoryBus conformance', () => {
  runBusConformance('memory', async (options = {}) => {
    const bus = new MemoryBus({ retryBackoffMs: 5, maxRetryBackoffMs: 50, closeDrainMs: 200, ...options });
    return { bus, cleanup: () => bus.close() };
  });
});

describe('MemoryBus conformance with its journal on disk', () => {
  runBusConformance('memory-journal', async (options = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'oilwire-bus-'));
    const bus = await MemoryBus.open({ journalDir: dir, retryBackoffMs: 5, maxRetryBackoffMs: 50, closeDrainMs: 200, ...options });
    return {
      bus,
      cleanup: async () => {
        await bus.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});
