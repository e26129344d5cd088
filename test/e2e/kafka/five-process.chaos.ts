/**
 * The five-process Kafka pipeline under randomized faults (`npm run chaos:kafka5`, not part of
 * `npm test`): ingest-news, ingest-prices, scorer, correlator and api each run as their own process
 * (`oilwire run <service> --kafka <bootstrap>`, each with a data folder it keeps across restarts)
 * against a 3-broker dev broker that outlives them all. A local feed reveals unique items at a
 * steady pace (ETags, 304 to the current one); while it does, processes are killed (kill -9, some
 * SIGTERM) at moments drawn from a printed seed and started again after a drawn pause, and one
 * broker goes down for a while. At the end every stage is counted on the wire (kcat) and in the
 * correlator's store: no id may be missing at any stage, duplicates on the topics are counted
 * (at-least-once) and the store must hold each news row and each (article, horizon) once.
 *
 * OILWIRE_CHAOS_ITEMS (600), OILWIRE_CHAOS_KILLS (5: each service once, in drawn order, then drawn
 * victims), OILWIRE_CHAOS_SEED (printed), OILWIRE_CHAOS_BROKER_DOWN_MS (4000),
 * OILWIRE_CHAOS_REPORT (a file the report is appended to).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevBroker, type DevBroker } from '../../../shared/bus/dev-broker.ts';
import { TOPICS } from '../../../shared/contracts/events.ts';
import { articleId } from '../../../shared/contracts/ids.ts';
import { seededRandom } from '../../../shared/runtime/seeded-random.ts';
import { openStore } from '../../../shared/store/clickhouse-store.ts';
import { serveRevealingFeed } from '../../helpers/revealing-feed.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { brokerAdmin, committedCount, drained, topicCount } from '../../integration/kafka/helpers.ts';
import { kcatRead, killAll, startCli, tempDir, type CliProcess } from './helpers.ts';

const ITEMS = Number(process.env.OILWIRE_CHAOS_ITEMS ?? 600);
const KILLS = Number(process.env.OILWIRE_CHAOS_KILLS ?? 5);
const SEED = Number(process.env.OILWIRE_CHAOS_SEED ?? Math.floor(Math.random() * 1e9));
const BROKER_DOWN_MS = Number(process.env.OILWIRE_CHAOS_BROKER_DOWN_MS ?? 4_000);
const SERVICES = ['ingest-news', 'ingest-prices', 'scorer', 'correlator', 'api'] as const;
type Service = (typeof SERVICES)[number];
const HORIZONS = ['1m', '5m'];
const FEED = 'chaos5-wire';
/**
 * The feed reveals STEP items every REVEAL_MS, the whole feed over REVEAL_SPAN_MS: about as long as the
 * faults take (a restart is about 10 s on a loaded 2-core box), so that every kill finds work in flight.
 */
const REVEAL_MS = 1_000;
const REVEAL_SPAN_MS = Math.max(40_000, KILLS * 15_000);
const STEP = Math.max(1, Math.ceil(ITEMS / (REVEAL_SPAN_MS / REVEAL_MS)));
const T0 = Date.parse('2026-06-01T10:00:00Z');

const random = seededRandom(SEED);
const guid = (i: number) => `chaos5-${i}`;
const expectedIds = Array.from({ length: ITEMS }, (_, i) => articleId({ guid: guid(i), source: FEED }));

/** Titles of made-up words: unique and unlike each other, so no content identity calls two of them one story. */
const TITLES = (() => {
  const r = seededRandom(5);
  const syl = ['ka', 'lo', 'mi', 'ru', 'te', 'zo', 'van', 'pel', 'dri', 'su', 'no', 'bex', 'qua', 'tor', 'yl', 'fen'];
  const word = () => Array.from({ length: 2 + Math.floor(r() * 3) }, () => syl[Math.floor(r() * syl.length)]).join('');
  const out = new Set<string>();
  while (out.size < ITEMS) out.add(`${word()} ${word()} ${word()} ${word()} ${word()} wire ${out.size}`);
  return [...out];
})();

const feed = { revealed: 0, full: 0, notModified: 0 };
let broker: DevBroker | undefined;
let admin: Admin | undefined;

afterAll(async () => {
  await killAll();
  await admin?.disconnect();
  await broker?.stop();
  await closeFeed?.();
});

let closeFeed: (() => Promise<void>) | undefined;
async function startFeedServer(): Promise<string> {
  const served = await serveRevealingFeed(feed, (revealed) => {
    const items: string[] = [];
    for (let i = revealed - 1; i >= 0; i--) {
      items.push(`<item><title>${TITLES[i]}</title><link>https://chaos5.invalid/${i}</link><guid isPermaLink="false">${guid(i)}</guid><pubDate>${new Date(T0 + i * 1000).toUTCString()}</pubDate><description>item ${i}</description></item>`);
    }
    return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>chaos5</title><link>https://chaos5.invalid/</link><description>five processes</description>${items.join('')}</channel></rss>`;
  });
  closeFeed = served.close;
  return served.url;
}

const TICK_TIMES: number[] = [];
for (let t = T0 - 10 * 60_000; t <= T0 + ITEMS * 1000 + 15 * 60_000; t += 10_000) TICK_TIMES.push(t);
const expectedTicks = TICK_TIMES.map((t) => `BRENT|${t}`);

function ticksCsv(): string {
  const lines = ['ts,symbol,price,size', ...TICK_TIMES.map((t, k) => `${new Date(t).toISOString()},BRENT,${(80 + Math.sin(k / 7)).toFixed(3)},1`)];
  return `${lines.join('\n')}\n`;
}

interface Fault {
  victim: Service;
  signal: 'SIGKILL' | 'SIGTERM';
  /** Drawn: after the previous fault's restart, how long to wait before striking. */
  afterMs: number;
  /** Drawn: how long the victim stays down. */
  downMs: number;
}

function plan(): { faults: Fault[]; brokerAtMs: number; brokerId: number } {
  const order = [...SERVICES].sort(() => random() - 0.5);
  const victims: Service[] = Array.from({ length: KILLS }, (_, i) => (i < order.length ? order[i] : SERVICES[Math.floor(random() * SERVICES.length)]));
  const faults: Fault[] = victims.map((victim) => ({ victim, signal: random() < 0.3 ? 'SIGTERM' : 'SIGKILL', afterMs: Math.round(500 + random() * 4_000), downMs: Math.round(random() * 2_000) }));
  // At least one graceful stop among the faults (it must exit 0 and hand over cleanly), the last one if none was drawn.
  if (faults.length > 1 && faults.every((f) => f.signal === 'SIGKILL')) faults[faults.length - 1].signal = 'SIGTERM';
  return { faults, brokerAtMs: Math.round(3_000 + random() * REVEAL_SPAN_MS * 0.6), brokerId: 1 + Math.floor(random() * 3) };
}

const ids = (records: { payload: string | null }[], key: (v: Record<string, unknown>) => string) => records.map((r) => key(JSON.parse(r.payload ?? '{}') as Record<string, unknown>));

function stage(name: string, keys: string[], expected: string[]): { line: string; missing: string[]; distinct: number } {
  const got = new Set(keys);
  const missing = expected.filter((k) => !got.has(k));
  return { line: `${name.padEnd(22)} records ${String(keys.length).padStart(6)}, distinct ${String(got.size).padStart(6)}, duplicates ${String(keys.length - got.size).padStart(5)}, missing ${missing.length}${missing.length ? ` (first: ${missing.slice(0, 5).join(', ')})` : ''}`, missing, distinct: got.size };
}

describe(`five processes on Kafka, ${KILLS} kills and a broker outage during a ${ITEMS}-item ingest (seed ${SEED})`, () => {
  it('every stage carries every id, the store holds each news row and each measurement once', { timeout: 1_200_000 }, async () => {
    const feedUrl = await startFeedServer();
    broker = await startDevBroker({ brokers: 3 });
    admin = await brokerAdmin(broker.brokers);
    const root = tempDir('chaos5');
    const csv = join(root, 'ticks.csv');
    writeFileSync(csv, ticksCsv());
    const configFile = join(root, 'oilwire.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        ingestNews: {
          feeds: [{ url: feedUrl, name: FEED }],
          pollIntervalSec: 1,
          maxItemsPerFeed: ITEMS,
          http: { allowPrivate: ['127.0.0.1/32'] },
          schedule: { minIntervalSec: 0.5, maxIntervalSec: 1, jitter: 0, backoffBaseSec: 0.5, backoffMaxSec: 1 },
        },
        ingestPrices: { sources: [{ kind: 'csv', path: csv, symbol: 'BRENT' }] },
        correlator: { symbols: ['BRENT'], horizons: HORIZONS, calendar: { kind: 'always' }, indicators: null, volatilityWindows: 2, evaluateEveryMs: 1000 },
        api: { port: 0 },
        // A killed member's partitions go to its successor after the session timeout: short, so each restart does not wait 30 s.
        bus: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000 },
      }),
    );
    const dataDirs = Object.fromEntries(SERVICES.map((s) => [s, tempDir(s)])) as Record<Service, string>;
    const procs = {} as Record<Service, CliProcess>;
    const start = async (s: Service) => {
      procs[s] = startCli(['--config', configFile, 'run', s, '--kafka', broker!.bootstrap], { name: s, dataDir: dataDirs[s] });
      await procs[s].line(/^oilwire running: /, 120_000);
    };
    const tails = () => SERVICES.map((s) => procs[s]?.tail() ?? '').join('\n');
    const seen = () => {
      try {
        return readFileSync(join(dataDirs['ingest-news'], 'ingest-news', 'seen.log'), 'utf8').split('\n').length - 1;
      } catch {
        return 0;
      }
    };

    /** Work in flight as the wire shows it: what the scorer and the correlator have committed of their input. */
    const wire = async () => {
      const head = `feed ${feed.revealed}, seen ${seen()}`;
      try {
        const [raw, scorerAt, scored, correlatorAt] = await Promise.all([
          topicCount(admin!, TOPICS.newsRaw),
          committedCount(admin!, 'oilwire-scorer', TOPICS.newsRaw),
          topicCount(admin!, TOPICS.newsScored),
          committedCount(admin!, 'oilwire-correlator-news', TOPICS.newsScored),
        ]);
        return `${head}, news.raw ${raw} (scorer committed ${scorerAt}), news.scored ${scored} (correlator committed ${correlatorAt})`;
      } catch (err) {
        // A broker that is down can make the offsets unreadable for a moment: the fault goes on regardless.
        return `${head}, offsets unreadable (${(err as Error).message})`;
      }
    };
    const { faults, brokerAtMs, brokerId } = plan();
    const report: string[] = [
      `seed ${SEED}; plan: ${faults.map((f) => `${f.signal === 'SIGKILL' ? 'kill -9' : 'SIGTERM'} ${f.victim} +${f.afterMs} ms, down ${f.downMs} ms`).join('; ')}; broker ${brokerId} down ${BROKER_DOWN_MS} ms at +${brokerAtMs} ms`,
    ];
    const t0 = Date.now();
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
    try {
      await Promise.all(SERVICES.map(start));
      report.push(`${at()} five processes running`);
      const reveal = setInterval(() => {
        feed.revealed = Math.min(ITEMS, feed.revealed + STEP);
        if (feed.revealed === ITEMS) clearInterval(reveal);
      }, REVEAL_MS);
      const outage = (async () => {
        await new Promise((r) => setTimeout(r, brokerAtMs));
        report.push(`${at()} broker ${brokerId} down (${await wire()})`);
        await broker!.brokerDown(brokerId);
        await new Promise((r) => setTimeout(r, BROKER_DOWN_MS));
        await broker!.brokerUp(brokerId);
        report.push(`${at()} broker ${brokerId} up`);
      })();
      for (const f of faults) {
        await new Promise((r) => setTimeout(r, f.afterMs));
        const p = procs[f.victim];
        const before = await wire();
        await p.kill(f.signal);
        const end = await p.exited;
        report.push(`${at()} ${f.signal === 'SIGKILL' ? 'kill -9' : 'SIGTERM'} ${f.victim} (pid ${p.pid}; ${before}); exit ${end.code ?? end.signal}`);
        if (f.signal === 'SIGTERM') expect(end, `${f.victim}: a graceful stop exits 0\n${p.tail()}`).toEqual({ code: 0, signal: null });
        await new Promise((r) => setTimeout(r, f.downMs));
        await start(f.victim);
        report.push(`${at()} ${f.victim} running again (pid ${procs[f.victim].pid})`);
      }
      await outage;
      await waitFor(() => feed.revealed === ITEMS, { timeoutMs: 120_000, intervalMs: 200, message: 'the feed to be revealed to its end' });

      // Undisturbed from here: every stage must catch up.
      const progress = { seen: 0, impactPairs: 0 };
      await waitFor(
        async () => {
          for (const s of SERVICES) if (!procs[s].running) throw new Error(`${s} exited\n${procs[s].tail()}`);
          progress.seen = seen();
          if (progress.seen < ITEMS || feed.notModified === 0) return false;
          if (!(await drained(admin!, 'oilwire-scorer', TOPICS.newsRaw))) return false;
          const impacts = ids(await kcatRead(broker!.bootstrap, TOPICS.newsImpact), (v) => `${String(v.article_id)}|${String(v.horizon)}`);
          progress.impactPairs = new Set(impacts).size;
          return progress.impactPairs >= ITEMS * HORIZONS.length;
        },
        { timeoutMs: Math.max(180_000, ITEMS * 200), intervalMs: 2_000, message: () => `every stage to catch up: ${JSON.stringify(progress)}, feed ${JSON.stringify(feed)}\n${tails()}` },
      );
      report.push(`${at()} caught up: seen ${progress.seen}, feed answers ${feed.full} (304: ${feed.notModified})`);
      await waitFor(() => drained(admin!, 'oilwire-correlator-news', TOPICS.newsScored), { timeoutMs: 60_000, intervalMs: 250, message: () => `the correlator to commit news.scored\n${tails()}` });
      const api = /dashboard and API at (\S+)/.exec(procs.api.stdout.join('\n'))?.[1];
      expect(api).toBeDefined();
      await waitFor(async () => (await fetch(new URL('/readyz', api))).status === 200, { timeoutMs: 60_000, intervalMs: 500, message: () => `the api to be ready\n${procs.api.tail()}` });

      // The wire, read by an independent client: every id at every stage; copies counted, not failed (at-least-once).
      const expectedPairs = expectedIds.flatMap((id) => HORIZONS.map((h) => `${id}|${h}`));
      const raw = stage('news.raw', ids(await kcatRead(broker.bootstrap, TOPICS.newsRaw), (v) => String(v.id)), expectedIds);
      const scored = stage('news.scored', ids(await kcatRead(broker.bootstrap, TOPICS.newsScored), (v) => String(v.id)), expectedIds);
      const impact = stage('news.impact', ids(await kcatRead(broker.bootstrap, TOPICS.newsImpact), (v) => `${String(v.article_id)}|${String(v.horizon)}`), expectedPairs);
      const tickKeys = ids(await kcatRead(broker.bootstrap, TOPICS.pricesTicks), (v) => `${String(v.symbol)}|${Date.parse(String(v.ts))}`);
      const ticks = stage('prices.ticks', tickKeys, expectedTicks);
      report.push(raw.line, scored.line, impact.line, ticks.line);
      for (const s of SERVICES) {
        await procs[s].kill('SIGTERM');
        expect(await procs[s].exited, `${s}: the final graceful stop exits 0\n${procs[s].tail()}`).toEqual({ code: 0, signal: null });
      }

      // The correlator's store, opened once its process is gone.
      const store = await openStore({ path: dataDirs.correlator, database: 'oilwire' });
      try {
        const [before] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('news_store')}`);
        await store.command(`OPTIMIZE TABLE ${store.table('news_store')} FINAL`);
        await store.command(`OPTIMIZE TABLE ${store.table('impact_store')} FINAL`);
        const newsIds = (await store.query<{ id: string }>(`SELECT id FROM ${store.table('news_store')}`)).map((r) => r.id);
        const pairs = (await store.query<{ k: string }>(`SELECT concat(article_id, '|', horizon) AS k FROM ${store.table('impact')}`)).map((r) => r.k);
        const news = stage('store news', newsIds, expectedIds);
        const impacts = stage('store impact', pairs, expectedPairs);
        const storedTicks = stage('store ticks', (await store.query<{ k: string }>(`SELECT concat(symbol, '|', toString(toUnixTimestamp64Milli(ts))) AS k FROM ${store.table('ticks')}`)).map((r) => r.k), expectedTicks);
        report.push(`${news.line} (raw rows before merge ${before.n})`, impacts.line, storedTicks.line);
        expect(raw.missing).toEqual([]);
        expect(scored.missing).toEqual([]);
        expect(impact.missing).toEqual([]);
        expect(news.missing).toEqual([]);
        expect(newsIds.length).toBe(ITEMS);
        expect(news.distinct).toBe(ITEMS);
        expect(impacts.missing).toEqual([]);
        expect(pairs.length).toBe(ITEMS * HORIZONS.length);
        expect(impacts.distinct).toBe(ITEMS * HORIZONS.length);
        expect(ticks.missing).toEqual([]);
        expect(storedTicks.missing).toEqual([]);
        expect(storedTicks.distinct).toBe(expectedTicks.length);
      } finally {
        await store.close();
      }
    } finally {
      const text = `five-process Kafka chaos report (${ITEMS} items, ${KILLS} faults, dev broker of 3):\n  ${report.join('\n  ')}\n`;
      process.stdout.write(text);
      if (process.env.OILWIRE_CHAOS_REPORT) appendFileSync(process.env.OILWIRE_CHAOS_REPORT, text);
    }
  });
});
