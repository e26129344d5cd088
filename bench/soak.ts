/**
 * Soak of the embedded default: `oilwire start` (the bin, as a user runs it: in-process journaled
 * bus, embedded chDB, all five services in one process) fed for a long time by a local feed server
 * that publishes new unique headlines at a steady rate, with the live price simulator ticking on
 * the clock. Every `--sample-sec` (default 60: one row a minute) the process's RSS (from /proc), its
 * own `process.memoryUsage()` (heapUsed, heapTotal, external, arrayBuffers: written by a preload on
 * SIGUSR2), what lies outside V8 (RSS - heapTotal - external: chDB's engine, its caches and
 * allocator, Node's own C++), bus retention and event-loop lag (from its /metrics) are sampled with
 * the stored counts. At the end the feed stops, the pipeline drains, is stopped with SIGTERM and the
 * store is read directly: every item the feed served must be stored once and measured once (items
 * its window moved past before any answer carried them are counted apart), and the engine's
 * `system` tables are listed with their rows (a system log that fills would show there). The
 * report ends with least-squares slopes over the last 10 minutes and a memory verdict.
 *
 *   node bin/run-ts.mjs bench/soak.ts --minutes 30 --rate 5 [--sample-sec 60] [--report file] [--gc] [--runtime dist|tsx]
 *
 * `--runtime dist` (the default) runs what `npm start` runs, the compiled tree, of the committed code:
 * `git archive HEAD` unpacked in a folder of its own under .cache/ (inside the package, so its code
 * resolves node_modules/; others' unfinished edits in a shared working tree are not measured, and a
 * rebuild of dist/ by someone else does not swap the tree under it), built by infra/build/build.mjs
 * and started with OILWIRE_RUNTIME=dist (which refuses a stale tree). `--runtime tsx` runs this
 * working tree's TypeScript sources.
 * `--gc` (`--expose-gc`) makes the preload run a full collection before it reports, so that what the
 * heap and Buffers really retain is told apart from garbage V8 has not collected yet (without it a
 * growing heap may only be a lazy collector).
 * `--config '<json>'` is merged into the generated configuration (smaller bounds on the state a
 * pipeline keeps on purpose, e.g. `{"scorer":{"novelty":{"maxClusters":2000}},"bus":{"replayWindow":100}}`,
 * so a short soak reaches the steady state a long one would).
 * `--heap-snapshot-at 6,13 [--heap-snapshot-dir dir]` has the process write a V8 heap snapshot
 * (`v8.writeHeapSnapshot`, which collects garbage first) at the first sample at or after each of those
 * minutes, to `soak-<m>min.heapsnapshot`: two of them, diffed by constructor and retainer, tell what
 * the heap keeps that a slope only says grows.
 * `--freeze-at 2:150[,4:120]` holds the process with SIGSTOP at minute 2 for 150 s (then SIGCONT): what a
 * long heap snapshot or a stalled VM does. Each item is followed through the stages (served by the
 * feed in some answer, acknowledged on the bus = in ingest-news's seen log, stored, measured), so items
 * the feed's window moved past during a hold are told apart from items lost inside oilwire.
 * `--feed-window 1500` makes each answer carry the newest 1,500 items instead of 300 (5 minutes at
 * 5/s instead of 1): a run with heap snapshots, each holding the process 1-3 minutes, then keeps
 * exact counts.
 *   npm run bench -- --only soak                  (5 minutes at 5 headlines/s)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { articleId } from '../shared/contracts/ids.ts';
import { seededRandom } from '../shared/runtime/seeded-random.ts';
import { openStore } from '../shared/store/clickhouse-store.ts';
import type { Report } from './report.ts';

const FEED = 'soak-wire';
/** Items a feed answer carries (the newest) by default: a real feed is a window, not the whole history. */
const FEED_WINDOW = 300;
const HORIZONS = ['1m'];
const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

export interface SoakOptions {
  minutes: number;
  /** Which tree the bin runs: the compiled one `npm start` runs (built first), or the sources through tsx. */
  runtime?: 'dist' | 'tsx';
  /** Headlines per second the feed publishes. */
  rate: number;
  sampleSec: number;
  /** How long to wait after the feed stops for every item to be stored and measured. */
  drainSec: number;
  /** A full garbage collection in the process before each sample. */
  gc?: boolean;
  /** Read chDB's own memory figures in the process each sample (a session of the preload's on the data folder). */
  engine?: boolean;
  /** Minutes after the start at which the process writes a V8 heap snapshot (after a full collection), into `heapSnapshotDir`. */
  heapSnapshotAt?: number[];
  heapSnapshotDir?: string;
  /** Merged into the generated configuration (objects key by key). */
  config?: Record<string, unknown>;
  /** Items per feed answer (default FEED_WINDOW, 60 s at 5/s); larger keeps a run whose process is held (heap snapshots) exact, at a parsing cost each poll. */
  feedWindow?: number;
  /** Holds the process with SIGSTOP at `atMin` minutes for `forSec` seconds, then SIGCONT (what a long heap snapshot or a stalled VM does to it). */
  freezes?: { atMin: number; forSec: number }[];
}

function merge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

interface Sample {
  minute: number;
  rssMB: number;
  /** Anonymous resident memory (what the heaps and chDB allocate; the part a leak grows). */
  rssAnonMB: number;
  /** File-backed resident memory: mostly the pages of libchdb's code touched so far. */
  rssFileMB: number;
  /** OS threads of the process (chDB's pools: each keeps a stack and allocator caches). */
  threads: number;
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
  /** Part of external: ArrayBuffers and Buffers (the bus's retained messages, stream frames). */
  arrayBuffersMB: number;
  /** RSS - heapTotal - external: chDB's engine and caches, the allocators, Node's own C++. */
  nativeMB: number;
  /** With --engine: chDB's memory tracker, mark cache, active parts and their in-memory primary keys. */
  engine?: { trackedMB: number; markCacheMB: number; conditionCacheMB: number; parts: number; primaryKeysMB: number } | { error: string };
  busRetainedMessages: number;
  busRetainedMB: number;
  loopLagP99Ms: number;
  fed: number;
  news: number;
  impacts: number;
}

export interface SoakResult {
  options: SoakOptions;
  runtime: string;
  fed: number;
  storedNews: number;
  distinctNews: number;
  missing: number;
  unexpected: number;
  impactRows: number;
  impactPairsOnce: number;
  exit: string;
  feedAnswers: { full: number; notModified: number };
  /**
   * Every item fed, by the furthest stage it reached: never carried by any feed answer (the window
   * moved past it: not oilwire's loss, but one it cannot see), served but not acknowledged on the bus
   * (`ingested` = its id in ingest-news's seen log, written after the bus ack), acknowledged but not
   * stored, stored but not measured. The middle three are losses inside oilwire.
   */
  stages: { fed: number; served: number; ingested: number | null; stored: number; measured: number; neverServed: number; servedNotIngested: number | null; ingestedNotStored: number | null; servedNotStored: number; storedNotMeasured: number };
  /** 200 answers whose oldest item came after the newest of the answer before (the feed side's truth of a window overrun), with the items skipped. */
  windowOverruns: { minute: number; skipped: number; from: number; previousTo: number }[];
  /** What oilwire's own gap detector counted (`oilwire_ingest_news_feed_gaps_total` before the stop); null when the metric is absent. */
  gapsReported: number | null;
  freezes: { atMin: number; forSec: number }[];
  samples: Sample[];
  /** MB/min over the first and the last `windowMin` minutes (10, or a third of a shorter run), and after the first. */
  slopes: { windowMin: number; rssFirst10: number; rssLast10: number; heapFirst10: number; heapLast10: number; rssAfterWarmup: number };
  /** MB/min over the last `windowMin` minutes, each with its standard error, per memory kind. */
  lastWindow: Record<MemoryKind, { slope: number; stderr: number }>;
  /** The engine's `system` tables after the run: rows and bytes on disk (a system log that fills shows here). */
  systemTables: { name: string; engine: string; rows: number; bytes: number }[];
  /** What was run: the commit, or the working tree with how many tracked files modified (the tree is shared). */
  source: { tree: string };
}

const MEMORY_KINDS = ['rssMB', 'rssAnonMB', 'rssFileMB', 'heapUsedMB', 'heapTotalMB', 'externalMB', 'arrayBuffersMB', 'nativeMB'] as const;
type MemoryKind = (typeof MEMORY_KINDS)[number];

/**
 * The verdict's bound on the RSS slope over the last 10 minutes. At 5 headlines/s, 1 MB/min is
 * 3.3 kB a headline (a leak of one news object each would be more); RSS sampled once a minute moves
 * by +-5 MB between samples (GC, chDB merges), which over 10 points is a slope error of about
 * 0.5 MB/min, so a bound much below 1 could not be told from noise in a 10-minute window.
 */
export const FLAT_MB_PER_MIN = 1;

/** Made-up words: unique titles unlike each other, so no content identity calls two of them one story. */
function titleMaker(seed: number): (i: number) => string {
  const random = seededRandom(seed);
  const syllables = ['ka', 'lo', 'mi', 'ru', 'te', 'zo', 'van', 'pel', 'dri', 'su', 'no', 'bex', 'qua', 'tor', 'yl', 'fen'];
  const word = () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() * syllables.length)]).join('');
  return (i) => `${word()} ${word()} ${word()} ${word()} ${word()} soak ${i}`;
}

const guid = (i: number) => `soak-${i}`;
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A feed that grows by `rate` items a second, stamped with the wall clock; 304 to the current ETag. */
class SoakFeed {
  readonly items: { title: string; at: number }[] = [];
  full = 0;
  notModified = 0;
  /** Per item index: carried by at least one 200 answer (the feed knows what each answer held). */
  readonly served: boolean[] = [];
  /** The item range [from, to) of each 200 answer, in order: a `from` past the previous `to` is a window the client overran. */
  readonly answers: { from: number; to: number; at: number }[] = [];
  private timer?: NodeJS.Timeout;
  private server?: Server;
  private readonly title = titleMaker(11);

  constructor(private readonly window: number) {}

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      const etag = `"n-${this.items.length}"`;
      if (req.headers['if-none-match'] === etag) {
        this.notModified++;
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      this.full++;
      const parts: string[] = [];
      const from = Math.max(0, this.items.length - this.window);
      this.answers.push({ from, to: this.items.length, at: Date.now() });
      for (let i = this.items.length - 1; i >= from; i--) {
        const it = this.items[i];
        this.served[i] = true;
        parts.push(`<item><title>${xml(it.title)}</title><link>https://soak.invalid/${i}</link><guid isPermaLink="false">${guid(i)}</guid><pubDate>${new Date(it.at).toUTCString()}</pubDate><description>item ${i}</description></item>`);
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>soak</title><link>https://soak.invalid/</link><description>soak</description>${parts.join('')}</channel></rss>`);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/feed.xml`;
  }

  /** Publishes at `rate`/s against the clock (catching up after a late timer, so the count stays rate x time). */
  start(rate: number): void {
    const t0 = Date.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - t0) / 1000) * rate);
      while (this.items.length < due) this.items.push({ title: this.title(this.items.length), at: Date.now() });
    }, 100);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  close(): Promise<void> {
    this.stop();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** RSS and its parts from /proc: anonymous (heaps, chDB's allocations) and file-backed (mostly libchdb's code pages). */
function rssOf(pid: number): { rss: number; anon: number; file: number; threads: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (name: string) => {
    const m = new RegExp(`${name}:\\s+(\\d+) kB`).exec(status);
    return m ? Math.round(Number(m[1]) / 1000) : NaN;
  };
  return { rss: kB('VmRSS'), anon: kB('RssAnon'), file: kB('RssFile'), threads: Number(/Threads:\s+(\d+)/.exec(status)?.[1]) };
}

/** Prometheus text: the sum of a metric's series (labels ignored). */
function metric(text: string, name: string): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  return found ? sum : NaN;
}

async function sqlCount(port: number, query: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/sql?format=csv`, { method: 'POST', headers: { 'content-type': 'application/sql' }, body: query });
  if (res.status !== 200) throw new Error(`sql ${res.status}: ${await res.text()}`);
  return Number((await res.text()).trim().split('\n')[1]);
}

/** Least-squares slope in MB per minute, and its standard error (from the residuals). */
function fit(points: { minute: number; value: number }[]): { slope: number; stderr: number } {
  const n = points.length;
  if (n < 2) return { slope: NaN, stderr: NaN };
  const mx = points.reduce((s, p) => s + p.minute, 0) / n;
  const my = points.reduce((s, p) => s + p.value, 0) / n;
  const num = points.reduce((s, p) => s + (p.minute - mx) * (p.value - my), 0);
  const den = points.reduce((s, p) => s + (p.minute - mx) ** 2, 0);
  const b = num / den;
  const residual = points.reduce((s, p) => s + (p.value - my - b * (p.minute - mx)) ** 2, 0);
  const stderr = n > 2 ? Math.sqrt(residual / (n - 2) / den) : NaN;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return { slope: r2(b), stderr: r2(stderr) };
}

const slope = (points: { minute: number; value: number }[]) => fit(points).slope;

/**
 * The committed tree (`git archive HEAD`, so others' unfinished edits in a shared working tree are not
 * what is measured) unpacked inside the package, where its compiled code still resolves the packages
 * in node_modules/, and built as `npm start` builds it.
 */
function checkoutAndBuild(): { dir: string; head: string } {
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.cache', 'soak-tree-'));
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  execFileSync('sh', ['-c', `git archive ${head} | tar -x -C "$1"`, 'sh', dir], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [join(dir, 'infra/build/build.mjs'), '--quiet'], { cwd: dir, stdio: 'inherit' });
  return { dir, head };
}

/**
 * The engine's own accounting, read in the process by a session of the preload's on the same data folder
 * (one engine per process; `/sql` refuses `system.*` to analysts): what chDB's memory tracker counts,
 * its caches, and the active parts whose primary keys it keeps in memory.
 */
const ENGINE_QUERY = `SELECT
  (SELECT value FROM system.metrics WHERE metric = 'MemoryTracking') AS tracked,
  (SELECT value FROM system.metrics WHERE metric = 'MarkCacheBytes') AS markCache,
  (SELECT value FROM system.metrics WHERE metric = 'QueryConditionCacheBytes') AS conditionCache,
  (SELECT count() FROM system.parts WHERE active) AS parts,
  (SELECT sum(primary_key_bytes_in_memory_allocated) FROM system.parts WHERE active) AS primaryKeys
`;

/** A preload that answers SIGUSR2 by writing process.memoryUsage() (after a full collection when asked) and the engine's figures to a file. */
const MEMORY_PRELOAD = `import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { writeHeapSnapshot } from 'node:v8';
const file = process.env.OILWIRE_SOAK_MEMORY_FILE;
let session;
const engine = () => {
  try {
    session ??= new (createRequire(process.env.OILWIRE_SOAK_CHDB_MODULE)('chdb').Session)(process.env.OILWIRE_SOAK_CHDB_DIR);
    return JSON.parse(session.query(${JSON.stringify(ENGINE_QUERY)}, 'JSONEachRow'));
  } catch (err) {
    return { error: String(err) };
  }
};
process.on('SIGUSR2', () => {
  if (process.env.OILWIRE_SOAK_GC === '1') globalThis.gc();
  // A heap snapshot when the soak asked for one (the file names where): the snapshot collects garbage first.
  if (existsSync(file + '.snapshot')) {
    const to = readFileSync(file + '.snapshot', 'utf8');
    rmSync(file + '.snapshot');
    writeHeapSnapshot(to);
  }
  const memory = process.memoryUsage();
  writeFileSync(file + '.tmp', JSON.stringify({ at: Date.now(), ...memory, engine: process.env.OILWIRE_SOAK_CHDB_DIR ? engine() : undefined }));
  renameSync(file + '.tmp', file);
});
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(options: SoakOptions, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<SoakResult> {
  const root = mkdtempSync(join(tmpdir(), 'oilwire-soak-'));
  const dataDir = join(root, 'data');
  const feed = new SoakFeed(options.feedWindow ?? FEED_WINDOW);
  let child: ChildProcess | undefined;
  const freezeTimers: NodeJS.Timeout[] = [];
  /** The package the bin is run from: a built copy of HEAD (dist runtime) or this one. */
  let appRoot = ROOT;
  try {
    const runtimeKind = options.runtime ?? 'dist';
    let source: SoakResult['source'];
    if (runtimeKind === 'dist') {
      const tree = checkoutAndBuild();
      appRoot = tree.dir;
      source = { tree: `HEAD ${tree.head} (git archive, compiled)` };
    } else {
      const dirty = execFileSync('git', ['status', '--short', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).length;
      source = { tree: `working tree (${dirty} tracked files modified), TypeScript through tsx` };
    }
    const feedUrl = await feed.listen();
    const configFile = join(root, 'oilwire.config.json');
    writeFileSync(
      configFile,
      JSON.stringify(merge({
        log: { level: 'warn' },
        ingestNews: {
          feeds: [{ url: feedUrl, name: FEED }],
          pollIntervalSec: 1,
          maxItemsPerFeed: options.feedWindow ?? FEED_WINDOW,
          http: { allowPrivate: ['127.0.0.1/32'] },
          schedule: { minIntervalSec: 1, maxIntervalSec: 1, jitter: 0, backoffBaseSec: 0.5, backoffMaxSec: 2 },
        },
        // The price stand-in: the live simulator, a tick a second on the clock.
        ingestPrices: { sources: [{ kind: 'simulator', live: true, intervalSec: 1, symbol: 'BRENT' }] },
        correlator: { symbols: ['BRENT'], horizons: HORIZONS, calendar: { kind: 'always' }, indicators: null, volatilityWindows: 2, evaluateEveryMs: 1000 },
      }, options.config ?? {})),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, OILWIRE_RUNTIME: runtimeKind };
    delete env.OILWIRE_DIST;
    const runtime = execFileSync(process.execPath, ['--input-type=module', '-e', `import { chooseRuntime } from ${JSON.stringify(pathToFileURL(join(appRoot, 'bin/dist.mjs')).href)}; console.log(chooseRuntime().kind)`], { encoding: 'utf8', env }).trim();
    const port = await freePort();
    let out = '';
    const preload = join(root, 'memory-on-signal.mjs');
    const memoryFile = join(root, 'memory.json');
    writeFileSync(preload, MEMORY_PRELOAD);
    env.OILWIRE_SOAK_MEMORY_FILE = memoryFile;
    env.OILWIRE_SOAK_GC = options.gc ? '1' : '0';
    if (options.engine) {
      env.OILWIRE_SOAK_CHDB_DIR = dataDir;
      env.OILWIRE_SOAK_CHDB_MODULE = join(appRoot, 'package.json');
    }
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''}${options.gc ? ' --expose-gc' : ''} --import ${pathToFileURL(preload).href}`.trim();
    child = spawn(process.execPath, ['bin/oilwire.mjs', '--config', configFile, '--data', dataDir, 'start', '--port', String(port)], { cwd: appRoot, stdio: ['ignore', 'pipe', 'pipe'], env });
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-50_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<string>((r) => child!.on('exit', (code, signal) => r(String(code ?? signal))));
    const pid = child.pid!;
    for (let i = 0; !out.includes('oilwire running'); i++) {
      if (child.exitCode !== null || i > 1200) throw new Error(`oilwire did not start:\n${out.slice(-3000)}`);
      await sleep(100);
    }
    log(`soak: oilwire start (pid ${pid}, ${runtime}) on port ${port}, ${options.rate} headlines/s for ${options.minutes} min`);

    const t0 = Date.now();
    const samples: Sample[] = [];
    // A held process answers neither SIGUSR2 nor /metrics: a sample waits for the thaw.
    let thawed: Promise<void> = Promise.resolve();
    let frozen = false;
    for (const f of options.freezes ?? []) {
      freezeTimers.push(
        setTimeout(() => {
          let done!: () => void;
          thawed = new Promise((r) => (done = r));
          frozen = true;
          child!.kill('SIGSTOP');
          log(`soak: SIGSTOP at minute ${((Date.now() - t0) / 60_000).toFixed(2)} for ${f.forSec} s (fed ${feed.items.length})`);
          freezeTimers.push(
            setTimeout(() => {
              child!.kill('SIGCONT');
              frozen = false;
              log(`soak: SIGCONT at minute ${((Date.now() - t0) / 60_000).toFixed(2)} (fed ${feed.items.length})`);
              done();
            }, f.forSec * 1000),
          );
        }, f.atMin * 60_000),
      );
    }
    /** process.memoryUsage() of the process, as the preload writes it on SIGUSR2 (newer than `since`). */
    type Engine = { tracked: number; markCache: number; conditionCache: number; parts: number; primaryKeys: number } | { error: string };
    const memoryUsage = async (since: number, waitSec: number): Promise<NodeJS.MemoryUsage & { at: number; engine?: Engine }> => {
      child!.kill('SIGUSR2');
      // Up to a minute (a loaded box can hold the process's loop that long), ten with a heap snapshot to write first.
      // Time the process spends held by --freeze-at does not count (a freeze may begin after the signal was sent).
      for (let waited = 0; waited < waitSec * 1000; ) {
        await sleep(100);
        if (!frozen) waited += 100;
        try {
          const m = JSON.parse(readFileSync(memoryFile, 'utf8')) as NodeJS.MemoryUsage & { at: number; engine?: Engine };
          if (m.at >= since) return m;
        } catch {
          // Not written yet.
        }
      }
      throw new Error(`the memory preload did not answer SIGUSR2 within ${waitSec} s`);
    };
    const snapshotsDue = [...(options.heapSnapshotAt ?? [])].sort((a, b) => a - b);
    const sample = async (): Promise<Sample> => {
      await thawed;
      const minute = (Date.now() - t0) / 60_000;
      const snapshot = snapshotsDue.length > 0 && minute >= snapshotsDue[0] - 0.01;
      if (snapshot) {
        const to = join(resolve(options.heapSnapshotDir ?? '.'), `soak-${snapshotsDue.shift()}min.heapsnapshot`);
        writeFileSync(`${memoryFile}.snapshot`, to);
        log(`soak: heap snapshot at minute ${minute.toFixed(2)} -> ${to}`);
      }
      const mem = await memoryUsage(Date.now(), snapshot ? 600 : 60);
      const { rss, anon, file, threads } = rssOf(pid);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const mb = (name: string) => Math.round(metric(text, name) / 1e5) / 10;
      const b = (n: number) => Math.round(n / 1e5) / 10;
      const s: Sample = {
        minute: Math.round((Date.now() - t0) / 600) / 100,
        rssMB: rss,
        rssAnonMB: anon,
        rssFileMB: file,
        threads,
        heapUsedMB: b(mem.heapUsed),
        heapTotalMB: b(mem.heapTotal),
        externalMB: b(mem.external),
        arrayBuffersMB: b(mem.arrayBuffers),
        nativeMB: Math.round(rss - b(mem.heapTotal) - b(mem.external)),
        engine:
          mem.engine === undefined
            ? undefined
            : 'error' in mem.engine
              ? mem.engine
              : { trackedMB: b(Number(mem.engine.tracked)), markCacheMB: b(Number(mem.engine.markCache)), conditionCacheMB: b(Number(mem.engine.conditionCache)), parts: Number(mem.engine.parts), primaryKeysMB: b(Number(mem.engine.primaryKeys)) },
        busRetainedMessages: metric(text, 'oilwire_bus_retained_messages'),
        busRetainedMB: mb('oilwire_bus_retained_bytes'),
        loopLagP99Ms: Math.round(metric(text, 'nodejs_eventloop_lag_p99_seconds') * 1000),
        fed: feed.items.length,
        news: await sqlCount(port, 'SELECT count() FROM news'),
        impacts: await sqlCount(port, 'SELECT count() FROM impact'),
      };
      log(`soak: ${JSON.stringify(s)}`);
      return s;
    };
    samples.push(await sample());
    feed.start(options.rate);
    const end = t0 + options.minutes * 60_000;
    for (let next = t0 + options.sampleSec * 1000; next <= end; next += options.sampleSec * 1000) {
      await sleep(Math.max(0, next - Date.now()));
      if (child.exitCode !== null) throw new Error(`oilwire exited during the soak:\n${out.slice(-3000)}`);
      samples.push(await sample());
    }
    feed.stop();
    await thawed;
    const fed = feed.items.length;
    // What oilwire can store is what the feed served: items the window moved past are waited for in vain.
    const served = () => feed.served.filter(Boolean).length;
    const drainEnd = Date.now() + options.drainSec * 1000;
    let drained = { news: 0, impacts: 0 };
    while (Date.now() < drainEnd) {
      drained = { news: await sqlCount(port, 'SELECT count() FROM news'), impacts: await sqlCount(port, 'SELECT count() FROM impact') };
      if (drained.news >= served() && drained.impacts >= served() * HORIZONS.length) break;
      await sleep(2000);
    }
    log(`soak: drained ${JSON.stringify(drained)} of ${served()} served, ${fed} fed`);
    const metricsText = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // A labelled counter never incremented has its HELP line and no series: 0, not absent.
    const gaps = metricsText.includes('# HELP oilwire_ingest_news_feed_gaps_total ') ? metric(metricsText, 'oilwire_ingest_news_feed_gaps_total') || 0 : NaN;
    child.kill('SIGTERM');
    const exit = await exited;

    // The process is gone: the store is read directly, duplicates merged, against the ids fed.
    const store = await openStore({ path: dataDir, database: 'oilwire' });
    let counts: Pick<SoakResult, 'storedNews' | 'distinctNews' | 'missing' | 'unexpected' | 'impactRows' | 'impactPairsOnce' | 'stages'>;
    let systemTables: SoakResult['systemTables'] = [];
    try {
      systemTables = (
        await store.query<{ name: string; engine: string; rows: string | null; bytes: string | null }>(
          "SELECT name, engine, total_rows AS rows, total_bytes AS bytes FROM system.tables WHERE database = 'system' AND engine NOT LIKE 'System%' ORDER BY name",
        )
      ).map((t) => ({ name: t.name, engine: t.engine, rows: Number(t.rows ?? 0), bytes: Number(t.bytes ?? 0) }));
      const ids = (await store.query<{ id: string }>(`SELECT id FROM ${store.table('news_store')}`)).map((r) => r.id);
      const expected = new Set(Array.from({ length: fed }, (_, i) => articleId({ guid: guid(i), source: FEED })));
      const got = new Set(ids);
      const impacts = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('impact')} GROUP BY article_id, horizon`);
      const [rows] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('impact')}`);
      const measuredIds = new Set((await store.query<{ id: string }>(`SELECT DISTINCT article_id AS id FROM ${store.table('impact')}`)).map((r) => r.id));
      // The seen log gets an id once the bus acknowledged its publish: the hand-off out of ingest-news.
      const seenLog = join(dataDir, 'ingest-news', 'seen.log');
      const ingestedIds = existsSync(seenLog)
        ? new Set(
            readFileSync(seenLog, 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((l) => l.slice(0, l.indexOf('\t'))),
          )
        : null;
      const perItem = Array.from({ length: fed }, (_, i) => {
        const id = articleId({ guid: guid(i), source: FEED });
        return { served: feed.served[i] === true, ingested: ingestedIds?.has(id) ?? false, stored: got.has(id), measured: measuredIds.has(id) };
      });
      const n = (f: (x: (typeof perItem)[number]) => boolean) => perItem.filter(f).length;
      counts = {
        stages: {
          fed,
          served: n((x) => x.served),
          ingested: ingestedIds ? n((x) => x.ingested) : null,
          stored: n((x) => x.stored),
          measured: n((x) => x.measured),
          neverServed: n((x) => !x.served),
          servedNotIngested: ingestedIds ? n((x) => x.served && !x.ingested) : null,
          ingestedNotStored: ingestedIds ? n((x) => x.ingested && !x.stored) : null,
          servedNotStored: n((x) => x.served && !x.stored),
          storedNotMeasured: n((x) => x.stored && !x.measured),
        },
        storedNews: ids.length,
        distinctNews: got.size,
        missing: [...expected].filter((id) => !got.has(id)).length,
        unexpected: [...got].filter((id) => !expected.has(id)).length,
        impactRows: Number(rows.n),
        impactPairsOnce: impacts.filter((r) => Number(r.n) === 1).length,
      };
    } finally {
      await store.close();
    }
    const series = (key: MemoryKind, from: number, to: number) => samples.filter((s) => s.minute >= from && s.minute <= to).map((s) => ({ minute: s.minute, value: s[key] }));
    const last = samples[samples.length - 1].minute;
    const window = Math.min(10, last / 3);
    return {
      options,
      runtime,
      source,
      systemTables,
      lastWindow: Object.fromEntries(MEMORY_KINDS.map((k) => [k, fit(series(k, last - window, last))])) as SoakResult['lastWindow'],
      fed,
      ...counts,
      exit,
      feedAnswers: { full: feed.full, notModified: feed.notModified },
      windowOverruns: feed.answers.flatMap((a, k) => {
        const previousTo = k > 0 ? feed.answers[k - 1].to : 0;
        return a.from > previousTo ? [{ minute: Math.round((a.at - t0) / 600) / 100, skipped: a.from - previousTo, from: a.from, previousTo }] : [];
      }),
      gapsReported: Number.isNaN(gaps) ? null : gaps,
      freezes: options.freezes ?? [],
      samples,
      slopes: {
        windowMin: Math.round(window * 10) / 10,
        rssFirst10: slope(series('rssMB', 0, window)),
        rssLast10: slope(series('rssMB', last - window, last)),
        heapFirst10: slope(series('heapUsedMB', 0, window)),
        heapLast10: slope(series('heapUsedMB', last - window, last)),
        rssAfterWarmup: slope(series('rssMB', window, last)),
      },
    };
  } finally {
    for (const t of freezeTimers) clearTimeout(t);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await feed.close();
    rmSync(root, { recursive: true, force: true });
    if (appRoot !== ROOT) rmSync(appRoot, { recursive: true, force: true });
  }
}

/** `flat` when the RSS slope over the last window is under FLAT_MB_PER_MIN, with the kinds that grow named either way. */
export function memoryVerdict(r: Pick<SoakResult, 'lastWindow' | 'slopes'>): string {
  const rss = r.lastWindow.rssMB;
  const growing = MEMORY_KINDS.filter((k) => k !== 'rssMB' && r.lastWindow[k].slope >= FLAT_MB_PER_MIN / 2).map((k) => `${k} ${r.lastWindow[k].slope}`);
  const flat = rss.slope < FLAT_MB_PER_MIN;
  return (
    `memory verdict: ${flat ? 'flat' : 'NOT FLAT'} (RSS ${rss.slope} +- ${rss.stderr} MB/min over the last ${r.slopes.windowMin} min; ` +
    `threshold ${FLAT_MB_PER_MIN} MB/min: 3.3 kB a headline at 5/s, about twice the slope error of once-a-minute RSS samples over 10 min)` +
    (growing.length ? `; growing by ${FLAT_MB_PER_MIN / 2} MB/min or more: ${growing.join(', ')}` : '')
  );
}

/** Loss inside oilwire (an item served and not stored and measured once) is told apart from items the feed's window moved past. */
export function soakVerdict(r: Pick<SoakResult, 'stages' | 'unexpected' | 'storedNews' | 'distinctNews' | 'impactRows' | 'impactPairsOnce'>): string {
  const st = r.stages;
  const exact = st.servedNotStored === 0 && st.storedNotMeasured === 0 && r.unexpected === 0 && r.storedNews === r.distinctNews && r.impactRows === st.stored * HORIZONS.length && r.impactPairsOnce === r.impactRows;
  if (!exact) return `LOSS OR DUPLICATES INSIDE OILWIRE (served but not stored ${st.servedNotStored}, stored but not measured ${st.storedNotMeasured}, duplicate news rows ${r.storedNews - r.distinctNews}, impact rows ${r.impactRows} for ${st.stored} stored)`;
  if (st.neverServed > 0) return `no loss inside oilwire, no duplicates (every item served was stored and measured once); WARNING: ${st.neverServed} of ${st.fed} items fed were never served (window overrun)`;
  return 'no loss, no duplicates';
}

export function formatSoak(r: SoakResult): string {
  const rss = r.samples.map((s) => s.rssMB);
  const lines = [
    `soak report: oilwire start (embedded default, runtime ${r.runtime}), ${r.options.minutes} min, ${r.options.rate} headlines/s, live simulator ticks 1/s, horizons ${HORIZONS.join(',')}`,
    `source: ${r.source.tree}`,
    ...(r.options.config ? [`configuration merged in: ${JSON.stringify(r.options.config)}`] : []),
    `samples every ${r.options.sampleSec} s (RSS and its anonymous and file-backed parts from /proc, heap/external/arrayBuffers from process.memoryUsage() in the process, native = RSS - heapTotal - external, the rest from /metrics)${r.options.gc ? ', each after a full garbage collection in the process' : ''}:`,
    `  minute   rssMB  anonMB  fileMB  threads  heapUsedMB  heapTotalMB  externalMB  arrayBuffersMB  nativeMB  busRetained(msgs/MB)  loopLagP99ms     fed    news  impacts`,
    ...r.samples.map((s) => `  ${s.minute.toFixed(2).padStart(6)} ${String(s.rssMB).padStart(7)} ${String(s.rssAnonMB).padStart(7)} ${String(s.rssFileMB).padStart(7)} ${String(s.threads).padStart(8)} ${s.heapUsedMB.toFixed(1).padStart(11)} ${s.heapTotalMB.toFixed(1).padStart(12)} ${s.externalMB.toFixed(1).padStart(11)} ${s.arrayBuffersMB.toFixed(1).padStart(15)} ${String(s.nativeMB).padStart(9)} ${`${s.busRetainedMessages}/${s.busRetainedMB}`.padStart(21)} ${String(s.loopLagP99Ms).padStart(13)} ${String(s.fed).padStart(7)} ${String(s.news).padStart(7)} ${String(s.impacts).padStart(8)}`),
    ...(r.samples.some((s) => s.engine)
      ? [
          `chDB's own figures (--engine: system.metrics and system.parts read in the process):`,
          `  minute  trackedMB  markCacheMB  conditionCacheMB  activeParts  primaryKeysMB`,
          ...r.samples.map((s) =>
            !s.engine ? `  ${s.minute.toFixed(2).padStart(6)}  -` : 'error' in s.engine ? `  ${s.minute.toFixed(2).padStart(6)}  ${s.engine.error}` : `  ${s.minute.toFixed(2).padStart(6)} ${s.engine.trackedMB.toFixed(1).padStart(10)} ${s.engine.markCacheMB.toFixed(1).padStart(12)} ${s.engine.conditionCacheMB.toFixed(1).padStart(17)} ${String(s.engine.parts).padStart(12)} ${s.engine.primaryKeysMB.toFixed(1).padStart(14)}`,
          ),
        ]
      : []),
    `RSS MB: start ${rss[0]}, end ${rss[rss.length - 1]}, max ${Math.max(...rss)}, min ${Math.min(...rss)}`,
    `slope MB/min: RSS first ${r.slopes.windowMin} min ${r.slopes.rssFirst10}, last ${r.slopes.windowMin} min ${r.slopes.rssLast10}, after the first ${r.slopes.windowMin} min ${r.slopes.rssAfterWarmup}; heapUsed first ${r.slopes.windowMin} min ${r.slopes.heapFirst10}, last ${r.slopes.windowMin} min ${r.slopes.heapLast10}`,
    `slope MB/min over the last ${r.slopes.windowMin} min (+- standard error): ${MEMORY_KINDS.map((k) => `${k} ${r.lastWindow[k].slope} +- ${r.lastWindow[k].stderr}`).join(', ')}`,
    `engine system tables after the run: ${r.systemTables.length ? r.systemTables.map((t) => `${t.name} (${t.engine}) ${t.rows} rows ${Math.round(t.bytes / 1e3)} kB`).join(', ') : 'none (no system log is kept)'}`,
    memoryVerdict(r),
    `counts: fed ${r.fed}, news rows ${r.storedNews} (distinct ids ${r.distinctNews}, missing ${r.missing}, unexpected ${r.unexpected}), impact rows ${r.impactRows} (expected ${r.fed * HORIZONS.length}; (article, horizon) pairs stored once: ${r.impactPairsOnce})`,
    `feed answers: ${r.feedAnswers.full} full, ${r.feedAnswers.notModified} 304; SIGTERM exit ${r.exit}`,
    ...(r.freezes.length ? [`freezes (SIGSTOP then SIGCONT): ${r.freezes.map((f) => `minute ${f.atMin} for ${f.forSec} s`).join(', ')}`] : []),
    `per item (furthest stage reached): fed ${r.stages.fed}, served by the feed ${r.stages.served}, acknowledged on the bus (seen log) ${r.stages.ingested ?? 'n/a'}, stored ${r.stages.stored}, measured ${r.stages.measured}`,
    `  never served (the feed's ${r.options.feedWindow ?? FEED_WINDOW}-item window moved past them between two answers): ${r.stages.neverServed}`,
    `  served but never stored (lost inside oilwire): ${r.stages.servedNotStored} (not acknowledged on the bus ${r.stages.servedNotIngested ?? 'n/a'}, acknowledged but not stored ${r.stages.ingestedNotStored ?? 'n/a'}); stored but not measured: ${r.stages.storedNotMeasured}`,
    `window overruns seen by the feed (a 200 answer starting past the previous one's newest item): ${r.windowOverruns.length}${r.windowOverruns.length ? ` (${r.windowOverruns.map((o) => `minute ${o.minute}: ${o.skipped} items skipped`).join('; ')})` : ''}; reported by oilwire (oilwire_ingest_news_feed_gaps_total): ${r.gapsReported ?? 'n/a (no such metric)'}`,
    `verdict: ${soakVerdict(r)}`,
  ];
  return lines.join('\n') + '\n';
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function runtimeFlag(v: string): 'dist' | 'tsx' {
  if (v !== 'dist' && v !== 'tsx') throw new Error(`--runtime must be dist or tsx (got ${v})`);
  return v;
}

/** `<minute>:<seconds>`: SIGSTOP at that minute (fractions allowed), SIGCONT that many seconds later. */
function freezeFlag(v: string): { atMin: number; forSec: number } {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(v);
  if (!m) throw new Error(`--freeze-at takes <minute>:<seconds>[,...] (got ${v})`);
  return { atMin: Number(m[1]), forSec: Number(m[2]) };
}

function optionsFromArgs(defaults: SoakOptions): SoakOptions {
  return {
    minutes: Number(flag('minutes') ?? defaults.minutes),
    rate: Number(flag('rate') ?? defaults.rate),
    sampleSec: Number(flag('sample-sec') ?? defaults.sampleSec),
    runtime: runtimeFlag(flag('runtime') ?? 'dist'),
    drainSec: Number(flag('drain-sec') ?? defaults.drainSec),
    gc: process.argv.includes('--gc'),
    engine: process.argv.includes('--engine'),
    heapSnapshotAt: flag('heap-snapshot-at') ? flag('heap-snapshot-at')!.split(',').map(Number) : undefined,
    heapSnapshotDir: flag('heap-snapshot-dir'),
    config: flag('config') ? (JSON.parse(flag('config')!) as Record<string, unknown>) : undefined,
    feedWindow: flag('feed-window') ? Number(flag('feed-window')) : undefined,
    freezes: flag('freeze-at') ? flag('freeze-at')!.split(',').map(freezeFlag) : undefined,
  };
}

/** `npm run bench -- --only soak [--minutes m] [--rate r]`: a short soak by default (a 30-minute one is for the script). */
export async function benchSoak(report: Report): Promise<void> {
  const r = await runSoak(optionsFromArgs({ minutes: 5, rate: 5, sampleSec: 30, drainSec: 180 }));
  process.stderr.write(formatSoak(r));
  const rss = r.samples.map((s) => s.rssMB);
  report({ name: `soak ${r.options.minutes} min at ${r.options.rate}/s: RSS at start`, value: rss[0], unit: 'MB' });
  report({ name: `soak: RSS at end`, value: rss[rss.length - 1], unit: 'MB' });
  report({ name: `soak: RSS max`, value: Math.max(...rss), unit: 'MB' });
  report({ name: `soak: RSS slope over the last 10 min`, value: r.slopes.rssLast10, unit: 'MB/min' });
  report({ name: `soak: heapUsed slope over the last 10 min`, value: r.slopes.heapLast10, unit: 'MB/min' });
  report({ name: `soak: anonymous RSS slope over the last ${r.slopes.windowMin} min`, value: r.lastWindow.rssAnonMB.slope, unit: 'MB/min' });
  report({ name: `soak: outside V8 (RSS - heapTotal - external) slope over the last ${r.slopes.windowMin} min`, value: r.lastWindow.nativeMB.slope, unit: 'MB/min' });
  report({ name: `soak: items fed`, value: r.fed, unit: 'items' });
  report({ name: `soak: items missing from the store`, value: r.missing, unit: 'items' });
  report({ name: `soak: items served by the feed and not stored (loss inside oilwire)`, value: r.stages.servedNotStored, unit: 'items' });
  report({ name: `soak: items never served (the feed's window moved past them)`, value: r.stages.neverServed, unit: 'items' });
  report({ name: `soak: duplicate news rows`, value: r.storedNews - r.distinctNews, unit: 'rows' });
}

const KNOWN_FLAGS = new Set(['--minutes', '--rate', '--sample-sec', '--drain-sec', '--gc', '--config', '--report', '--runtime', '--engine', '--heap-snapshot-at', '--heap-snapshot-dir', '--freeze-at', '--feed-window']);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // A flag it does not know (a typo, --help) must not start a 30-minute run.
  const unknown = process.argv.slice(2).filter((a) => a.startsWith('-') && !KNOWN_FLAGS.has(a));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown option ${unknown.join(' ')}\nusage: node bin/run-ts.mjs bench/soak.ts --minutes 30 --rate 5 [--sample-sec 60] [--drain-sec 180] [--gc] [--engine] [--config '<json>'] [--runtime dist|tsx] [--heap-snapshot-at m1,m2 [--heap-snapshot-dir dir]] [--freeze-at minute:seconds[,...]] [--feed-window items] [--report file]\n`,
    );
    process.exit(2);
  }
  const r = await runSoak(optionsFromArgs({ minutes: 30, rate: 5, sampleSec: 60, drainSec: 180 }));
  const text = formatSoak(r);
  process.stdout.write(text);
  const file = flag('report');
  if (file) writeFileSync(file, text);
  process.exit(0);
}
