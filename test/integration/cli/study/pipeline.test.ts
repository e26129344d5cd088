import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { rootConfigSchema } from '../../../../cli/config.ts';
import { runStudy } from '../../../../cli/study/pipeline.ts';
import { renderChartSvg } from '../../../../cli/study/render-chart.ts';
import { formatReport } from '../../../../cli/study/render-text.ts';
import type { StudyReport } from '../../../../cli/study/types.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import { openStore } from '../../../../shared/store/clickhouse-store.ts';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/prices/${name}`, import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
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
// Next session (the default): from the close of the headline's day to the next close.
const next = { tuesday: expected(6, 7), weekend: expected(9, 10), monday: expected(10, 11), opec: expected(12, 13) };
const TOP_KEYS = ['date', 'headline', 'oil_direction', 'others', 'pre_15m_bps', 'reports', 'return_bps', 'same_day_bps', 'same_move', 'tod_z', 'topics', 'z'];

describe('oilwire study', () => {
  let report: StudyReport;

  it('measures date-only headlines on the next session by default, beside the same-day move, and attributes each move to a relevant cause', async () => {
    report = await runStudy({ news: fixture('study-news.csv'), prices: fixture('study-daily.csv'), top: 10, symbol: 'BRENT' }, base, { logger: silentLogger });
    expect(report).toMatchObject({ horizon: '1d', measure: 'next-session', priceFormat: 'daily', headlines: { inPeriod: 6, rejected: 0 }, prices: { published: 15, holidays: 0 }, measured: 5 });
    // The April headline has no earlier price: recorded, not measured with a later one.
    expect(report.unmeasured).toEqual({ no_pre_price: 1, waiting: 0 });
    const ranked = [
      { date: '2026-05-12', ...next.tuesday, sameDay: tuesday.r },
      { date: '2026-05-16', ...next.weekend, sameDay: weekend.r },
      { date: '2026-05-18', ...next.monday, sameDay: weekend.r },
      { date: '2026-05-20', ...next.opec, sameDay: opec.r },
    ].sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    expect(report.top.map((t) => t.date)).toEqual(ranked.map((r) => r.date));
    report.top.forEach((t, i) => {
      expect(t.return_bps).toBeCloseTo(ranked[i].r, 8);
      expect(t.z).toBeCloseTo(ranked[i].z, 8);
      expect(t.same_day_bps).toBeCloseTo(ranked[i].sameDay, 8);
      expect(Object.keys(t).sort()).toEqual(TOP_KEYS);
    });
    // The Saturday headline trades from Friday's close to Monday's (+300 bps); Monday's from Monday's close: two moves.
    expect(report.top.find((t) => t.date === '2026-05-16')!.return_bps).toBeCloseTo(300, 8);
    // Tuesday: the carmaker headline is not relevant, so the inventory report is the cause and nothing else is "same move".
    const tue = report.top.find((t) => t.date === '2026-05-12')!;
    expect(tue.headline).toBe('EIA reports unexpected crude inventory build of 5 million barrels');
    expect(tue.others).toBe(0);
    expect(report.attribution).toMatchObject({ events: 4, attributed: 4, reportOnly: 0, unattributed: 0, reportsIncluded: false });
    // Every test per topic and direction, with q-values (fewer than five events: no test, reported as such).
    expect(report.byDirection.reduce((a, d) => a + d.events, 0)).toBe(4);
    for (const g of [...report.byTopic, ...report.byDirection]) {
      expect(Object.keys(g.tests).sort()).toEqual(['bmp', 'bootstrap', 'kp', 'kp_r', 'rank', 'sign', 't']);
      expect(g.tests.kp.q).toBeNull();
    }
    expect(report.hitRate.directional).toBe(4);
    // A date,headline file has no source column: every cause is from the file's name, one row of the source family.
    expect(report.bySource.map((g) => [g.source, g.events, g.n])).toEqual([['study-news', 4, 4]]);
    expect(Object.keys(report.bySource[0].tests).sort()).toEqual(['bmp', 'bootstrap', 'kp', 'kp_r', 'rank', 'sign', 't']);
    expect(report.bySource[0].mean_return_bps).toBeCloseTo((next.tuesday.r + next.weekend.r + next.monday.r + next.opec.r) / 4, 8);
    expect(report.series.map((p) => p.close)).toEqual(closes.slice(0, 15));
  });

  it('--measure same-day measures a date-only headline from the close before its day, like the views', async () => {
    const r = await runStudy({ news: fixture('study-news.csv'), prices: fixture('study-daily.csv'), top: 10, symbol: 'BRENT', measure: 'same-day' }, base, { logger: silentLogger });
    const ranked = [
      { dates: ['2026-05-20'], ...opec },
      { dates: ['2026-05-16'], ...weekend },
      { dates: ['2026-05-12'], ...tuesday },
    ].sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    expect(r.top).toHaveLength(3);
    r.top.forEach((t, i) => {
      expect(ranked[i].dates).toContain(t.date);
      expect(t.return_bps).toBeCloseTo(ranked[i].r, 8);
      expect(t.z).toBeCloseTo(ranked[i].z, 8);
    });
    // Saturday's and Monday's headlines share Friday's close to Monday's: one move, the earlier headline its cause.
    const weekendMove = r.top.find((t) => t.date === '2026-05-16')!;
    expect(weekendMove.others).toBe(1);
    expect(weekendMove.same_move).toEqual(['Shipping insurers raise Gulf war-risk premiums again after tanker attack']);
  });

  it('prints a report and draws a chart with a marker per top move', () => {
    const text = formatReport(report);
    expect(text).toMatch(/^oilwire study: 6 headlines from 2026-04-01 to 2026-05-20 against 15 daily closes of BRENT, horizon \+1d/);
    expect(text).toContain('OPEC+ agrees surprise output cut');
    expect(text).toMatch(/Hit rate: /);
    expect(text).toContain('measure: next-session');
    expect(text).toMatch(/BMP-KP +p +q +rank p/);
    expect(text).toMatch(/By source of the cause \(\+1d; q: Benjamini-Hochberg across sources, a family of its own\):\n *source +n +events/);
    expect(text).toMatch(/\n *study-news +4 +4 /);
    const svg = renderChartSvg(report);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle [^>]*r="9"/g)).toHaveLength(4);
    expect(svg).toContain('OPEC+ agrees surprise output cut');
  });

  it('excludes price reports from causes and aggregates by default, counts them apart, and includes them when asked', async () => {
    const r = await runStudy({ news: fixture('study-news-reports.csv'), prices: fixture('study-daily.csv'), top: 10, symbol: 'BRENT' }, base, { logger: silentLogger });
    expect(r.attribution).toMatchObject({ events: 2, attributed: 1, reportOnly: 1, reportHeadlines: 2, reportsIncluded: false });
    expect(r.top.map((t) => [t.date, t.headline, t.reports])).toEqual([['2026-05-20', 'OPEC+ agrees surprise output cut of 1 million barrels per day', 1]]);
    expect(r.byDirection.reduce((a, d) => a + d.events, 0)).toBe(1);
    const inc = await runStudy({ news: fixture('study-news-reports.csv'), prices: fixture('study-daily.csv'), top: 10, symbol: 'BRENT', includeReports: true }, base, { logger: silentLogger });
    expect(inc.attribution).toMatchObject({ events: 2, attributed: 2, reportOnly: 0, reportsIncluded: true });
    expect(inc.top.map((t) => t.date).sort()).toEqual(['2026-05-19', '2026-05-20']);
  });

  it('on ticks: every horizon, the time-of-day z and the pre-event return per move, the report left out of causes', async () => {
    const r = await runStudy({ news: fixture('study-news-intraday.csv'), prices: fixture('study-ticks.csv'), top: 5, symbol: 'BRENT' }, base, { logger: silentLogger });
    expect(r).toMatchObject({ horizon: '60m', measure: 'event', priceFormat: 'ticks' });
    // 10:30, 10:40 (a price report) and 10:45 fall in one 60-minute move: one event, caused by the earliest relevant non-report.
    const eia = r.top.find((t) => t.date === '2026-06-01 10:30')!;
    expect(eia.headline).toBe('EIA reports surprise crude inventory draw of 6 million barrels');
    expect(eia.others).toBe(1);
    expect(eia.reports).toBe(1);
    expect(eia.same_day_bps).toBeNull();
    expect(eia.tod_z).not.toBeNull();
    expect(eia.pre_15m_bps).not.toBeNull();
    // Independently from the fixture: the tick at 10:30 is the last at or before the headline, the one at 10:15 fifteen minutes before.
    const ticks = readFileSync(fixture('study-ticks.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const at = (ts: string) => Number(ticks.find((t) => t[0] === ts)![2]);
    expect(eia.pre_15m_bps!).toBeCloseTo(bps(at('2026-06-01T10:15:00Z'), at('2026-06-01T10:30:00Z')), 6);
    expect(r.attribution).toMatchObject({ events: 2, attributed: 2 });
  });

  it('reads ts,source,headline files and keeps only the asked period', async () => {
    const r = await runStudy({ news: fixture('study-news-timed.csv'), prices: fixture('study-daily.csv'), top: 5, symbol: 'BRENT', from: '2026-05-17' }, base, { logger: silentLogger });
    expect(r.headlines.inPeriod).toBe(1);
    expect(r.top).toHaveLength(1);
    expect(r.top[0]).toMatchObject({ date: '2026-05-20 08:15', headline: 'OPEC+ agrees surprise output cut of 1 million barrels per day' });
    // 08:15 on Wednesday: from Tuesday's close to one session later (Thursday 08:15), the last price being Wednesday's close.
    expect(r.top[0].return_bps).toBeCloseTo(opec.r, 8);
    expect(r.top[0].z).toBeCloseTo(opec.z, 8);
    // The whole file: a cause from each desk, one row each in the source family.
    const all = await runStudy({ news: fixture('study-news-timed.csv'), prices: fixture('study-daily.csv'), top: 5, symbol: 'BRENT' }, base, { logger: silentLogger });
    expect(all.bySource.map((g) => [g.source, g.events]).sort()).toEqual([
      ['Energy Desk', 1],
      ['Maritime Desk', 1],
    ]);
  });

  it('runs as a command: --json prints one object with top and byTopic, --chart writes SVG or PNG', async () => {
    const svg = join(out, 'chart.svg');
    const { stdout } = await run(process.execPath, ['bin/oilwire.mjs', 'study', '--news', fixture('study-news.csv'), '--prices', fixture('study-daily.csv'), '--top', '2', '--json', '--chart', svg], { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'silent' } });
    const json = JSON.parse(stdout) as { top: { date: string; return_bps: number }[]; byTopic: { topic: string; n: number }[]; bySource: StudyReport['bySource'] };
    expect(json.top.map((t) => t.date)).toEqual(report.top.slice(0, 2).map((t) => t.date));
    expect(json.byTopic.length).toBeGreaterThan(0);
    expect(json.bySource).toEqual(report.bySource);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /);

    const png = join(out, 'chart.png');
    const { stdout: text } = await run(process.execPath, ['bin/oilwire.mjs', 'study', '--news', fixture('study-news.csv'), '--prices', fixture('study-daily.csv'), '--chart', png], { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'silent' } });
    expect(text).toContain('Top 4 price moves');
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
