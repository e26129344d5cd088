/**
 * The statistics step of `oilwire study` (clustering, attribution, SAR, BMP, Kolari-Pynnonen,
 * Corrado, generalized sign, bootstrap, Benjamini-Hochberg per topic and direction) on a
 * study-sized input: ten thousand date-only headlines over a year of daily closes, beside the
 * baseline the views printed before (a plain mean and t per group) on the same events.
 * `node bin/run-ts.mjs bench/statistics.ts` runs it alone.
 */
import { pathToFileURL } from 'node:url';
import { seededRandom } from '../shared/runtime/seeded-random.ts';
import { analyzeStudy, dailyObservation, dailyStartIndex, plainT, type PricePoint, type StudyHeadlineRow } from '../services/correlator/index.ts';
import { opsPerSecond, type Report } from './report.ts';

const DAY = 86_400_000;
const TOPICS = ['mediation', 'ceasefire', 'sanctions', 'military', 'shipping', 'opec', 'inventories', 'macro'];
const DIRECTIONS = ['bullish', 'bearish', 'neutral'];

function input(headlineCount: number, days: number) {
  const rnd = seededRandom(13);
  const start = Date.UTC(2018, 0, 1);
  const closes: PricePoint[] = [];
  let p = 70;
  for (let d = 0; d < days; d++) {
    p *= Math.exp((rnd() - 0.5) * 0.04);
    closes.push({ t: start + d * DAY + 19.5 * 3_600_000, close: p });
  }
  const headlines: StudyHeadlineRow[] = Array.from({ length: headlineCount }, (_, i) => ({
    id: `h${i}`,
    ts: start + (25 + Math.floor(rnd() * (days - 30))) * DAY,
    precision: 'date',
    title: i % 15 === 0 ? `Oil rises ${i % 5}% as markets weigh supply` : `headline ${i}`,
    relevance: Math.floor(rnd() * 100),
    order: i,
    topics: rnd() < 0.3 ? [] : [TOPICS[Math.floor(rnd() * TOPICS.length)]],
    direction: DIRECTIONS[Math.floor(rnd() * 3)],
  }));
  return { closes, headlines };
}

export async function benchStatistics(report: Report): Promise<void> {
  const { closes, headlines } = input(10_000, 300);
  const study = () =>
    analyzeStudy({ headlines, daily: closes, horizons: [{ label: '1d', ms: DAY }], measure: 'next-session', minRelevance: 40, includeReports: false, estimationWindows: 20, seed: 1 });
  // Baseline: the same events (one per start close and topic), a plain mean and t each: what the aggregate views computed.
  const baseline = () => {
    const groups = new Map<string, Map<number, number>>();
    for (const h of headlines) {
      const s = dailyStartIndex(closes, h, 'next-session');
      const o = s < 0 ? null : dailyObservation(closes, s, 20);
      if (!o) continue;
      for (const t of h.topics.length ? h.topics : ['none']) {
        let g = groups.get(t);
        if (!g) groups.set(t, (g = new Map()));
        g.set(s, o.ar);
      }
    }
    return [...groups.values()].map((g) => plainT([...g.values()]));
  };
  const result = study();
  const base = await opsPerSecond(baseline, { minMs: 1500 });
  const full = await opsPerSecond(study, { minMs: 1500 });
  report({ name: 'baseline: plain mean and t per topic, 10k headlines x 300 closes (runs/s)', value: base, unit: 'runs/s' });
  report({ name: `study statistics step: ${result.events.length} events, all tests + q-values (runs/s)`, value: full, unit: 'runs/s', baseline: 'baseline: plain mean and t per topic, 10k headlines x 300 closes (runs/s)', ratio: full / base });
  report({ name: 'study statistics step: ms per run', value: 1000 / full, unit: 'ms' });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchStatistics((row) => console.log(`${row.name.padEnd(80)} ${row.value.toFixed(2).padStart(12)} ${row.unit}${row.ratio === undefined ? '' : `  (${row.ratio.toFixed(3)}x ${row.baseline})`}`));
}
