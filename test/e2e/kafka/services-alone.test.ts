import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevBroker, type DevBroker } from '../../../shared/bus/dev-broker.ts';
import { TOPICS } from '../../../shared/contracts/events.ts';
import { articleId } from '../../../shared/contracts/ids.ts';
import { openStore } from '../../../shared/store/clickhouse-store.ts';
import type { Store } from '../../../shared/store/port.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { brokerAdmin, drained, topicCount } from '../../integration/kafka/helpers.ts';
import { kcatRead, killAll, startService, stopService, type CliProcess } from './helpers.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/pipeline/${name}`, import.meta.url));
const FEED = 'fixture-wire';
const [idA, idB, idC] = ['fixture-a', 'fixture-b', 'fixture-c'].map((guid) => articleId({ guid, source: FEED }));

/**
 * Scale-out, step one: every service as its own process (`oilwire run <service> --kafka ...`), each with its
 * own data folder, talking only through the broker. The feed and tick fixtures of the in-process pipeline test
 * go in; the same 8 measurements come out on news.impact and in the correlator's store.
 */
describe('each service runs alone against Kafka', () => {
  let broker: DevBroker;
  let admin: Admin;
  let store: Store | undefined;

  beforeAll(async () => {
    broker = await startDevBroker({ brokers: 3 });
    admin = await brokerAdmin(broker.brokers);
  });

  afterAll(async () => {
    await store?.close();
    await killAll();
    await admin?.disconnect();
    await broker?.stop();
  });

  it('ingest-news, ingest-prices, scorer, correlator and api as five processes give the in-process results', { timeout: 150_000 }, async () => {
    const bootstrap = broker.bootstrap;
    const [api, correlator, scorer, prices, newsIngest] = await Promise.all([
      startService('api', bootstrap, { name: 'api', env: { OILWIRE_API__PORT: '0' } }),
      startService('correlator', bootstrap, { args: ['--ops-port', '0'], env: { OILWIRE_CORRELATOR__SYMBOLS: '["BRENT"]', OILWIRE_CORRELATOR__HORIZONS: '["1m","5m","15m","60m"]' } }),
      startService('scorer', bootstrap),
      startService('ingest-prices', bootstrap, { env: { OILWIRE_INGEST_PRICES__SOURCES: JSON.stringify([{ kind: 'csv', path: fixture('ticks.csv'), symbol: 'BRENT' }]) } }),
      startService('ingest-news', bootstrap, { env: { OILWIRE_INGEST_NEWS__FEEDS: JSON.stringify([{ url: fixture('feed.xml'), name: FEED }]), OILWIRE_INGEST_NEWS__ONCE: 'true' } }),
    ]);
    const all: CliProcess[] = [api, correlator, scorer, prices, newsIngest];
    const tails = () => all.map((p) => p.tail()).join('\n');

    // Each stage's output is on its topic, produced by the process that owns the stage.
    await waitFor(async () => (await topicCount(admin, TOPICS.newsRaw)) === 3 && (await topicCount(admin, TOPICS.pricesTicks)) === 8, {
      timeoutMs: 30_000,
      intervalMs: 100,
      message: () => `3 headlines on news.raw and 8 ticks on prices.ticks\n${tails()}`,
    });
    await waitFor(() => drained(admin, 'oilwire-scorer', TOPICS.newsRaw), { timeoutMs: 30_000, intervalMs: 100, message: () => `the scorer process to score the headlines\n${tails()}` });
    expect(await topicCount(admin, TOPICS.newsScored)).toBe(3);
    const key = (r: { article_id: string; horizon: string }) => `${r.article_id}|${r.horizon}`;
    const impacts = await waitFor(
      async () => {
        const records = (await kcatRead(bootstrap, TOPICS.newsImpact)).map((r) => JSON.parse(r.payload ?? '{}') as { article_id: string; horizon: string; return_bps: number });
        return new Set(records.map(key)).size === 8 ? records : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: () => `8 measurements on news.impact\n${tails()}` },
    );
    expect([...new Set(impacts.map((r) => r.article_id))].sort()).toEqual([idA, idB].sort());
    expect(impacts.filter((r) => r.article_id === idC)).toEqual([]);

    // The api, alone in its process with its own (empty) store: live, and ready once its bus subscriptions have joined.
    const url = /dashboard and API at (\S+)/.exec(api.stdout.join('\n'))?.[1];
    expect(url).toBeDefined();
    expect((await fetch(new URL('/healthz', url))).status).toBe(200);
    await waitFor(async () => (await fetch(new URL('/readyz', url))).status === 200, { timeoutMs: 30_000, intervalMs: 200, message: () => `the api to be ready\n${api.tail()}` });

    // The correlator, alone in its process, answers probes and scrapes on its ops port.
    const ops = /ops endpoints \(\/healthz, \/readyz, \/metrics\) at (\S+)/.exec(correlator.stdout.join('\n'))?.[1];
    expect(ops).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(new URL('/healthz', ops))).json()).toEqual({ status: 'ok' });
    const readyz = await waitFor(async () => {
      const res = await fetch(new URL('/readyz', ops));
      return res.status === 200 ? ((await res.json()) as { checks: Record<string, boolean> }) : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200, message: () => `the correlator's ops port to say ready\n${correlator.tail()}` });
    expect(readyz.checks).toMatchObject({ store: true, writes: true, storeIntact: true, eventLoop: true, bus: true });
    expect(await (await fetch(new URL('/metrics', ops))).text()).toMatch(/^oilwire_correlator_\w+/m);

    await waitFor(() => drained(admin, 'oilwire-correlator-news', TOPICS.newsScored), { timeoutMs: 30_000, intervalMs: 100, message: 'the correlator to commit news.scored' });
    await waitFor(() => drained(admin, 'oilwire-correlator-ticks', TOPICS.pricesTicks), { timeoutMs: 30_000, intervalMs: 100, message: 'the correlator to commit prices.ticks' });
    for (const p of all) await stopService(p);

    store = await openStore({ path: correlator.dataDir, database: 'oilwire' });
    const [c] = await store.query<{ news: string; ticks: string; impact: string }>(
      `SELECT (SELECT count() FROM ${store.table('news')}) AS news, (SELECT count() FROM ${store.table('ticks')}) AS ticks, (SELECT count() FROM ${store.table('impact')}) AS impact`,
    );
    expect({ news: Number(c.news), ticks: Number(c.ticks), impact: Number(c.impact) }).toEqual({ news: 3, ticks: 8, impact: 8 });
    const rows = await store.query<{ article_id: string; horizon: string; return_bps: number }>(`SELECT article_id, horizon, return_bps FROM ${store.table('impact')}`);
    const latest = new Map(impacts.map((r) => [key(r), r.return_bps]));
    for (const r of rows) expect(Number(r.return_bps)).toBe(latest.get(key(r)));
    expect(Number(rows.find((r) => r.article_id === idA && r.horizon === '5m')?.return_bps)).toBeCloseTo(100, 9);
  });
});
