/**
 * The delivery service's costs, each beside a baseline measured in the same run:
 *  - POST /sql requests/s over HTTP (guard, limits, dedicated connection, JSON) vs the same query straight on the store;
 *  - GET /stream: events/s each of 10 SSE clients receives, and the API process's CPU per event, vs the in-process bus alone
 *    (the clients run in a child process, bench/sse-clients.ts; the old figure, clients inside the API's process, follows);
 *  - signed, persisted webhook deliveries/s to a local receiver vs bare HTTP POSTs/s to it, in rounds of equal work (a cold
 *    pair, then the median of warm pairs).
 * `node bin/run-ts.mjs bench/api.ts` runs it alone.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { MemoryBus } from '../shared/bus/memory-bus.ts';
import { publishEvents } from '../shared/bus/typed.ts';
import { TOPICS, messageKey, type NewsScored } from '../shared/contracts/events.ts';
import { systemClock } from '../shared/runtime/clock.ts';
import { silentLogger } from '../shared/runtime/logger.ts';
import { openStore } from '../shared/store/clickhouse-store.ts';
import { migrate } from '../shared/store/migrate.ts';
import type { Store } from '../shared/store/port.ts';
import { apiConfigSchema, start } from '../services/api/index.ts';
import { percentile, type BenchRow } from './report.ts';
import type { SseClientsMessage } from './sse-clients.ts';
import { endFrameWatcher } from './sse-end-marker.ts';

type Report = (row: BenchRow) => void;

const SECRET = 'whsec_' + Buffer.from('oilwire-bench-secret-0123456789').toString('base64');

/**
 * Process CPU time (every thread: the engine's, V8's, libuv's) per operation, in microseconds. Throughput on
 * the shared 2-core machine swings with the other jobs on it; CPU spent per operation much less, so each
 * stream and webhook figure is also given as a ratio of CPU per operation (baseline's over the figure's).
 */
async function cpuPerOp<T>(ops: number | ((result: T) => number), fn: () => Promise<T>): Promise<{ result: T; cpuUs: number }> {
  const before = process.cpuUsage();
  const result = await fn();
  const used = process.cpuUsage(before);
  return { result, cpuUs: (used.user + used.system) / (typeof ops === 'number' ? ops : ops(result)) };
}

/** Runs `worker` on `concurrency` lanes for `ms` and returns completed operations per second. */
async function throughput(worker: () => Promise<unknown>, concurrency: number, ms: number): Promise<number> {
  let done = 0;
  const until = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await worker();
        done++;
      }
    }),
  );
  return (done * 1000) / (performance.now() - t0);
}

function scored(i: number): NewsScored {
  const at = new Date(Date.UTC(2026, 5, 1, 9) + i * 1000).toISOString();
  return {
    schema: 'news.scored/v1', id: `bench-article-${i}`, source: 'bench', url: null, title: `bench headline ${i}`, summary: '', published_at: at, published_precision: 'time', fetched_at: at, tags: [],
    sentiment: { label: 'neutral', score: 0, confidence: 0.5 }, oil_direction: { label: 'neutral', strength: 0 }, topics: ['opec'], entities: [], relevance: 50, price_report: false, novelty: 100, cluster_id: `c${i}`,
    model: { name: 'bench', version: '1' }, scored_at: at,
  };
}

async function seed(store: Store): Promise<void> {
  const rows = Array.from({ length: 20_000 }, (_, i) => ({
    article_id: `a${i % 4000}`, symbol: 'BRENT', horizon: ['1m', '5m', '15m', '30m', '60m'][i % 5], horizon_seconds: [60, 300, 900, 1800, 3600][i % 5],
    published_at: '2026-06-01 09:00:00', event_ts: '2026-06-01 09:00:00', pre_ts: '2026-06-01 09:00:00', pre_price: 80, post_ts: '2026-06-01 09:05:00', post_price: 80 + (i % 7) / 10,
    return_bps: ((i % 200) - 100) / 2, abnormal_bps: null, z: ((i % 40) - 20) / 5, pre_vol_bps: 10, title: `t${i}`, source: 'bench', topics: [['opec'], ['mediation', 'ceasefire'], ['shipping']][i % 3],
    oil_direction: 'neutral', relevance: 50, computed_at: '2026-06-01 10:00:00', version: 0,
  }));
  for (let i = 0; i < rows.length; i += 5000) await store.insert('impact_store', rows.slice(i, i + 5000));
}

/** The groups of this bench; `npm run bench -- --only api-stream` (or api-sql, api-webhooks) runs one of them. */
export type ApiBenchPart = 'sql' | 'stream' | 'webhooks';

export async function benchApi(report: Report, options: { seconds?: number; parts?: ApiBenchPart[] } = {}): Promise<void> {
  const ms = (options.seconds ?? 3) * 1000;
  const parts = new Set<ApiBenchPart>(options.parts ?? ['sql', 'stream', 'webhooks']);
  const store = await openStore({ path: ':memory:', database: 'bench_api' });
  const bus = new MemoryBus();
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  try {
    await migrate(store);
    if (parts.has('sql')) await seed(store);
    const config = apiConfigSchema.parse({
      port: 0,
      rateLimit: { perMinute: 1e9, burst: 1e9 },
      // All ten clients come from one address: the cap per client must let them in.
      // No keep-alive comment inside the run: each client's byte count is checked against the frames it was sent.
      stream: { bufferSize: 100_000, maxClientBufferBytes: 1e9, maxPerClient: 16, heartbeatSec: 3600 },
      sql: { connections: 4 },
      alerts: { rules: [], webhooks: [{ id: 'bench', url: hookUrl, secret: SECRET }], delivery: { allowPrivate: ['127.0.0.1'], concurrency: 16 } },
    });
    const api = await start({ bus, store, config, logger: silentLogger, clock: systemClock, metrics: new Registry() });
    try {
      const url = new URL(api.url);
      const post = (path: string, body: string) =>
        new Promise<number>((resolve, reject) => {
          const req = http.request({ host: url.hostname, port: url.port, path, method: 'POST', agent, headers: { 'content-type': 'application/sql' } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end(body);
        });

      if (parts.has('sql')) {
        // 1. SQL: the API's whole path against the same query on the store.
        const query = `SELECT topic, count() AS n, round(avg(return_bps), 2) AS avg_bps FROM impact ARRAY JOIN topics AS topic WHERE horizon = '5m' GROUP BY topic ORDER BY n DESC`;
        const direct = await throughput(() => store.queryText(query, 'JSON'), 4, ms);
        const viaApi = await throughput(async () => {
          const status = await post('/sql', query);
          if (status !== 200) throw new Error(`/sql answered ${status}`);
        }, 4, ms);
        report({ name: 'store query, topic aggregate (4 concurrent)', value: direct, unit: 'queries/s' });
        report({ name: 'POST /sql over HTTP, topic aggregate (4 concurrent)', value: viaApi, unit: 'requests/s', baseline: 'store query, topic aggregate (4 concurrent)', ratio: viaApi / direct });
        // A trivial query shows the API's own cost per request.
        const tiny = 'SELECT 1 AS one';
        const tinyDirect = await throughput(() => store.queryText(tiny, 'JSON'), 4, ms);
        const tinyApi = await throughput(() => post('/sql', tiny), 4, ms);
        report({ name: 'store query, SELECT 1 (4 concurrent)', value: tinyDirect, unit: 'queries/s' });
        report({ name: 'POST /sql over HTTP, SELECT 1 (4 concurrent)', value: tinyApi, unit: 'requests/s', baseline: 'store query, SELECT 1 (4 concurrent)', ratio: tinyApi / tinyDirect });
      }
      if (parts.has('stream')) {

        // 2. SSE fan-out: every event to 10 clients, against the bus alone carrying the same events.
        // Two rounds of n events each, with the clients out of process first (the figure of record: real clients are
        // remote, and the baseline is the bus with one consumer in its own process, so the server is charged for what it
        // does per event and not for its clients' HTTP parsing), then, as before 2026-12-01, inside the API's process.
        const n = 20_000;
        const clients = 10;
        const baseBus = new MemoryBus();
        const baseEvents = Array.from({ length: n }, (_, i) => scored(i));
        let consumed = 0;
        let allConsumed: () => void;
        const consumedAll = new Promise<void>((r) => (allConsumed = r));
        await baseBus.subscribe({ groupId: 'bench', topics: [TOPICS.newsScored], fromBeginning: true, handler: async (b) => void ((consumed += b.length) >= n && allConsumed()) });
        const busT0 = performance.now();
        const busCpu = await cpuPerOp(n, async () => {
          await publishEvents(baseBus, TOPICS.newsScored, baseEvents, messageKey.newsScored);
          await consumedAll;
        });
        const busRate = (n * 1000) / (performance.now() - busT0);
        await baseBus.close();

        const streamUrl = `${api.url}/stream?topics=news.scored`;
        const untilClients = async (want: number) => {
          while (api.hub.clients !== want) await new Promise((r) => setTimeout(r, 5));
        };
        /**
         * Publishes `events` on the API's bus to `clients` connected by `connect`, until they have all seen the end frame;
         * their byte counts are then checked against the frames the hub built.
         */
        const round = async (events: NewsScored[], connect: (marker: string) => Promise<{ done: Promise<number[]>; close: () => void }>) => {
          // The bus delivers its partitions' batches in no set order, so the last event published need not be the last
          // framed: once the hub has framed all n, the bench puts one more frame on the topic, which nothing follows.
          const tag = `bench-end-${events[0].id}`;
          const seq0 = api.hub.buffer.lastSeq;
          let framed = 0;
          const unsubscribe = api.hub.subscribe((published) => {
            for (const e of published) if (e.topic === TOPICS.newsScored && e.seq > seq0) framed++;
            if (framed === n) process.nextTick(() => api.hub.publish(TOPICS.newsScored, tag, { bench_end: tag }));
          });
          const { done, close } = await connect(`{"bench_end":"${tag}"}\n\n`);
          // The bench's own listener is one of the hub's.
          await untilClients(clients + 1);
          const t0 = performance.now();
          const { result: bytes, cpuUs } = await cpuPerOp(n, async () => {
            await publishEvents(bus, TOPICS.newsScored, events, messageKey.newsScored);
            return done;
          });
          const rate = (n * 1000) / (performance.now() - t0);
          close();
          unsubscribe();
          await untilClients(0);
          // Every client got every frame, once: its bytes are the retry line and the frames of the n events and the end, no more, no less.
          const frames = api.hub.buffer.after(seq0).filter((e) => e.topic === TOPICS.newsScored);
          const expected = Buffer.byteLength(`retry: ${config.stream.retryMs}\n\n`) + frames.reduce((sum, e) => sum + (e.frame?.byteLength ?? 0), 0);
          if (frames.length !== n + 1 || bytes.length !== clients || bytes.some((b) => b !== expected)) throw new Error(`GET /stream: ${frames.length} events framed, clients got ${bytes.join(', ')} bytes, expected ${expected} each`);
          return { rate, cpuUs };
        };

        // The clients in one child process (bench/sse-clients.ts), which reports over IPC. CPU is the API process's alone.
        let clientCpuUs = 0;
        const outOfProcess = async (marker: string) => {
          const child = fork(fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url)), [fileURLToPath(new URL('./sse-clients.ts', import.meta.url)), streamUrl, String(clients), marker], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          let ready: () => void;
          let readyFail: (err: Error) => void;
          const isReady = new Promise<void>((res, rej) => ((ready = res), (readyFail = rej)));
          const done = new Promise<number[]>((resolve, reject) => {
            child.on('message', (m: SseClientsMessage) => {
              if (m.kind === 'ready') ready();
              else if (m.kind === 'done') {
                clientCpuUs = m.cpuUs;
                resolve(m.bytes);
              } else {
                readyFail(new Error(`SSE clients: ${m.message}`));
                reject(new Error(`SSE clients: ${m.message}`));
              }
            });
            child.once('exit', (code) => {
              const err = new Error(`SSE clients exited with ${code} before reporting`);
              readyFail(err);
              reject(err);
            });
          });
          done.catch(() => undefined);
          await isReady;
          // It exits by itself once it has reported; a child still there is stopped.
          return { done, close: () => void (child.exitCode === null && child.kill()) };
        };
        // A first round, not reported, warms the server's code paths, so neither method is measured cold and the other warm
        // (run first, cold, the out-of-process round cost 35-42 us of CPU per event; after this one, 27-30 us).
        await round(Array.from({ length: n }, (_, i) => scored(2 * n + i)), outOfProcess);
        const outside = await round(Array.from({ length: n }, (_, i) => scored(i)), outOfProcess);

        // The same clients inside the API's process: what the figure was until 2026-12-01, kept so its history stays readable.
        const inside = await round(Array.from({ length: n }, (_, i) => scored(n + i)), async (markerText) => {
          const marker = Buffer.from(markerText);
          const complete = new Array<boolean>(clients).fill(false);
          const bytes = new Array<number>(clients).fill(0);
          let finished = 0;
          let allDone: () => void;
          const done = new Promise<number[]>((r) => (allDone = () => r(bytes)));
          const requests = await Promise.all(
            complete.map(
              (_, c) =>
                new Promise<http.ClientRequest>((resolve) => {
                  const req = http.get(streamUrl, (res) => {
                    if (res.statusCode !== 200) throw new Error(`GET /stream answered ${res.statusCode}`);
                    // Counted as in bench/sse-clients.ts: bytes, and the end frame.
                    const ended = endFrameWatcher(marker);
                    res.on('data', (chunk: Buffer) => {
                      bytes[c] += chunk.length;
                      if (complete[c]) return;
                      if (ended(chunk)) {
                        complete[c] = true;
                        if (++finished === clients) allDone();
                      }
                    });
                    resolve(req);
                  });
                }),
            ),
          );
          return { done, close: () => requests.forEach((r) => r.destroy()) };
        });

        report({ name: 'in-process bus alone, publish to consume', value: busRate, unit: 'events/s' });
        report({ name: `GET /stream, events/s reaching each of ${clients} clients (clients out of process)`, value: outside.rate, unit: 'events/s', baseline: 'in-process bus alone, publish to consume', ratio: outside.rate / busRate });
        report({ name: 'process CPU per event, in-process bus alone', value: busCpu.cpuUs, unit: 'us' });
        report({ name: `API process CPU per event, GET /stream to ${clients} clients (clients out of process)`, value: outside.cpuUs, unit: 'us', baseline: 'process CPU per event, in-process bus alone', ratio: busCpu.cpuUs / outside.cpuUs });
        report({ name: `the client process's CPU per event, ${clients} clients`, value: clientCpuUs / n, unit: 'us' });
        report({ name: `old method (clients in the API's process, run last): events/s to each of ${clients}`, value: inside.rate, unit: 'events/s', baseline: 'in-process bus alone, publish to consume', ratio: inside.rate / busRate });
        report({ name: `old method (clients in the API's process, run last): process CPU per event`, value: inside.cpuUs, unit: 'us', baseline: 'process CPU per event, in-process bus alone', ratio: busCpu.cpuUs / inside.cpuUs });
      }
      if (parts.has('webhooks')) {

        // 3. Webhooks: signed, persisted, retried deliveries against bare POSTs to the same receiver.
        const deliveries = 2000;
        // Rounds of equal work: `deliveries` bare POSTs (16 concurrent), then a burst of as many signed, persisted deliveries
        // (16 concurrent), each pair run back to back so both saw the same load. The first pair runs with every code path
        // cold (node:http's client for the POSTs; undici, the dispatcher and the delivery store for the burst) and is
        // reported on its own; the figure of record is the median of the warm pairs' own ratios, as in bench/pipeline.ts
        // (until 2026-12-03 a cold first burst was compared with 3 s of mostly warm POSTs).
        const rounds = 3;
        const barePosts = async () => {
          const t0 = performance.now();
          let started = 0;
          const { cpuUs } = await cpuPerOp(deliveries, () =>
            Promise.all(
              Array.from({ length: 16 }, async () => {
                while (started < deliveries) {
                  started++;
                  await new Promise<void>((resolve, reject) => {
                    const req = http.request(hookUrl, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
                      res.resume();
                      res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`receiver answered ${res.statusCode}`))));
                    });
                    req.on('error', reject);
                    req.end('{"type":"alert.headline","data":{}}');
                  });
                }
              }),
            ),
          );
          const ms = performance.now() - t0;
          return { rate: (deliveries * 1000) / ms, cpuUs, ms };
        };
        const burst = async (tag: string) => {
          const alerts = Array.from({ length: deliveries }, (_, i) => ({
            alertId: `alr_bench_${tag}${i}`, ruleId: 'bench', kind: 'headline' as const, symbol: 'BRENT', eventTs: Date.now(), firedAt: Date.now(), articleId: `a${i}`, title: `bench ${i}`, data: { z: 3 },
          }));
          const t0 = performance.now();
          let enqueuedMs = 0;
          const { cpuUs } = await cpuPerOp(deliveries, async () => {
            for (let i = 0; i < alerts.length; i += 200) await api.dispatcher.enqueue(alerts.slice(i, i + 200));
            enqueuedMs = performance.now() - t0;
            await api.dispatcher.idle();
          });
          const ms = performance.now() - t0;
          return { rate: (deliveries * 1000) / ms, cpuUs, ms, enqueuedMs };
        };
        const pair = async (tag: string) => {
          const bare = await barePosts();
          const delivered = await burst(tag);
          return { bare, delivered, ratio: delivered.rate / bare.rate, cpuRatio: bare.cpuUs / delivered.cpuUs };
        };
        const cold = await pair('cold_');
        const warm: Awaited<ReturnType<typeof pair>>[] = [];
        for (let r = 0; r < rounds; r++) warm.push(await pair(`r${r}_`));
        const median = (values: number[]) => percentile(values, 50);
        const of = `median of ${rounds} rounds after a cold one`;
        const n = deliveries.toLocaleString('en');
        const bareName = `bare HTTP POST to a local receiver (16 concurrent, ${n} a round, ${of})`;
        const bareCpuName = 'process CPU per bare POST (warm rounds)';
        report({ name: bareName, value: median(warm.map((w) => w.bare.rate)), unit: 'requests/s' });
        report({ name: `signed webhook deliveries, persisted (16 concurrent, ${n} a round, ${of})`, value: median(warm.map((w) => w.delivered.rate)), unit: 'deliveries/s', baseline: bareName, ratio: median(warm.map((w) => w.ratio)) });
        report({ name: bareCpuName, value: median(warm.map((w) => w.bare.cpuUs)), unit: 'us' });
        report({ name: 'process CPU per delivery (warm rounds)', value: median(warm.map((w) => w.delivered.cpuUs)), unit: 'us', baseline: bareCpuName, ratio: median(warm.map((w) => w.cpuRatio)) });
        warm.forEach((w, r) => report({ name: `signed webhook deliveries, warm round ${r + 1}`, value: w.delivered.rate, unit: 'deliveries/s', baseline: `its own ${n} bare POSTs`, ratio: w.ratio }));
        // The cold pair: what the first alerts after a start cost, against POSTs equally cold.
        report({ name: `bare HTTP POST, the first ${n} (code cold)`, value: cold.bare.rate, unit: 'requests/s' });
        report({ name: `signed webhook deliveries, the first ${n} (code cold)`, value: cold.delivered.rate, unit: 'deliveries/s', baseline: `bare HTTP POST, the first ${n} (code cold)`, ratio: cold.ratio });
        report({ name: `process CPU per bare POST, the first ${n}`, value: cold.bare.cpuUs, unit: 'us' });
        report({ name: `process CPU per delivery, the first ${n}`, value: cold.delivered.cpuUs, unit: 'us', baseline: `process CPU per bare POST, the first ${n}`, ratio: cold.cpuRatio });
        // The caller enqueues 200 at a time, each batch checked against the store and persisted before the next:
        // how much of each burst that chain takes (the deliveries go out meanwhile).
        for (const [label, b] of [['cold', cold.delivered], ['warm (median round)', warm.map((w) => w.delivered).sort((a, b) => a.ms - b.ms)[Math.floor(rounds / 2)]]] as const) {
          report({ name: `${label} burst: time until the dispatcher is idle`, value: b.ms, unit: 'ms' });
          report({ name: `${label} burst: time until its last alert is enqueued`, value: b.enqueuedMs, unit: 'ms' });
        }
      }
    } finally {
      await api.stop();
    }
  } finally {
    agent.destroy();
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
    await bus.close();
    await store.command('DROP DATABASE IF EXISTS bench_api');
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchApi((row) => {
    const ratio = row.ratio === undefined ? '' : `  (${row.ratio.toFixed(2)}x ${row.baseline})`;
    console.log(`${row.name.padEnd(62)} ${row.value.toFixed(row.value < 100 ? 2 : 0).padStart(10)} ${row.unit}${ratio}`);
  });
  process.exit(0);
}
