/**
 * Scorer throughput and latency: headlines/s and p99 latency per call at batch 1 and 32 for
 * the domain model (alone and as the full scorer with novelty) and for the transformers
 * backend on a generated tiny model, beside the transformers.js tokenizer alone on the same
 * headlines, measured in the same run. Target: the domain model at >= 50,000 headlines/s on
 * one core (the `cpu` rows divide by CPU time, so a busy machine does not hide the figure).
 * Last, the novelty store past its bounds beside the same below them (`benchStoreBounds`).
 * Run alone: `node bin/run-ts.mjs bench/scorer.ts`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ArticleScorer,
  MemoryNoveltyStore,
  NoveltyTracker,
  TransformersClassifier,
  analyzeText,
  csvField,
  parseCsv,
  runTrain,
  wordTokenizer,
  type ScoreInput,
} from '../services/scorer/index.ts';
import { percentile } from './report.ts';

type Report = (row: { name: string; value: number; unit: string; baseline?: string; ratio?: number }) => void;

interface Measured {
  wall: number;
  cpu: number;
  p99: number;
}

/** Calls `fn` on consecutive batches for at least `minMs`; throughput by wall and by CPU time, p99 per call. */
async function measure(texts: string[], batch: number, minMs: number, fn: (batch: string[]) => unknown): Promise<Measured> {
  const batches: string[][] = [];
  for (let i = 0; i + batch <= texts.length; i += batch) batches.push(texts.slice(i, i + batch));
  // A synchronous subject is not awaited: a microtask turn per call would be measured as its cost.
  const call = async (b: string[]) => {
    const r = fn(b);
    if (r instanceof Promise) await r;
  };
  // Warm up long enough for the JIT to settle, whatever the batch size.
  const warm = performance.now();
  for (let i = 0; performance.now() - warm < Math.min(500, minMs / 3); i++) await call(batches[i % batches.length]);
  const latencies: number[] = [];
  let done = 0;
  let k = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    const b = batches[k++ % batches.length];
    const s = performance.now();
    const r = fn(b);
    if (r instanceof Promise) await r;
    latencies.push(performance.now() - s);
    done += b.length;
  }
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  return { wall: done / wallS, cpu: done / ((c.user + c.system) / 1e6), p99: percentile(latencies, 99) };
}

export async function benchScorer(report: Report, options: { minMs?: number } = {}): Promise<void> {
  const minMs = options.minMs ?? 1500;
  const rows = parseCsv(await readFile(new URL('../test/fixtures/scorer/labeled-headlines.csv', import.meta.url), 'utf8')).slice(1);
  const headlines = rows.map((r) => r[0]);
  // Enough distinct batches that caches do not see the same 32 texts over and over.
  const texts = Array.from({ length: 64 }, (_, i) => headlines.map((h) => (i === 0 ? h : `${h} ${i}`))).flat();

  const dir = await mkdtemp(join(tmpdir(), 'oilwire-bench-'));
  try {
    const csv = join(dir, 'train.csv');
    await writeFile(csv, ['text,label', ...rows.map((r) => `${csvField(r[0])},${r[1]}`)].join('\n'));
    await runTrain({ input: csv, out: join(dir, 'model'), holdout: 0 });
    const vocab = Object.keys((JSON.parse(await readFile(join(dir, 'model/tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab);
    const tokenize = await wordTokenizer(vocab);
    const classifier = await TransformersClassifier.load({ path: join(dir, 'model'), batchSize: 32 });
    let seq = 0;
    const articles = (batch: string[]): ScoreInput[] =>
      batch.map((title) => ({ id: `bench-${seq++}`, title, summary: '', source: 'bench', published_at: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString() }));
    const newScorer = () => new ArticleScorer(new NoveltyTracker(new MemoryNoveltyStore(50_000), { windowMs: 24 * 3_600_000, threshold: 0.5 }));
    // Each batch size starts from an empty novelty store: the cost of novelty grows with the similar stories it holds,
    // which is measured on its own line below rather than mixed into the batch-32 figure.
    let filled: ArticleScorer | undefined;

    for (const batch of [1, 32]) {
      const scorer = newScorer();
      if (batch === 1) filled = scorer;
      const base = await measure(texts, batch, minMs, (b) => tokenize(b));
      const baseName = `tokenizer alone (transformers.js), batch ${batch}`;
      report({ name: `${baseName}: headlines/s`, value: base.wall, unit: 'headlines/s' });
      report({ name: `${baseName}: p99 latency`, value: base.p99, unit: 'ms' });
      const subjects: [string, (b: string[]) => unknown][] = [
        ['domain model', (b) => b.map((t) => analyzeText(t))],
        ['domain scorer with novelty', (b) => scorer.score(articles(b))],
        ['transformers backend (generated linear model)', (b) => classifier.classify(b)],
      ];
      for (const [name, fn] of subjects) {
        const m = await measure(texts, batch, minMs, fn);
        report({ name: `${name}, batch ${batch}: headlines/s`, value: m.wall, unit: 'headlines/s', baseline: `${baseName}: headlines/s`, ratio: m.wall / base.wall });
        report({ name: `${name}, batch ${batch}: p99 latency`, value: m.p99, unit: 'ms', baseline: `${baseName}: p99 latency`, ratio: m.p99 / base.p99 });
        if (name === 'domain model') {
          report({ name: `domain model, batch ${batch}: headlines per CPU-second (target 50,000)`, value: m.cpu, unit: 'headlines/s', baseline: `${baseName}: headlines/s`, ratio: m.cpu / base.cpu });
        }
      }
    }
    if (filled) {
      const base = await measure(texts, 32, minMs, (b) => tokenize(b));
      const m = await measure(texts, 32, minMs, (b) => filled!.score(articles(b)));
      const name = 'domain scorer with novelty, batch 32, store already holding what the batch-1 run scored (64 near-copies of each headline)';
      report({ name: `${name}: headlines/s`, value: m.wall, unit: 'headlines/s', baseline: 'tokenizer alone (transformers.js), batch 32: headlines/s', ratio: m.wall / base.wall });
    }
    benchStoreBounds(report);
    await classifier.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The novelty store in steady state: an answer remembered and a cluster founded once the store is
 * past its bounds (200,000 answers, 50,000 clusters), each beside the same before the bound in the
 * same run. Eviction must not cost more as the store fills (it did: a Map's oldest key is found by
 * stepping over every slot deleted since its last rehash). Microseconds of CPU per operation.
 */
function benchStoreBounds(report: Report): void {
  const perOp = (n: number, op: (i: number) => void, from: number): number => {
    const c0 = process.cpuUsage();
    for (let i = from; i < from + n; i++) op(i);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  const answers = new MemoryNoveltyStore(50_000);
  const answer = { novelty: 100, clusterId: 'c0' };
  const remember = (i: number) => {
    answers.seen(`a-${i}`);
    answers.remember(`a-${i}`, answer);
  };
  const below = perOp(100_000, remember, 0);
  perOp(100_000, remember, 100_000);
  const past = perOp(200_000, remember, 200_000);
  report({ name: 'novelty store, seen + remember of an answer past its 200,000-answer bound: CPU per answer', value: past, unit: 'us', baseline: 'the same below the bound', ratio: past / below });
  const clusters = new MemoryNoveltyStore(50_000);
  const found = (i: number) => {
    const keys = [i * 13, i * 13 + 1, i * 13 + 2];
    clusters.candidates(keys);
    clusters.put({ id: `c${i}`, tokens: [i], firstSeen: 0, lastSeen: 0, count: 1 }, keys);
  };
  const fewer = perOp(40_000, found, 0);
  perOp(20_000, found, 40_000);
  const more = perOp(60_000, found, 60_000);
  report({ name: 'novelty store, founding a cluster past its 50,000-cluster bound: CPU per cluster', value: more, unit: 'us', baseline: 'the same below the bound', ratio: more / fewer });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchScorer((row) => {
    const ratio = row.ratio === undefined ? '' : `  (${row.ratio.toFixed(2)}x ${row.baseline})`;
    console.log(`${row.name.padEnd(78)} ${row.value.toFixed(row.value < 100 ? 3 : 0).padStart(10)} ${row.unit}${ratio}`);
  });
}
