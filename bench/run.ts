/**
 * `npm run bench [-- --only name,name] [--json file]`: every benchmark of the project in one run,
 * each figure next to a baseline measured in the same run (so figures compare across machines as ratios).
 */
import { writeFileSync } from 'node:fs';
import type { BenchRow } from './report.ts';
import { benchPipeline } from './pipeline.ts';

type Bench = (report: (row: BenchRow) => void) => Promise<void>;

const BENCHES: Record<string, () => Promise<Bench>> = {
  pipeline: async () => benchPipeline,
  ingest: async () => (await import('./ingest.ts')).benchIngest,
  api: async () => (await import('./api.ts')).benchApi,
  // The api bench's groups one at a time (`--only api` runs them all).
  'api-sql': async () => { const { benchApi } = await import('./api.ts'); return (r) => benchApi(r, { parts: ['sql'] }); },
  'api-stream': async () => { const { benchApi } = await import('./api.ts'); return (r) => benchApi(r, { parts: ['stream'] }); },
  'api-webhooks': async () => { const { benchApi } = await import('./api.ts'); return (r) => benchApi(r, { parts: ['webhooks'] }); },
  scorer: async () => (await import('./scorer.ts')).benchScorer,
  prices: async () => (await import('./prices.ts')).benchPrices,
  statistics: async () => (await import('./statistics.ts')).benchStatistics,
  'impact-tests': async () => (await import('./impact-tests.ts')).benchImpactTests,
  correlator: async () => (await import('./correlator.ts')).benchCorrelator,
  // Horizon due -> impact on news.impact, p50/p95/p99 beside a bare insert + publish (`node bin/run-ts.mjs bench/correlator-latency.ts` takes sizes).
  'correlator-latency': async () => (await import('./correlator-latency.ts')).benchCorrelatorLatency,
  kafka: async () => (await import('./kafka.ts')).benchKafka,
  // The compiled tree against tsx (runs other groups in child processes; not part of a plain `npm run bench`).
  build: async () => (await import('./build.ts')).benchBuild,
  // `oilwire start`'s services after 5k and 100k headlines, each in a process of its own (minutes).
  'start-memory': async () => (await import('./start-memory.ts')).benchStartMemory,
  // `oilwire start` fed a steady feed for minutes, memory sampled (`bench/soak.ts --minutes 30` for the long one).
  soak: async () => (await import('./soak.ts')).benchSoak,
};

// Groups that re-run others (a plain `npm run bench` would measure those twice) or take minutes: only with --only.
const EXPLICIT_ONLY = new Set(['build', 'start-memory', 'soak']);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const only = arg('only')?.split(',');
const rows: (BenchRow & { bench: string })[] = [];
for (const [name, load] of Object.entries(BENCHES)) {
  if (only ? !only.includes(name) : EXPLICIT_ONLY.has(name)) continue;
  process.stderr.write(`bench ${name}...\n`);
  const fn = await load();
  await fn((row) => {
    rows.push({ bench: name, ...row });
    const ratio = row.ratio === undefined ? '' : `  (${row.ratio.toFixed(2)}x ${row.baseline})`;
    console.log(`${name.padEnd(10)} ${row.name.padEnd(70)} ${row.value.toFixed(row.value < 100 ? 2 : 0).padStart(12)} ${row.unit}${ratio}`);
  });
}
const out = arg('json');
if (out) writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2));
process.exit(0);
