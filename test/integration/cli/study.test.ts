import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { rootConfigSchema } from '../../../cli/config.ts';
import { formatReport, parseHeadlines, renderChartSvg, runStudy, type StudyReport } from '../../../cli/commands/study.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { openStore } from '../../../shared/store/clickhouse-store.ts';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/prices/${name}`, import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'oilwire-study-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const base = rootConfigSchema.parse({ log: { level: 'silent' } });

// The fixture's closes, read here independently of the code under test.
const closes = readFileSync(fixture('study-daily.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => Number(l.split(',')[1]));
const bps = (a: number, b: number) => (b / a - 1) * 10_000;

/** Return from close `pre` to close `post`, and its z against the returns between consecutive closes up to `pre` (at most 20). */
function expected(pre: number, post: number) {
  const r = bps(closes[pre], closes[post]);
  const past: number[] = [];
  for (let j = pre; j >= 1 && past.length < 20; j--) past.push(bps(closes[j - 1], closes[j]));
  const mean = past.reduce((a, b) => a + b, 0) / past.length;
  const sd = Math.sqrt(past.reduce((a, b) => a + (b - mean) ** 2, 0) / (past.length - 1));
  return { r, z: (r - mean) / sd };
}

// Index 5 is Monday 11 May, 6 Tuesday 12 May, 9 Friday 15 May, 10 Monday 18 May, 11 Tuesday 19 May, 12 Wednesday 20 May.
const tuesday = expected(5, 6);
const weekend = expected(9, 10);
const opec = expected(11, 12);

describe('oilwire study', () => {
  let report: StudyReport;

  it('replays date-only headlines and daily closes through the pipeline and ranks the price moves by |z|', async () => {
    report = await runStudy({ news: fixture('study-news.csv'), prices: fixture('study-daily.csv'), top: 10, symbol: 'BRENT' }, base, { logger: silentLogger });
    expect(report).toMatchObject({ horizon: '1d', priceFormat: 'daily', headlines: { inPeriod: 6, rejected: 0 }, prices: { published: 15, holidays: 0 }, measured: 5 });
    // The April headline has no earlier price: recorded, not measured with a later one.
    expect(report.unmeasured).toEqual({ no_pre_price: 1, waiting: 0 });
    const ranked = [
      { dates: ['2026-05-20'], ...opec },
      { dates: ['2026-05-16', '2026-05-18'], ...weekend },
      { dates: ['2026-05-12'], ...tuesday },
    ].sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    expect(report.top).toHaveLength(3);
    report.top.forEach((t, i) => {
      expect(ranked[i].dates).toContain(t.date);
      expect(t.return_bps).toBeCloseTo(ranked[i].r, 8);
      expect(t.z).toBeCloseTo(ranked[i].z, 8);
    });
    // The Saturday headline is judged from Friday's close by Monday's (+300 bps), which is Monday's headline's move too: one move, two headlines.
    const weekendMove = report.top.find((t) => ranked.find((r) => r.dates.length === 2)!.dates.includes(t.date))!;
    expect(weekendMove.return_bps).toBeCloseTo(300, 8);
    expect(weekendMove.others).toBe(1);
    // Two headlines on Tuesday share one price move: listed once.
    const tue = report.top.find((t) => t.date === '2026-05-12')!;
    expect(tue.others).toBe(1);
    expect(['Acme Corp names new chief executive , shares steady', 'EIA reports unexpected crude inventory build of 5 million barrels']).toContain(tue.headline);
    for (const t of report.top) {
      expect(Object.keys(t).sort()).toEqual(['date', 'headline', 'oil_direction', 'others', 'return_bps', 'topics', 'z']);
      expect(['bullish', 'bearish', 'neutral']).toContain(t.oil_direction);
    }
    // Aggregates count each price move once: three events in all, over five headlines.
    expect(report.byDirection.reduce((a, d) => a + d.n, 0)).toBe(5);
    const allTopics = report.byTopic.reduce((a, t) => a + t.events, 0);
    expect(allTopics).toBeGreaterThanOrEqual(3);
    expect(report.hitRate.directional).toBe(report.byDirection.filter((d) => d.oil_direction !== 'neutral').reduce((a, d) => a + d.n, 0));
    expect(report.series.map((p) => p.close)).toEqual(closes.slice(0, 15));
  });

  it('prints a report and draws a chart with a marker per top move', () => {
    const text = formatReport(report);
    expect(text).toMatch(/^oilwire study: 6 headlines from 2026-04-01 to 2026-05-20 against 15 daily closes of BRENT, horizon \+1d/);
    expect(text).toContain('OPEC+ agrees surprise output cut');
    expect(text).toMatch(/Hit rate: /);
    const svg = renderChartSvg(report);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle [^>]*r="9"/g)).toHaveLength(3);
    expect(svg).toContain('OPEC+ agrees surprise output cut');
  });

  it('reads ts,source,headline files and keeps only the asked period', async () => {
    const r = await runStudy({ news: fixture('study-news-timed.csv'), prices: fixture('study-daily.csv'), top: 5, symbol: 'BRENT', from: '2026-05-17' }, base, { logger: silentLogger });
    expect(r.headlines.inPeriod).toBe(1);
    expect(r.top).toHaveLength(1);
    expect(r.top[0]).toMatchObject({ date: '2026-05-20 08:15', headline: 'OPEC+ agrees surprise output cut of 1 million barrels per day' });
    // 08:15 on Wednesday: from Tuesday's close to one session later (Thursday 08:15), the last price being Wednesday's close.
    expect(r.top[0].return_bps).toBeCloseTo(opec.r, 8);
    expect(r.top[0].z).toBeCloseTo(opec.z, 8);
  });

  it('parses quoted commas in headlines and reports unreadable rows', () => {
    const p = parseHeadlines('date,headline\n2018-12-31,"Wall Street rises , limps across the finish line"\nyesterday,bad\n2018-12-30,\n', 'reuters');
    expect(p.headlines).toEqual([{ ts: Date.parse('2018-12-31T00:00:00Z'), precision: 'date', source: 'reuters', headline: 'Wall Street rises , limps across the finish line', line: 2 }]);
    expect(p.rejected).toEqual([
      { line: 3, reason: 'bad_date' },
      { line: 4, reason: 'empty_headline' },
    ]);
  });

  it('runs as a command: --json prints one object with top and byTopic, --chart writes SVG or PNG', async () => {
    const svg = join(out, 'chart.svg');
    const { stdout } = await run(process.execPath, ['bin/oilwire.mjs', 'study', '--news', fixture('study-news.csv'), '--prices', fixture('study-daily.csv'), '--top', '2', '--json', '--chart', svg], { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'silent' } });
    const json = JSON.parse(stdout) as { top: { date: string; return_bps: number }[]; byTopic: { topic: string; n: number }[] };
    expect(json.top.map((t) => t.date)).toEqual(report.top.slice(0, 2).map((t) => t.date));
    expect(json.byTopic.length).toBeGreaterThan(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /);

    const png = join(out, 'chart.png');
    const { stdout: text } = await run(process.execPath, ['bin/oilwire.mjs', 'study', '--news', fixture('study-news.csv'), '--prices', fixture('study-daily.csv'), '--chart', png], { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'silent' } });
    expect(text).toContain('Top 3 price moves');
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('keeps its store in a new folder when asked, for SQL afterwards', async () => {
    const keep = join(out, 'kept');
    await runStudy({ news: fixture('study-news.csv'), prices: fixture('study-daily.csv'), top: 3, symbol: 'BRENT', keep }, base, { logger: silentLogger });
    const store = await openStore({ path: keep, database: 'oilwire' });
    try {
      const [row] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('impact')} WHERE horizon = '1d'`);
      expect(Number(row.n)).toBe(5);
    } finally {
      await store.close();
    }
    await expect(runStudy({ news: fixture('study-news.csv'), prices: fixture('study-daily.csv'), top: 3, symbol: 'BRENT', keep }, base, { logger: silentLogger })).rejects.toThrow(/not empty/);
  });

  it('refuses a file that is not a price file, with a clear message', async () => {
    await expect(runStudy({ news: fixture('study-news.csv'), prices: fixture('study-news.csv'), top: 5, symbol: 'BRENT' }, base, { logger: silentLogger })).rejects.toThrow(/unknown header|not a price file/);
  });
});
