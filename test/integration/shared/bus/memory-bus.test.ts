import { describe } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { runBusConformance } from './bus-conformance.ts';

describe('MemoryBus conformance', () => {
  runBusConformance('memory', async () => {
    const bus = new MemoryBus({ retryBackoffMs: 5, maxRetryBackoffMs: 50 });
    return { bus, cleanup: () => bus.close() };
  });
});
