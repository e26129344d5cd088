/**
 * Fixed amounts of correlator and scorer work, timed by this process's CPU time rather than the
 * wall clock, so that the `build` group's comparison of tsx against the compiled tree holds on a
 * machine shared with other jobs (a wall-clock figure there moved by 2x between runs of the same
 * code). Prints JSON: `node bin/run-ts.mjs bench/build-workload.ts` or, compiled,
 * `node dist/bench/build-workload.js` (a tree built with --with-bench).
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { NewsScored } from '../shared/contracts/events.ts';
import { ImpactEngine } from '../services/correlator/index.ts';
import { ArticleScorer, MemoryNoveltyStore, NoveltyTracker, analyzeText, parseCsv, type ScoreInput } from '../services/scorer/index.ts';
import { benchArticle } from './scored-article.ts';

export interface Workload {
  name: string;
  /** CPU milliseconds (user + system) for the whole workload, warm-up excluded. */
  cpuMs: number;
  units: number;
  unit: string;
}

// A Tuesday mid-session on the ICE Brent calendar.
const T0 = Date.UTC(2026, 5, 2, 9, 0, 0);

function article(i: number, publishedMs: number): NewsScored {
  return benchArticle(`a${String(i).padStart(7, '0')}`, publishedMs, { source: 'wire', title: `headline ${i}`, cluster_id: `c${i}` });
}

/** Articles 1 s apart arriving with a tick a second, evaluated every 10 ticks, until every 1m..60m horizon is measured. */
function correlatorRun(articles: number): number {
  const engine = new ImpactEngine({
    symbols: ['BRENT'],
    horizons: ['1m', '5m', '15m', '60m'],
    volatilityWindows: 20,
    maxPendingAgeMs: 14 * 86_400_000,
    watermark: { maxOutOfOrdernessMs: 5_000, idleTimeoutMs: 60_000 },
    allowedLatenessMs: 3_600_000,
  });
  let measured = 0;
  const seconds = 120 + articles + 3_700;
  for (let s = 0; s < seconds; s++) {
    const ts = T0 + s * 1000;
    engine.addTick({ symbol: 'BRENT', ts, price: 80 + Math.sin(s / 50) + (s % 7) * 0.01, identity: `feed|${ts}`, source: 'feed' }, ts);
    const i = s - 120;
    if (i >= 0 && i < articles) engine.addArticle(article(i, ts));
    if (s % 10 === 9) measured += engine.evaluate(ts).length;
  }
  return measured;
}

function cpuMs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

export async function runWorkloads(): Promise<Workload[]> {
  const out: Workload[] = [];
  const articles = 3_000;
  correlatorRun(500);
  let impacts = 0;
  out.push({ name: `correlator: ImpactEngine, ${articles} articles measured at 1m/5m/15m/60m with a tick a second, x3`, cpuMs: cpuMs(() => {
    for (let r = 0; r < 3; r++) impacts += correlatorRun(articles);
  }), units: impacts, unit: 'impacts' });

  const rows = parseCsv(await readFile(new URL('../test/fixtures/scorer/labeled-headlines.csv', import.meta.url), 'utf8')).slice(1);
  const texts = Array.from({ length: 40 }, (_, i) => rows.map((r) => (i === 0 ? r[0] : `${r[0]} ${i}`))).flat();
  for (const t of texts.slice(0, 2000)) analyzeText(t);
  out.push({ name: `scorer: domain model (analyzeText), ${texts.length} headlines`, cpuMs: cpuMs(() => {
    for (const t of texts) analyzeText(t);
  }), units: texts.length, unit: 'headlines' });

  let seq = 0;
  const inputs = (batch: string[]): ScoreInput[] => batch.map((title) => ({ id: `bench-${seq++}`, title, summary: '', source: 'bench', published_at: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString() }));
  const scorer = new ArticleScorer(new NoveltyTracker(new MemoryNoveltyStore(50_000), { windowMs: 24 * 3_600_000, threshold: 0.5 }));
  for (let i = 0; i < 2000; i += 32) await scorer.score(inputs(texts.slice(i, i + 32)));
  let scored = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i + 32 <= texts.length; i += 32) scored += (await scorer.score(inputs(texts.slice(i, i + 32)))).length;
  const c = process.cpuUsage(c0);
  out.push({ name: `scorer: domain scorer with novelty, ${scored} headlines in batches of 32`, cpuMs: (c.user + c.system) / 1000, units: scored, unit: 'headlines' });
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await runWorkloads())}\n`);
  process.exit(0);
}
