/**
 * Memory of the in-process bus after a long run: 200,000 messages of 3 kB published (with the
 * journal on) and consumed, then what is still held, next to the same run with an unbounded
 * replay window (the bus before retention existed). Figures, not a pass/fail:
 *
 *   node --expose-gc bin/run-ts.mjs bench/bus-retention.ts [messages]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../shared/bus/journal.ts';
import { MemoryBus } from '../shared/bus/memory-bus.ts';

const N = Number(process.argv[2] ?? 200_000);

async function run(replayWindow: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-bus-retention-'));
  const bus = await MemoryBus.open({ journalDir: dir, replayWindow });
  try {
    await bus.ensureTopics([{ topic: 'news.raw', partitions: 4 }]);
    let consumed = 0;
    await bus.subscribe({ groupId: 'bench', topics: ['news.raw'], handler: async (b) => void (consumed += b.length) });
    const value = 'x'.repeat(3000);
    const t0 = performance.now();
    for (let i = 0; i < N; i += 500) await bus.publish('news.raw', Array.from({ length: Math.min(500, N - i) }, (_, j) => ({ key: `k${i + j}`, value })));
    while (consumed < N) await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = (performance.now() - t0) / 1000;
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    return {
      replayWindow,
      consumed,
      retained: bus.retainedCount(),
      buffersMB: Math.round(mem.arrayBuffers / 1e6),
      heapMB: Math.round(mem.heapUsed / 1e6),
      journalMB: Math.round(statSync(Journal.file(dir)).size / 1e6),
      messagesPerSecond: Math.round(N / seconds),
    };
  } finally {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const bounded = await run(1000);
const unbounded = await run(Number.MAX_SAFE_INTEGER);
process.stdout.write(`${JSON.stringify({ bounded, unbounded }, null, 2)}\n`);
