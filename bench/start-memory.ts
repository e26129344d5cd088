/**
 * `oilwire start` after many headlines: the API, correlator and scorer of one process (as
 * `oilwire start` runs them, journaled in-process bus, embedded chDB in a temporary folder) fed
 * synthetic headlines on `news.raw` and Brent ticks on `prices.ticks` in chunks, as ingest would,
 * each chunk waited for until the correlator has stored it. Each count runs in a process of its
 * own (RSS never shrinks back, so counts in one process would measure each other); the first
 * count is the throughput baseline of the others. Figures, not pass/fail; the target of issue 16
 * is under 1 GB RSS after 100k headlines with throughput within 1.5x of the 5k figure.
 *
 *   npm run bench -- --only start-memory                           (5,000 and 100,000)
 *   node bin/run-ts.mjs bench/start-memory.ts 5000,100000 [--spacing-ms 1000] [--heap-snapshot file]
 *   node bin/run-ts.mjs bench/start-memory.ts --child 100000 [--replay-window 10000000]   (one count, JSON on stdout)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { rootConfigSchema } from '../cli/config.ts';
import { openRuntime, startServices, stopServices, type Runtime } from '../cli/runtime.ts';
import { publishEvents } from '../shared/bus/typed.ts';
import { TOPICS, messageKey, type PriceTick } from '../shared/contracts/events.ts';
import { silentLogger } from '../shared/runtime/logger.ts';
import { syntheticHeadlines } from './pipeline.ts';
import type { Report } from './report.ts';

const CHUNK = 1000;
const TICK_EVERY_MS = 10_000;

interface Checkpoint {
  headlines: number;
  seconds: number;
  rssMB: number;
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
  arrayBuffersMB: number;
  retainedOnBus?: number;
  /** What the embedded ClickHouse accounts for itself (system.metrics), by name, in MB. */
  chdbMB?: Record<string, number>;
  /** RSS split by the kernel (/proc/self/status): anonymous pages (heaps of V8, malloc and jemalloc) and file pages (mostly libchdb.so's code). */
  rssAnonMB?: number;
  rssFileMB?: number;
  /** chDB's allocator (jemalloc, `system.jemalloc_stats`): bytes its callers hold, and pages it keeps resident. */
  jemallocAllocatedMB?: number;
  jemallocResidentMB?: number;
}

export interface StartMemoryResult {
  headlines: number;
  spacingMs: number;
  headlinesPerSecond: number;
  /** Headlines per second of this process's CPU time (all its threads, chDB's included): what a busy shared machine changes least. */
  headlinesPerCpuSecond: number;
  /** Headlines/s over the last `lastWindow` headlines of the run. */
  lastWindowPerSecond: number;
  lastWindow: number;
  peakRssMB: number;
  checkpoints: Checkpoint[];
}

const mb = (bytes: number) => Math.round(bytes / 1e6);

const CHDB_METRICS = ['MemoryTracking', 'MarkCacheBytes', 'PrimaryIndexCacheBytes', 'UncompressedCacheBytes', 'QueryConditionCacheBytes'];

function statusKB(field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // not Linux
  }
}

async function jemalloc(store: Runtime['store']): Promise<{ allocated?: number; resident?: number }> {
  try {
    const [row] = await store.query<{ stats: string }>('SELECT stats FROM system.jemalloc_stats');
    const m = /Allocated: (\d+), active: \d+, metadata: \d+.*?, resident: (\d+)/.exec(row?.stats ?? '');
    return m ? { allocated: mb(Number(m[1])), resident: mb(Number(m[2])) } : {};
  } catch {
    return {}; // a build without the table
  }
}

async function memory(store: Runtime['store'], headlines: number, seconds: number, retainedOnBus?: number): Promise<Checkpoint> {
  const m = process.memoryUsage();
  const rows = await store.query<{ metric: string; value: string }>(`SELECT metric, value FROM system.metrics WHERE metric IN (${CHDB_METRICS.map((x) => `'${x}'`).join(', ')})`);
  const chdbMB = Object.fromEntries(rows.map((r) => [r.metric, mb(Number(r.value))]));
  const je = await jemalloc(store);
  const anon = statusKB('RssAnon');
  const file = statusKB('RssFile');
  return {
    headlines,
    seconds: Math.round(seconds * 10) / 10,
    rssMB: mb(m.rss),
    heapUsedMB: mb(m.heapUsed),
    heapTotalMB: mb(m.heapTotal),
    externalMB: mb(m.external),
    arrayBuffersMB: mb(m.arrayBuffers),
    retainedOnBus,
    chdbMB,
    rssAnonMB: anon === undefined ? undefined : mb(anon * 1024),
    rssFileMB: file === undefined ? undefined : mb(file * 1024),
    jemallocAllocatedMB: je.allocated,
    jemallocResidentMB: je.resident,
  };
}

/** One count in this process. */
export async function measureStart(n: number, options: { spacingMs?: number; lastWindow?: number; heapSnapshot?: string; replayWindow?: number } = {}): Promise<StartMemoryResult> {
  const spacingMs = options.spacingMs ?? 1000;
  const lastWindow = Math.min(Math.ceil((options.lastWindow ?? 5000) / CHUNK) * CHUNK, n);
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-bench-start-'));
  // replayWindow: the in-process bus's per-partition window (default 1000); 10,000,000 keeps every message, as the bus did before it had retention.
  const config = rootConfigSchema.parse({ store: { path: dir, database: 'bench_start' }, log: { level: 'silent' }, api: { port: 0 }, ...(options.replayWindow === undefined ? {} : { bus: { replayWindow: options.replayWindow } }) });
  const rt = await openRuntime(config, { logger: silentLogger });
  const services = await startServices(['api', 'correlator', 'scorer'], rt);
  const retained = () => (rt.bus as { retainedCount?: () => number }).retainedCount?.();
  try {
    const start = Date.UTC(2026, 5, 1, 9);
    const stored = async () => {
      const [row] = await rt.store.query<{ n: string }>(`SELECT count() AS n FROM ${rt.store.table('news_store')}`);
      return Number(row.n);
    };
    const checkpoints: Checkpoint[] = [await memory(rt.store, 0, 0, retained())];
    const every = Math.max(CHUNK, Math.floor(n / 10 / CHUNK) * CHUNK);
    let ticksUpTo = start - 60_000;
    let seq = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let lastWindowStart = t0;
    for (let done = 0; done < n; ) {
      const size = Math.min(CHUNK, n - done);
      if (done === Math.max(0, n - lastWindow)) lastWindowStart = performance.now();
      const news = syntheticHeadlines(size, start, spacingMs, done);
      const chunkEnd = start + (done + size) * spacingMs;
      const ticks: PriceTick[] = [];
      for (; ticksUpTo <= chunkEnd + TICK_EVERY_MS; ticksUpTo += TICK_EVERY_MS, seq++) {
        ticks.push({ schema: 'prices.ticks/v1', symbol: 'BRENT', ts: new Date(ticksUpTo).toISOString(), price: 80 + Math.sin(seq / 10), size: 1, source: 'bench', seq: 0 });
      }
      await publishEvents(rt.bus, TOPICS.pricesTicks, ticks, messageKey.pricesTicks);
      await publishEvents(rt.bus, TOPICS.newsRaw, news, messageKey.newsRaw);
      done += size;
      while ((await stored()) < done) await new Promise((r) => setTimeout(r, 25));
      if (done % every === 0 || done === n) checkpoints.push(await memory(rt.store, done, (performance.now() - t0) / 1000, retained()));
    }
    const t1 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    if (options.heapSnapshot) writeHeapSnapshot(options.heapSnapshot);
    return {
      headlines: n,
      spacingMs,
      headlinesPerSecond: Math.round((n * 1000) / (t1 - t0)),
      headlinesPerCpuSecond: Math.round((n * 1e6) / (cpu.user + cpu.system)),
      lastWindow,
      lastWindowPerSecond: Math.round((lastWindow * 1000) / (t1 - lastWindowStart)),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1000),
      checkpoints,
    };
  } finally {
    await stopServices(services);
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each count in a child process of its own (run the way this file is: through tsx or compiled). */
function runChild(n: number, spacingMs: number, heapSnapshot?: string): StartMemoryResult {
  const self = fileURLToPath(import.meta.url);
  const command = self.endsWith('.ts') ? [resolve(self, '../../bin/run-ts.mjs'), self] : [self];
  const args = [...command, '--child', String(n), '--spacing-ms', String(spacingMs), ...(heapSnapshot ? ['--heap-snapshot', heapSnapshot] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  return JSON.parse(out) as StartMemoryResult;
}

export async function benchStartMemory(report: Report, options: { counts?: number[]; spacingMs?: number; heapSnapshot?: string } = {}): Promise<void> {
  const counts = options.counts ?? [5000, 100_000];
  const spacingMs = options.spacingMs ?? 1000;
  const results = counts.map((n, i) => runChild(n, spacingMs, i === counts.length - 1 ? options.heapSnapshot : undefined));
  const base = results[0];
  for (const r of results) {
    const vs = r === base ? {} : { baseline: `${base.headlines} headlines`, ratio: r.headlinesPerSecond / base.headlinesPerSecond };
    report({ name: `start (api, correlator, scorer): ${r.headlines} headlines ${r.spacingMs} ms apart, headlines/s`, value: r.headlinesPerSecond, unit: 'headlines/s', ...vs });
    report({ name: `start: ${r.headlines} headlines, headlines per CPU-second`, value: r.headlinesPerCpuSecond, unit: 'headlines/s', ...(r === base ? {} : { baseline: `${base.headlines} headlines`, ratio: r.headlinesPerCpuSecond / base.headlinesPerCpuSecond }) });
    if (r !== base) report({ name: `start: ${r.headlines} headlines, headlines/s over the last ${r.lastWindow}`, value: r.lastWindowPerSecond, unit: 'headlines/s', baseline: `${base.headlines} headlines`, ratio: r.lastWindowPerSecond / base.headlinesPerSecond });
    const end = r.checkpoints[r.checkpoints.length - 1];
    report({ name: `start: RSS after ${r.headlines} headlines (target < 1000)`, value: end.rssMB, unit: 'MB' });
    report({ name: `start: peak RSS during ${r.headlines} headlines`, value: r.peakRssMB, unit: 'MB' });
    report({ name: `start: JS heap used after ${r.headlines} headlines`, value: end.heapUsedMB, unit: 'MB' });
    report({ name: `start: chDB MemoryTracking after ${r.headlines} headlines`, value: end.chdbMB?.MemoryTracking ?? NaN, unit: 'MB' });
    report({ name: `start: chDB jemalloc resident after ${r.headlines} headlines`, value: end.jemallocResidentMB ?? NaN, unit: 'MB' });
    report({ name: `start: RSS anonymous / file-backed after ${r.headlines} headlines (anonymous)`, value: end.rssAnonMB ?? NaN, unit: 'MB' });
    report({ name: `start: RSS file-backed after ${r.headlines} headlines (libchdb.so's code, node)`, value: end.rssFileMB ?? NaN, unit: 'MB' });
  }
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const spacingMs = Number(flag('spacing-ms') ?? 1000);
  const child = flag('child');
  if (child) {
    const replayWindow = flag('replay-window');
    const result = await measureStart(Number(child), { spacingMs, heapSnapshot: flag('heap-snapshot'), replayWindow: replayWindow === undefined ? undefined : Number(replayWindow) });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  }
  const counts = (process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : '5000,100000').split(',').map(Number);
  await benchStartMemory(
    (row) => {
      const ratio = row.ratio === undefined ? '' : `  (${row.ratio.toFixed(2)}x ${row.baseline})`;
      console.log(`${row.name.padEnd(80)} ${row.value.toFixed(row.value < 100 ? 2 : 0).padStart(10)} ${row.unit}${ratio}`);
    },
    { counts, spacingMs, heapSnapshot: flag('heap-snapshot') },
  );
  process.exit(0);
}
