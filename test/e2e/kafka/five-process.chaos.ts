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
 * Store faults, put among the kills at drawn places: the correlator's data folder (its chDB store) lives on a
 * small tmpfs the test mounts (root), and
 * - a full disk (OILWIRE_CHAOS_DISK_FULL moments): filled to 4 kB left for a drawn 3-8 s, topped up while the
 *   correlator keeps writing, then freed; its inserts fail with NOT_ENOUGH_SPACE and must be retried, never
 *   dead-lettered;
 * - a damaged part (OILWIRE_CHAOS_STORE_DAMAGE moments): the skip-index marks file of a merged `news_store` part
 *   whose source parts are still on disk is cut to 0 bytes under the running correlator (what a merge caught by a
 *   full disk leaves, docs/reliability.md); its content lookups fail with CORRUPTED_DATA until the store has the
 *   engine move the part aside. The report gives the correlator's own log of it (found, moved aside).
 * Every dead-letter topic is read at the end: none may hold a record.
 *
 * OILWIRE_CHAOS_ITEMS (600), OILWIRE_CHAOS_KILLS (5: each service once, in drawn order, then drawn
 * victims), OILWIRE_CHAOS_SEED (printed), OILWIRE_CHAOS_BROKER_DOWN_MS (4000), OILWIRE_CHAOS_DISK_FULL (1),
 * OILWIRE_CHAOS_STORE_DAMAGE (1), OILWIRE_CHAOS_REPORT (a file the report is appended to).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevBroker, type DevBroker } from '../../../shared/bus/dev-broker.ts';
import { TOPICS, dlqTopic } from '../../../shared/contracts/events.ts';
import { articleId } from '../../../shared/contracts/ids.ts';
import { seededRandom } from '../../../shared/runtime/seeded-random.ts';
import { openStore } from '../../../shared/store/clickhouse-store.ts';
import { mountSmallDisk, type SmallDisk } from '../../helpers/full-disk.ts';
import { serveRevealingFeed } from '../../helpers/revealing-feed.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { brokerAdmin, committedCount, drained, topicCount } from '../../integration/kafka/helpers.ts';
import { kcatRead, killAll, startCli, tempDir, type CliProcess, type LogLine } from './helpers.ts';

const ITEMS = Number(process.env.OILWIRE_CHAOS_ITEMS ?? 600);
const KILLS = Number(process.env.OILWIRE_CHAOS_KILLS ?? 5);
const SEED = Number(process.env.OILWIRE_CHAOS_SEED ?? Math.floor(Math.random() * 1e9));
const BROKER_DOWN_MS = Number(process.env.OILWIRE_CHAOS_BROKER_DOWN_MS ?? 4_000);
const DISK_FULL = Number(process.env.OILWIRE_CHAOS_DISK_FULL ?? 1);
const STORE_DAMAGE = Number(process.env.OILWIRE_CHAOS_STORE_DAMAGE ?? 1);
/** The correlator's data folder peaks at a few MB for 600 items; the tmpfs leaves it room to merge, and the filler the rest. */
const DISK_MB = Math.max(64, Math.ceil(ITEMS * 0.024));
const LEAVE_BYTES = 4096;
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
/**
 * Items each store fault keeps back from the timer and reveals itself once the fault is in place: restarts on a
 * loaded box can take the timer's reveal past its end before a later fault, which would then find no work in flight.
 */
const STORE_SLICE = Math.max(5, Math.ceil(ITEMS * 0.05));
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
let disk: SmallDisk | undefined;

afterAll(async () => {
  await killAll();
  await admin?.disconnect();
  await broker?.stop();
  await closeFeed?.();
  disk?.remove();
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

interface Kill {
  kind: 'kill';
  victim: Service;
  signal: 'SIGKILL' | 'SIGTERM';
  /** Drawn: after the previous fault's restart, how long to wait before striking. */
  afterMs: number;
  /** Drawn: how long the victim stays down. */
  downMs: number;
}
/** The correlator's disk full for `holdMs`, or one of its store's merged parts damaged. */
interface StoreFault {
  kind: 'disk-full' | 'store-damage';
  afterMs: number;
  holdMs: number;
}
type Fault = Kill | StoreFault;

function plan(): { faults: Fault[]; brokerAtMs: number; brokerId: number } {
  const order = [...SERVICES].sort(() => random() - 0.5);
  const victims: Service[] = Array.from({ length: KILLS }, (_, i) => (i < order.length ? order[i] : SERVICES[Math.floor(random() * SERVICES.length)]));
  const kills: Kill[] = victims.map((victim) => ({ kind: 'kill', victim, signal: random() < 0.3 ? 'SIGTERM' : 'SIGKILL', afterMs: Math.round(500 + random() * 4_000), downMs: Math.round(random() * 2_000) }));
  // At least one graceful stop among the faults (it must exit 0 and hand over cleanly), the last one if none was drawn.
  if (kills.length > 1 && kills.every((f) => f.signal === 'SIGKILL')) kills[kills.length - 1].signal = 'SIGTERM';
  const faults: Fault[] = [...kills];
  // Store faults at drawn places among the kills, never first: the store needs merged parts to damage.
  const store: StoreFault['kind'][] = [...Array<'disk-full'>(DISK_FULL).fill('disk-full'), ...Array<'store-damage'>(STORE_DAMAGE).fill('store-damage')];
  for (const kind of store) faults.splice(1 + Math.floor(random() * faults.length), 0, { kind, afterMs: Math.round(500 + random() * 3_000), holdMs: Math.round(3_000 + random() * 5_000) });
  return { faults, brokerAtMs: Math.round(3_000 + random() * REVEAL_SPAN_MS * 0.6), brokerId: 1 + Math.floor(random() * 3) };
}

const describeFault = (f: Fault) =>
  f.kind === 'kill' ? `${f.signal === 'SIGKILL' ? 'kill -9' : 'SIGTERM'} ${f.victim} +${f.afterMs} ms, down ${f.downMs} ms` : f.kind === 'disk-full' ? `correlator disk full +${f.afterMs} ms for ${f.holdMs} ms` : `correlator store part damaged +${f.afterMs} ms`;

/** A part folder's name: partition, block range, merge level (MergeTree's own naming). */
function partRange(name: string): { min: number; max: number; level: number } | undefined {
  const m = /^all_(\d+)_(\d+)_(\d+)(?:_\d+)?$/.exec(name);
  return m ? { min: Number(m[1]), max: Number(m[2]), level: Number(m[3]) } : undefined;
}

/**
 * The largest merged part of `news_store` (the table with the content skip index) whose source parts are still on disk
 * (outdated, kept a few minutes by the engine) and that no part on disk covers: damaging it loses no row once the
 * engine moves it aside, as in the merge a full disk caught. Its sources: the widest parts inside its block range,
 * from its first block to its last (a block number a deduplicated insert took leaves a gap), with at least its rows.
 */
function mergedPartWithSources(dataDir: string): string | undefined {
  const store = join(dataDir, 'store');
  if (!existsSync(store)) return undefined;
  const dirs = (dir: string) => readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());
  for (const prefix of dirs(store)) {
    for (const uuid of dirs(join(store, prefix))) {
      const table = join(store, prefix, uuid);
      const parts = readdirSync(table).flatMap((name) => {
        const r = partRange(name);
        const count = join(table, name, 'count.txt');
        return r && existsSync(join(table, name, 'skp_idx_content_id_idx.cmrk4')) && existsSync(count) ? [{ name, ...r, rows: Number(readFileSync(count, 'utf8')) }] : [];
      });
      if (parts.length === 0) continue;
      const covers = (o: (typeof parts)[number], p: (typeof parts)[number]) => o !== p && o.min <= p.min && o.max >= p.max && (o.max - o.min > p.max - p.min || o.level > p.level);
      const candidates = parts
        .filter((p) => p.max > p.min && !parts.some((o) => covers(o, p)))
        .filter((p) => {
          const inside = parts.filter((o) => o !== p && o.min >= p.min && o.max <= p.max && covers(p, o));
          const widest = inside.filter((o) => !inside.some((w) => covers(w, o))).sort((a, b) => a.min - b.min);
          if (widest.length < 2 || widest[0].min !== p.min || widest[widest.length - 1].max !== p.max) return false;
          for (let i = 1; i < widest.length; i++) if (widest[i].min <= widest[i - 1].max) return false;
          return widest.reduce((n, o) => n + o.rows, 0) >= p.rows;
        })
        // The largest: the engine merges parts of like sizes, so it is the one least likely to be merged away before it is read.
        .sort((a, b) => b.rows - a.rows);
      if (candidates.length > 0) return join(table, candidates[0].name);
    }
  }
  return undefined;
}

const ids = (records: { payload: string | null }[], key: (v: Record<string, unknown>) => string) => records.map((r) => key(JSON.parse(r.payload ?? '{}') as Record<string, unknown>));

function stage(name: string, keys: string[], expected: string[]): { line: string; missing: string[]; distinct: number } {
  const got = new Set(keys);
  const missing = expected.filter((k) => !got.has(k));
  return { line: `${name.padEnd(22)} records ${String(keys.length).padStart(6)}, distinct ${String(got.size).padStart(6)}, duplicates ${String(keys.length - got.size).padStart(5)}, missing ${missing.length}${missing.length ? ` (first: ${missing.slice(0, 5).join(', ')})` : ''}`, missing, distinct: got.size };
}

describe(`five processes on Kafka, ${KILLS} kills, ${DISK_FULL} full disk, ${STORE_DAMAGE} damaged store part and a broker outage during a ${ITEMS}-item ingest (seed ${SEED})`, () => {
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
    if (DISK_FULL + STORE_DAMAGE > 0) {
      disk = mountSmallDisk(DISK_MB, 'oilwire-chaos5-disk-');
      dataDirs.correlator = join(disk.dir, 'correlator');
      mkdirSync(dataDirs.correlator);
    }
    const procs = {} as Record<Service, CliProcess>;
    /** Log lines of every run of a service, its earlier processes' too. */
    const pastLogs = Object.fromEntries(SERVICES.map((s) => [s, [] as LogLine[]])) as Record<Service, LogLine[]>;
    const logsOf = (s: Service) => [...pastLogs[s], ...(procs[s]?.logs ?? [])];
    const start = async (s: Service) => {
      if (procs[s]) pastLogs[s].push(...procs[s].logs);
      // The correlator serves its /readyz on an ops port (a new free one each run), so the store faults can be probed.
      const ops = s === 'correlator' ? ['--ops-port', '0'] : [];
      procs[s] = startCli(['--config', configFile, 'run', s, '--kafka', broker!.bootstrap, ...ops], { name: s, dataDir: dataDirs[s] });
      // A deadline, not a timing: five processes starting at once on a shared 2-core box took up to 112 s, a restart 55 s.
      await procs[s].line(/^oilwire running: /, 300_000);
    };
    /** The running correlator's /readyz: its status and failing checks, or why it did not answer. */
    const correlatorReadiness = async (): Promise<{ status: number; failing: string[] } | string> => {
      const url = [...procs.correlator.stdout].reverse().map((l) => /ops endpoints \(.*\) at (\S+)/.exec(l)?.[1]).find(Boolean);
      if (!url) return 'no ops port printed';
      try {
        const res = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(3_000) });
        const body = (await res.json()) as { checks: Record<string, boolean> };
        return { status: res.status, failing: Object.entries(body.checks).filter(([, ok]) => !ok).map(([name]) => name) };
      } catch (err) {
        return `unreachable (${(err as Error).message})`;
      }
    };
    const readinessText = (r: Awaited<ReturnType<typeof correlatorReadiness>>) => (typeof r === 'string' ? r : r.status === 200 ? '200 ready' : `${r.status} not ready (${r.failing.join(', ')})`);
    /** /readyz of the correlator while its disk was full (after it met the fault) and after the space came back. */
    const readinessWhileFull: { full: string; after: string; fullOk: boolean }[] = [];
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
      `seed ${SEED}; plan: ${faults.map(describeFault).join('; ')}; broker ${brokerId} down ${BROKER_DOWN_MS} ms at +${brokerAtMs} ms${disk ? `; the correlator's data folder on a ${DISK_MB} MB tmpfs` : ''}`,
    ];
    const t0 = Date.now();
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
    /** What the correlator logged from `from` on: store retries by code, lines naming the full disk, the store's damage lines. */
    const correlatorSince = (from: number) => {
      const lines = logsOf('correlator').slice(from);
      const text = (l: LogLine) => JSON.stringify(l);
      const retries = lines.filter((l) => l.msg === 'batch failed, retrying');
      const byCode = new Map<string, number>();
      for (const l of retries) {
        const code = String((l.err as { code?: string } | undefined)?.code ?? 'unknown');
        byCode.set(code, (byCode.get(code) ?? 0) + 1);
      }
      return {
        retries: [...byCode].map(([c, n]) => `${c} ${n}`).join(', ') || 'none logged',
        fullDisk: lines.filter((l) => /not enough space|NOT_ENOUGH_SPACE|ENOSPC/i.test(text(l))).length,
        found: lines.filter((l) => /damaged data part/.test(String(l.msg))),
        // Moved aside by the engine, or (a damage only of skip indexes) rebuilt in place: either is the store's repair.
        repaired: lines.filter((l) => /damaged parts moved aside|damaged skip indexes rebuilt/.test(String(l.msg))),
        failedRepair: lines.filter((l) => /damaged parts not repaired/.test(String(l.msg))),
        deadLetters: lines.filter((l) => l.msg === 'messages moved to the dead-letter topic').length,
      };
    };
    const storeTotals = { diskFull: 0, damaged: 0, damageRepaired: 0 };
    /** What the timer may reveal: all but the store faults' slices until each has revealed its own. */
    let revealCap = ITEMS - (DISK_FULL + STORE_DAMAGE) * STORE_SLICE;
    const revealSlice = (n = STORE_SLICE) => {
      revealCap += n;
      feed.revealed = Math.min(revealCap, feed.revealed + n);
    };

    /** The correlator's disk full for `holdMs` (the filler topped up as it writes), then freed. */
    const diskFull = async (holdMs: number): Promise<string> => {
      const from = logsOf('correlator').length;
      const before = await wire();
      const t1 = Date.now();
      let filled = disk!.fill(LEAVE_BYTES);
      revealSlice();
      // Full for the drawn time and at least until the correlator has met it (a logged retry), at most 90 s.
      const met = () => {
        const s = correlatorSince(from);
        return s.retries !== 'none logged' || s.fullDisk > 0;
      };
      while (Date.now() - t1 < holdMs || (!met() && Date.now() - t1 < 90_000)) {
        await new Promise((r) => setTimeout(r, 250));
        filled += disk!.fill(LEAVE_BYTES);
      }
      // Still full, and the correlator has met it: its readiness must say so (unless it met it by dying).
      const full = met() && procs.correlator.running ? await correlatorReadiness() : 'not probed (fault not met by a running correlator)';
      const left = disk!.available();
      disk!.free();
      const held = (Date.now() - t1) / 1000;
      storeTotals.diskFull++;
      // The correlator logs its retries as they happen; a moment for the last ones to arrive.
      await new Promise((r) => setTimeout(r, 1_000));
      const seenBy = correlatorSince(from);
      const freedAt = Date.now();
      const after = procs.correlator.running
        ? await waitFor(async () => { const r = await correlatorReadiness(); return typeof r !== 'string' && r.status === 200 && r; }, { timeoutMs: 60_000, intervalMs: 250, message: 'ready' })
            .then(() => `200 ready ${((Date.now() - freedAt) / 1000).toFixed(1)} s after the space came back`)
            .catch(async () => `still ${readinessText(await correlatorReadiness())} 60 s after`)
        : 'not probed (correlator not running)';
      const fullOk = typeof full === 'string' ? full.startsWith('not probed') : full.status === 503 && full.failing.includes('writes');
      readinessWhileFull.push({ full: readinessText(full), after, fullOk });
      return `correlator disk full ${held.toFixed(1)} s (filler ${(filled / 2 ** 20).toFixed(1)} MB of ${DISK_MB} MB, ${left} B left at the end; ${before}): correlator retries ${seenBy.retries}, ${seenBy.fullDisk} log lines naming the full disk, ${seenBy.found.length} damage reports, ${seenBy.deadLetters} dead-letter lines; /readyz while full: ${readinessText(full)}; freed, then /readyz ${after}`;
    };

    /**
     * Cuts the content skip index's marks of a merged news_store part to 0 bytes and follows the correlator's repair.
     * The engine merges small parts away within seconds (a merge rebuilds the index, so the damage would vanish
     * unread): up to three tries, each revealing a third of the slice, waiting until ingest has it, and then cutting
     * the largest merged part, so that the correlator's next content lookup comes within seconds.
     */
    const storeDamage = async (): Promise<string> => {
      const from = logsOf('correlator').length;
      const tries = 3;
      const piece = Math.ceil(STORE_SLICE / tries);
      let revealed = 0;
      const cuts: string[] = [];
      let t1 = Date.now();
      let outcome = correlatorSince(from);
      for (let i = 0; i < tries; i++) {
        const seenBefore = seen();
        const n = Math.min(piece, STORE_SLICE - revealed);
        revealSlice(n);
        revealed += n;
        await waitFor(() => seen() > seenBefore, { timeoutMs: 60_000, intervalMs: 50, message: 'ingest to take the slice' }).catch(() => undefined);
        const part = await waitFor(() => mergedPartWithSources(dataDirs.correlator), { timeoutMs: 30_000, intervalMs: 100, message: 'a merged news_store part whose sources are on disk' }).catch(() => undefined);
        if (!part) continue;
        const marks = join(part, 'skp_idx_content_id_idx.cmrk4');
        const size = statSync(marks).size;
        truncateSync(marks, 0);
        t1 = Date.now();
        cuts.push(`${part.split('/').slice(-1)[0]} (${size} to 0 B)`);
        outcome = await waitFor(
          () => {
            const seenBy = correlatorSince(from);
            return (seenBy.found.length > 0 || !procs.correlator.running) && seenBy;
          },
          { timeoutMs: 30_000, intervalMs: 100, message: 'the correlator to meet the damaged part' },
        ).catch(() => correlatorSince(from));
        if (outcome.found.length > 0) break;
      }
      if (revealed < STORE_SLICE) revealSlice(STORE_SLICE - revealed);
      if (cuts.length === 0) return 'store damage: no merged news_store part with its sources on disk; nothing damaged';
      let readiness = 'not probed';
      if (outcome.found.length > 0) {
        storeTotals.damaged++;
        // Probed meanwhile: the repair takes about a second, so a 503 with storeIntact false is seen only when a probe falls in it.
        const probes = new Map<string, number>();
        let probing = true;
        const prober = (async () => {
          while (probing && procs.correlator.running) {
            const r = readinessText(await correlatorReadiness());
            probes.set(r, (probes.get(r) ?? 0) + 1);
            await new Promise((res) => setTimeout(res, 100));
          }
        })();
        outcome = await waitFor(
          () => {
            const seenBy = correlatorSince(from);
            return (seenBy.repaired.length > 0 || seenBy.failedRepair.length > 0 || !procs.correlator.running) && seenBy;
          },
          { timeoutMs: 120_000, intervalMs: 100, message: 'the correlator to repair the damaged part' },
        ).catch(() => correlatorSince(from));
        probing = false;
        await prober;
        readiness = [...probes].map(([r, n]) => `${n} x ${r}`).join(', ') || 'no probe answered';
      }
      if (outcome.repaired.length > 0) storeTotals.damageRepaired++;
      const moved = outcome.repaired.flatMap((l) => [...((l.movedAside as string[] | undefined) ?? []), ...((l.rebuiltIndexes as string[] | undefined) ?? []).map((i) => `${i} rebuilt`)]);
      return (
        `store damage: skp_idx_content_id_idx.cmrk4 of ${cuts.join(', then ')} cut under the running correlator; ` +
        `${outcome.found.length ? `found ${((Number(outcome.found[0].time) - t1) / 1000).toFixed(1)} s after the last cut (${String(outcome.found[0].engineError)})` : 'never read before a merge replaced it (not counted)'}, ` +
        `${outcome.repaired.length ? `repaired ${((Number(outcome.repaired[0].time) - t1) / 1000).toFixed(1)} s after it, moved aside: ${moved.join(', ') || 'none'}` : outcome.failedRepair.length ? `NOT repaired: ${JSON.stringify(outcome.failedRepair[0].note)}` : 'no repair logged'}; ` +
        `correlator retries ${outcome.retries}, ${outcome.deadLetters} dead-letter lines; /readyz probes until the repair: ${readiness}`
      );
    };
    try {
      await Promise.all(SERVICES.map(start));
      report.push(`${at()} five processes running`);
      const reveal = setInterval(() => {
        feed.revealed = Math.min(revealCap, feed.revealed + STEP);
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
        if (f.kind !== 'kill') {
          report.push(`${at()} ${f.kind === 'disk-full' ? await diskFull(f.holdMs) : await storeDamage()}`);
          continue;
        }
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
      const dlqs = [TOPICS.newsRaw, TOPICS.newsScored, TOPICS.pricesTicks, TOPICS.newsImpact].map(dlqTopic);
      const dead = Object.fromEntries(await Promise.all(dlqs.map(async (t) => [t, (await kcatRead(broker!.bootstrap, t)).length] as const)));
      report.push(`dead letters: ${Object.entries(dead).map(([t, n]) => `${t} ${n}`).join(', ')}; store faults: ${storeTotals.diskFull} full disk, ${storeTotals.damaged} damaged parts (${storeTotals.damageRepaired} repaired by the running store)`);
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
        expect(dead, 'nothing may be dead-lettered: every fault here is one the pipeline must ride out').toEqual(Object.fromEntries(dlqs.map((t) => [t, 0])));
        expect(storeTotals.damageRepaired, 'each damaged part is moved aside by the running store').toBe(storeTotals.damaged);
        expect(readinessWhileFull.filter((r) => !r.fullOk), "the correlator's /readyz is 503 with writes false while its disk is full").toEqual([]);
        expect(storedTicks.distinct).toBe(expectedTicks.length);
      } finally {
        await store.close();
      }
    } finally {
      const text = `five-process Kafka chaos report (${ITEMS} items, ${KILLS} kills, ${DISK_FULL} full disk, ${STORE_DAMAGE} damaged part, dev broker of 3):\n  ${report.join('\n  ')}\n`;
      process.stdout.write(text);
      if (process.env.OILWIRE_CHAOS_REPORT) appendFileSync(process.env.OILWIRE_CHAOS_REPORT, text);
    }
  });
});
