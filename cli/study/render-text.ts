/** The study's report as the terminal reads it: a few lines of counts, then the top moves and the aggregate tables. */
import { formatTable } from '../format.ts';
import type { AggregateRow, StudyReport } from './types.ts';

const fmt = (v: number | null, digits = 1) => (v === null ? '' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(1)}%`);

const pv = (v: number | null) => (v === null ? '' : v < 0.001 ? '<0.001' : v.toFixed(3));

const MEASURE_TEXT: Record<StudyReport['measure'], string> = {
  'next-session': 'next-session: from the close of the headline\'s day (the last close before a timed headline) to the next close, a return one could have traded',
  'same-day': 'same-day: a date-only headline from the previous close to its day\'s close, which contains the move the headline may be reporting',
  event: 'from the last price before the headline to the horizon on the trading clock',
};

export function formatReport(r: StudyReport): string {
  const lines: string[] = [];
  lines.push(
    `oilwire study: ${r.headlines.inPeriod} headlines from ${r.period.from} to ${r.period.to} against ${r.prices.published} ${r.priceFormat === 'daily' ? 'daily closes' : 'ticks'} of ${r.symbol}, horizon +${r.horizon}`,
  );
  lines.push(`measure: ${MEASURE_TEXT[r.measure]}`);
  lines.push(
    `measured ${r.measured}; no price before the headline: ${r.unmeasured.no_pre_price}; waiting for later prices: ${r.unmeasured.waiting}` +
      (r.headlines.rejected ? `; unreadable headline rows: ${r.headlines.rejected}` : '') +
      (Object.keys(r.prices.rejected).length ? `; price rows rejected or quarantined: ${Object.entries(r.prices.rejected).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''),
  );
  const a = r.attribution;
  lines.push(
    `events (price moves, each once): ${a.events}; with a cause: ${a.attributed}; price reports only: ${a.reportOnly}; no relevant headline: ${a.unattributed}. ` +
      `Price-report headlines: ${a.reportHeadlines} (${a.reportSource === 'scorer' ? "the scorer's price_report" : 'read from the title'}), ${a.reportsIncluded ? 'included' : 'excluded from causes and aggregates (--include-reports to include them)'}`,
  );
  lines.push(
    '',
    `Top ${r.top.length} price moves by |z| (abnormal return over estimation-window volatility, +${r.horizon}). The cause is the move's earliest headline of relevance >= ${a.minRelevance} that is not a price report; "same move" counts the other relevant ones:`,
  );
  const daily = r.measure !== 'event';
  lines.push(
    formatTable(
      r.top.map((t, i) => ({
        '#': i + 1,
        date: t.date,
        cause: t.headline,
        topics: t.topics.join(',') || '-',
        direction: t.oil_direction,
        return_bps: fmt(t.return_bps),
        ...(daily && r.measure === 'next-session' ? { same_day_bps: fmt(t.same_day_bps) } : {}),
        z: fmt(t.z, 2),
        ...(!daily ? { tod_z: fmt(t.tod_z, 2), 'pre-15m_bps': fmt(t.pre_15m_bps) } : {}),
        'same move': t.others ? `+${t.others}` : '',
        reports: t.reports || '',
      })),
      { maxWidth: 60 },
    ),
  );
  const aggRows = <T extends AggregateRow>(rows: T[], key: (r: T) => string, label: string) =>
    formatTable(
      rows.map((g) => ({
        [label]: key(g),
        n: g.n,
        events: g.events,
        mean_bps: fmt(g.mean_return_bps),
        car_bps: fmt(g.mean_car_bps),
        t: fmt(g.tests.t.stat, 2),
        'p(t)': pv(g.tests.t.p),
        'BMP-KP': fmt(g.tests.kp.stat, 2),
        p: pv(g.tests.kp.p),
        q: pv(g.tests.kp.q),
        'rank p': pv(g.tests.rank.p),
        'rank q': pv(g.tests.rank.q),
        'sign p': pv(g.tests.sign.p),
        'sign q': pv(g.tests.sign.q),
        'boot p': pv(g.tests.bootstrap.p),
        'boot q': pv(g.tests.bootstrap.q),
        hit_rate: pct(g.hit_rate),
      })),
    );
  lines.push(
    '',
    `By topic of the cause (+${r.horizon}; each event once per topic). t: plain t of abnormal returns (baseline); BMP-KP: Boehmer-Musumeci-Poulsen with the Kolari-Pynnonen adjustment; rank: Corrado; sign: Cowan's generalized sign; boot: bootstrap of the mean standardized abnormal return; q: Benjamini-Hochberg across the rows of the table${daily ? '' : ' and every horizon'}:`,
    aggRows(r.byTopic, (g) => g.topic, 'topic'),
  );
  lines.push('', `By oil direction of the cause (+${r.horizon}):`, aggRows(r.byDirection, (g) => g.oil_direction, 'direction'));
  lines.push('', `By source of the cause (+${r.horizon}; q: Benjamini-Hochberg across sources${daily ? '' : ' and every horizon'}, a family of its own):`, aggRows(r.bySource, (g) => g.source, 'source'));
  lines.push(
    '',
    `Hit rate: ${r.hitRate.rate === null ? 'n/a (no bullish or bearish cause)' : `${pct(r.hitRate.rate)} of ${r.hitRate.directional} events with a directional cause moved the predicted way (${r.hitRate.hits} hits)`}`,
  );
  lines.push(`Daily news signal vs same-day return: correlation ${r.signal.corr === null ? 'n/a' : r.signal.corr.toFixed(3)} over ${r.signal.days} trading days with headlines`);
  lines.push(`(${(r.elapsedMs / 1000).toFixed(1)} s)`);
  return lines.join('\n');
}
