/**
 * The `impact_tests` view (infra/clickhouse/014_impact_tests_bootstrap.sql: 013's t, BMP, Kolari-Pynnonen,
 * Corrado rank, generalized sign, Benjamini-Hochberg q of each, agreement, and 014's bootstrap) on a
 * synthetic store, beside 013's view (the same without the bootstrap) and 008's (t, BMP, KP only), each
 * recreated under another name on the same rows in the same run, and the bootstrap's view alone.
 * `node bin/run-ts.mjs bench/impact-tests.ts [rows]` runs it alone (default 50,000 impact rows; at
 * 60,000 008's view runs out of memory, so it is left out above 30,000).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom } from '../shared/runtime/seeded-random.ts';
import { openStore } from '../shared/store/clickhouse-store.ts';
import { MIGRATIONS_DIR, migrate, parseMigration } from '../shared/store/migrate.ts';
import { msToClickHouseTime } from '../shared/contracts/time.ts';
import { quoteIdent } from '../shared/store/port.ts';
import type { Report } from './report.ts';

const HORIZONS = [
  ['1m', 60],
  ['5m', 300],
  ['15m', 900],
  ['30m', 1800],
  ['60m', 3600],
  ['1d', 86400],
] as const;
const TOPICS = ['opec', 'sanctions', 'mediation', 'shipping', 'refining', 'inventories', 'military', 'ceasefire'];

/** Articles spread over 300 days, 30% with a second topic, 20 estimation windows per row. */
function rows(count: number): Record<string, unknown>[] {
  const rnd = seededRandom(13);
  const t0 = Date.UTC(2025, 0, 1);
  const out: Record<string, unknown>[] = [];
  for (let a = 0; out.length < count; a++) {
    const t = t0 + Math.floor(rnd() * 300 * 86_400_000);
    const topics = [TOPICS[a % 8], ...(rnd() < 0.3 ? [TOPICS[(a + 3) % 8]] : [])];
    for (const [horizon, seconds] of HORIZONS) {
      const ar = (rnd() - 0.45) * 30;
      out.push({
        article_id: `a${a}`,
        symbol: 'BENCH',
        horizon,
        horizon_seconds: seconds,
        published_at: msToClickHouseTime(t),
        event_ts: msToClickHouseTime(t),
        pre_ts: msToClickHouseTime(t),
        pre_price: 80,
        post_ts: msToClickHouseTime(t + seconds * 1000),
        post_price: 80,
        return_bps: ar,
        abnormal_bps: ar,
        z: ar / 6,
        pre_vol_bps: 6,
        title: 'x',
        source: ['wire', 'desk', 'feed'][a % 3],
        topics,
        oil_direction: ['bullish', 'bearish', 'neutral'][a % 3],
        relevance: 60,
        computed_at: msToClickHouseTime(t),
        version: 1,
        estimation_windows: 20,
        sar: ar / 6 / Math.sqrt(1.05),
        estimation_ar_bps: Array.from({ length: 20 }, () => (rnd() - 0.5) * 20),
      });
    }
  }
  return out;
}

async function medianMs(fn: () => Promise<unknown>, runs = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export async function benchImpactTests(report: Report, options: { rows?: number } = {}): Promise<void> {
  const count = options.rows ?? 50_000;
  const store = await openStore({ path: ':memory:', database: `bench_tests_${process.pid}` });
  try {
    await migrate(store);
    const db = quoteIdent(store.database);
    // Earlier migrations' views under other names: the baselines, on the same rows.
    for (const [file, name] of [
      ['008_event_tests.sql', 'impact_tests_008'],
      ['013_impact_event_tests.sql', 'impact_tests_013'],
    ]) {
      const old = parseMigration(file, readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
      const view = old.statements.find((s) => s.includes('VIEW {db}.impact_tests AS'))!;
      await store.command(view.replace('VIEW {db}.impact_tests AS', `VIEW {db}.${name} AS`).replaceAll('{db}', db));
    }
    await store.insert('impact_store', rows(count));
    const read = (name: string) => () => store.query(`SELECT * FROM ${store.table(name)}`);
    const groups = await store.query<{ events: string; boot_draws: string }>(`SELECT events, boot_draws FROM ${store.table('impact_tests')}`);
    const draws = groups.reduce((s, g) => s + 999 * Number(g.boot_draws), 0);
    const label = `${count} impact rows, ${groups.length} groups`;
    if (count <= 30_000) {
      const name = `baseline: 008 impact_tests (t, BMP, KP), ${label} (ms)`;
      report({ name, value: await medianMs(read('impact_tests_008')), unit: 'ms' });
    }
    const baseline = `baseline: 013 impact_tests (all tests but the bootstrap, q-values, agreement), ${label} (ms)`;
    const base = await medianMs(read('impact_tests_013'));
    report({ name: baseline, value: base, unit: 'ms' });
    const full = await medianMs(read('impact_tests'));
    report({ name: `014 impact_tests (013 and the bootstrap, ${draws} draws), ${label} (ms)`, value: full, unit: 'ms', baseline, ratio: full / base });
    const boot = await medianMs(read('impact_bootstrap'));
    report({ name: `014 impact_bootstrap alone (p_boot per group), ${label} (ms)`, value: boot, unit: 'ms', baseline, ratio: boot / base });
  } finally {
    await store.command(`DROP DATABASE IF EXISTS ${quoteIdent(store.database)}`);
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = process.argv[2] ? Number(process.argv[2]) : undefined;
  await benchImpactTests((row) => console.log(`${row.name.padEnd(80)} ${row.value.toFixed(0).padStart(8)} ${row.unit}${row.ratio === undefined ? '' : `  (${row.ratio.toFixed(2)}x ${row.baseline})`}`), { rows: count });
}
