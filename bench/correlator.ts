/**
 * Correlator scaling: ticks/s through `ImpactEngine` (addTick + evaluate) with 1k / 10k / 100k
 * articles pending, none of them coming due during the run, so the figure is the cost of a tick
 * that has nothing to measure. It should not depend on the pending count; the 1k figure is the
 * baseline of the larger ones. `npm run bench -- --only correlator` runs it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HORIZON_LABELS, type NewsScored } from '../shared/contracts/events.ts';
import { ImpactEngine } from '../services/correlator/index.ts';
import type { Report } from './report.ts';
import { benchArticle } from './scored-article.ts';

// A Tuesday mid-session on the ICE Brent calendar.
const T0 = Date.UTC(2026, 5, 2, 9, 0, 0);
const HOUR = 3_600_000;

function article(i: number, measured: boolean): NewsScored {
  // Published an hour or two after T0, ahead of the ticks: no horizon (1d included) ends within what the run reaches.
  // `measured`: half an hour before T0 instead, so 1m and 5m are measured (and re-measurable for the hour of lateness) before the run.
  return benchArticle(`a${String(i).padStart(7, '0')}`, (measured ? T0 - HOUR / 2 : T0 + HOUR) + Math.floor((i * HOUR) / 100_000 / (measured ? 4 : 1)), {
    source: 'wire',
    title: `headline ${i}`,
    cluster_id: `c${i}`,
  });
}

/** Ticks/s with `pending` articles waiting, `perEvaluate` ticks between two evaluations. */
function run(pending: number, perEvaluate: number, minMs: number, measured = false): { ticksPerSecond: number; stillPending: number; retained: number } {
  const engine = new ImpactEngine({
    symbols: ['BRENT'],
    horizons: ['1m', '5m', '60m', '1d'],
    volatilityWindows: 20,
    maxPendingAgeMs: 14 * 86_400_000,
    // calendar: the default, ICE Brent's sessions.
    watermark: { maxOutOfOrdernessMs: 5_000, idleTimeoutMs: 60_000 },
    allowedLatenessMs: HOUR,
  });
  // A minute of prices, then the articles; event time moves 1 ms a tick, so even a million ticks stay short of the next horizon.
  // (measured: the minute of prices is an hour before T0 and the run starts at T0.)
  let ts = (measured ? T0 - HOUR : T0) - 60_000;
  let seq = 0;
  const tick = (now: number) => {
    ts += 1;
    engine.addTick({ symbol: 'BRENT', ts, price: 80 + Math.sin(seq / 50), identity: `feed|${ts}|${seq++}`, source: 'feed' }, now);
  };
  for (let i = 0; i < 60_000; i++) tick(0);
  for (let i = 0; i < pending; i++) engine.addArticle(article(i, measured));
  if (measured) ts = T0;
  tick(0);
  engine.evaluate(0);
  let ticks = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    for (let i = 0; i < perEvaluate; i++) tick(0);
    engine.evaluate(0);
    ticks += perEvaluate;
  }
  return { ticksPerSecond: (ticks * 1000) / (performance.now() - start), stillPending: engine.pendingCount, retained: engine.retainedCount };
}

export async function benchCorrelator(report: Report): Promise<void> {
  for (const [perEvaluate, measured] of [[1, false], [100, false], [100, true]] as const) {
    let base = 0;
    for (const pending of [1_000, 10_000, 100_000]) {
      const r = run(pending, perEvaluate, 1500, measured);
      if (r.stillPending !== pending) throw new Error(`bench setup: ${pending - r.stillPending} articles came due during the run`);
      if (r.retained !== (measured ? 2 * pending : 0)) throw new Error(`bench setup: ${r.retained} results retained`);
      const name = `ImpactEngine ticks/s, ${pending / 1000}k pending${measured ? ' (2 of 4 horizons measured, re-measurable)' : ''}, ${perEvaluate} tick(s) per evaluate`;
      if (pending === 1_000) {
        base = r.ticksPerSecond;
        report({ name, value: r.ticksPerSecond, unit: 'ticks/s' });
      } else report({ name, value: r.ticksPerSecond, unit: 'ticks/s', baseline: `1k pending${measured ? ' (2 of 4 measured)' : ''}, ${perEvaluate} per evaluate`, ratio: r.ticksPerSecond / base });
    }
  }  await benchPendingMemory(report);
}

/** A full collection, so heap figures count what is reachable and not what awaits the collector. */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Heap held per pending article with every horizon open (the correlator keeps each one until its 1d
 * horizon), beside the size of the `news.scored` JSON it came from as the baseline: what waiting costs
 * relative to the message itself.
 */
export async function benchPendingMemory(report: Report): Promise<void> {
  const n = 100_000;
  const engine = new ImpactEngine({ symbols: ['BRENT'], horizons: [...HORIZON_LABELS], volatilityWindows: 20, maxPendingAgeMs: 14 * 86_400_000 });
  const withSummary = (i: number): NewsScored => ({ ...article(i, false), summary: `summary of headline ${i} `.repeat(12) });
  const jsonBytes = Buffer.byteLength(JSON.stringify(withSummary(0)));
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) engine.addArticle(JSON.parse(JSON.stringify(withSummary(i))) as NewsScored);
  collect();
  const perArticle = (process.memoryUsage().heapUsed - before) / n;
  if (engine.pendingCount !== n) throw new Error(`bench setup: ${engine.pendingCount} of ${n} pending`);
  report({ name: `heap per pending article, ${HORIZON_LABELS.length} horizons open, 100k pending`, value: perArticle, unit: 'bytes', baseline: `its news.scored JSON (${jsonBytes} bytes)`, ratio: perArticle / jsonBytes });
}

