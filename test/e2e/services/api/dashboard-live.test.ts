/**
 * `oilwire start` as a new user runs it, with no config file: its default price source is
 * Yahoo's chart API for BZ=F, here pointed at a local stand-in (the only thing configured
 * is where the stand-ins are). It measures impacts of a stand-in feed's headlines against
 * the stand-in's bars, the dashboard says which source is live, and Ctrl-C stops it under a
 * pipe. With the stand-in down, the dashboard says "no price source reachable" instead of
 * a green dot and the log says what to configure.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../cli/config.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { launchBrowser } from './browser.ts';

const BIN = resolve('bin/oilwire.mjs');
const execFileP = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'oilwire-live-'));
const DAY = '2026-11-25'; // a Wednesday: inside the default ICE Brent sessions
const BARS_FROM = Date.parse(`${DAY}T10:00:00Z`);
const BARS = 180;
const HEADLINES = [
  { at: `${DAY}T11:00:00Z`, title: 'Qatar-mediated US-Iran talks reach a ceasefire framework, easing oil export sanctions' },
  { at: `${DAY}T11:30:00Z`, title: 'OPEC+ agrees a surprise output cut of one million barrels per day' },
];

let yahoo: Server;
let feed: Server;
let yahooUrl: string;
let feedUrl: string;
let context: BrowserContext;
const yahooPaths: string[] = [];

function listen(server: Server): Promise<string> {
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

/** The chart API's shape: one-minute bars of a gentle random walk that jumps after each headline. */
function chartBody() {
  const timestamp: number[] = [];
  const close: number[] = [];
  let price = 74;
  for (let i = 0; i < BARS; i++) {
    const t = BARS_FROM + i * 60_000;
    price *= 1 + Math.sin(i * 1.7) * 0.0004;
    if (t === Date.parse(HEADLINES[0].at) + 120_000) price *= 0.985;
    if (t === Date.parse(HEADLINES[1].at) + 120_000) price *= 1.02;
    timestamp.push(t / 1000);
    close.push(Math.round(price * 100) / 100);
  }
  return { chart: { result: [{ meta: { symbol: 'BZ=F', currency: 'USD' }, timestamp, indicators: { quote: [{ open: close, high: close, low: close, close, volume: close.map(() => 100) }] } }], error: null } };
}

function rss(): string {
  const items = HEADLINES.map(
    (h, i) => `<item><title>${h.title}</title><link>https://standin.invalid/${i}</link><guid>standin-${i}</guid><pubDate>${new Date(h.at).toUTCString()}</pubDate><description>${h.title}.</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>stand-in wire</title><link>https://standin.invalid/</link><description>test</description>${items.join('')}</channel></rss>`;
}

interface Started {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
}

async function startCli(data: string, baseUrl: string): Promise<Started> {
  // Everything default but where the stand-ins listen; the working folder has no config file.
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OILWIRE_INGEST_PRICES__SOURCES: JSON.stringify([{ kind: 'yahoo', baseUrl, allowPrivate: ['127.0.0.1'] }]),
    OILWIRE_INGEST_NEWS__FEEDS: JSON.stringify([{ url: feedUrl, name: 'stand-in wire' }]),
    // The feed stand-in is on loopback, which ingest-news refuses unless told.
    OILWIRE_INGEST_NEWS__HTTP__ALLOW_PRIVATE: '["127.0.0.1"]',
  };
  const child = spawn(process.execPath, [BIN, '--data', data, 'start', '--port', '0'], { cwd: work, env, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const url = await waitFor(() => /dashboard and API at (http:\/\/[^\s]+)/.exec(out)?.[1], { timeoutMs: 60_000, message: () => `oilwire start to listen (stderr: ${err.slice(-2000)})` });
  return { child, url, stderr: () => err };
}

async function stop(s: Started): Promise<string> {
  if (s.child.exitCode !== null) return `exit ${s.child.exitCode}`;
  const exited = new Promise<string>((ok) => s.child.once('exit', (code, signal) => ok(code === null ? `signal ${signal}: ${s.stderr().slice(-1500)}` : `exit ${code}`)));
  s.child.kill('SIGINT');
  return exited;
}

const json = async <T,>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;

beforeAll(async () => {
  yahoo = createServer((req, res) => {
    yahooPaths.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chartBody()));
  });
  feed = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss()));
  [yahooUrl, feedUrl] = await Promise.all([listen(yahoo), listen(feed)]);
  feedUrl += '/feed.xml';
  context = await launchBrowser(work);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await new Promise((ok) => yahoo?.close(ok));
  await new Promise((ok) => feed?.close(ok));
  rmSync(work, { recursive: true, force: true });
});

describe('oilwire start with no config file', () => {
  it('defaults to Yahoo chart BZ=F for Brent, said plainly', () => {
    const config = loadConfig({ env: {}, cwd: work });
    expect(config.configFile).toBeUndefined();
    expect(config.ingestPrices.sources).toEqual([expect.objectContaining({ kind: 'yahoo', yahooSymbol: 'BZ=F', symbol: 'BRENT', baseUrl: 'https://query1.finance.yahoo.com', interval: '1m' })]);
  });

  it('measures impacts against the chart stand-in, shows the live source, and stops on Ctrl-C under a pipe', { timeout: 120_000 }, async () => {
    const run = await startCli(join(work, 'data-live'), yahooUrl);
    try {
      type Headline = { title: string; impacts: Record<string, { return_bps: number }> };
      let seen: unknown = null;
      const measured = await waitFor(
        async () => {
          const rows = await json<Headline[]>(`${run.url}/api/headlines?limit=10`);
          seen = rows;
          return rows.length === HEADLINES.length && rows.every((r) => ['1m', '5m', '15m', '30m', '60m'].every((h) => r.impacts[h])) ? rows : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, message: () => `impacts of both headlines; headlines: ${JSON.stringify(seen)}; log: ${run.stderr().slice(-3000)}` },
      );
      const opec = measured.find((r) => r.title.startsWith('OPEC+'))!;
      expect(opec.impacts['5m'].return_bps).toBeGreaterThan(100);
      // Days of history first (volatility for the z-scores), then only the last day at each poll.
      expect(yahooPaths[0]).toBe('/v8/finance/chart/BZ%3DF?interval=1m&range=5d&includePrePost=false');

      const sources = await json<{ state: string; sources: { name: string; state: string; note: string; lastTickTs: number }[] }>(`${run.url}/api/sources`);
      expect(sources.state).toBe('live');
      expect(sources.sources[0]).toMatchObject({ name: 'yahoo:BZ=F', state: 'ok' });
      // Stamped by the bar's own time: the last bar's close, at the end of its minute.
      expect(sources.sources[0].lastTickTs).toBe(BARS_FROM + BARS * 60_000 - 1);
      expect(sources.sources[0].note).toMatch(/CME.*delayed at least 10 min.*personal use/);

      // `oilwire prices` asks the running pipeline through its API (the embedded store is locked meanwhile).
      const cli = await execFileP(process.execPath, [BIN, '--data', join(work, 'data-live'), 'prices', '--format', 'json'], { cwd: work, env: { PATH: process.env.PATH, OILWIRE_API__PORT: new URL(run.url).port } });
      expect(JSON.parse(cli.stdout)).toMatchObject({ state: 'live', from: 'pipeline', sources: [{ name: 'yahoo:BZ=F', state: 'ok' }] });
      const table = await execFileP(process.execPath, [BIN, '--data', join(work, 'data-live'), 'prices'], { cwd: work, env: { PATH: process.env.PATH, OILWIRE_API__PORT: new URL(run.url).port } });
      expect(table.stdout).toMatch(/yahoo:BZ=F\s+ok\s+yes\s+2026-11-25 12:59:59/);
      expect(table.stdout).toContain('a live price source is reachable');

      const page = await context.newPage();
      await page.goto(run.url);
      // Reached, green; the stand-in's bars are days old, which the status says.
      await page.waitForFunction(() => /^live, newest bar \d+ (min|h|d) ago \(market closed\?\)$/.test(document.getElementById('live-status')?.textContent ?? ''));
      expect(await page.locator('#live-dot').getAttribute('class')).toBe('dot live');
      expect(await page.locator('#sources').textContent()).toMatch(/yahoo:BZ=F.*ok.*CME/s);
      await page.waitForFunction(() => Number(document.body.dataset.markers) >= 2);
      await page.close();
    } finally {
      expect(await stop(run)).toBe('exit 0');
    }
    // One JSON line per measured impact on a pipe (no terminal: no pretty printing).
    const lines = run.stderr().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; horizon?: string });
    expect(lines.filter((l) => l.msg === 'impact measured').length).toBeGreaterThanOrEqual(HEADLINES.length * 5);
  });

  it('with the chart stand-in down: "no price source reachable" on the dashboard, and the log says what to configure', { timeout: 120_000 }, async () => {
    const down = createServer();
    const downUrl = await listen(down);
    await new Promise((ok) => down.close(ok));
    const run = await startCli(join(work, 'data-down'), downUrl);
    try {
      await waitFor(async () => ((await json<{ state: string }>(`${run.url}/api/sources`)).state === 'unreachable' ? true : undefined), { timeoutMs: 30_000, intervalMs: 500, message: 'the unreachable state' });
      const page = await context.newPage();
      await page.goto(run.url);
      await page.waitForFunction(() => document.getElementById('live-status')?.textContent === 'no price source reachable');
      expect(await page.locator('#live-dot').getAttribute('class')).toBe('dot down');
      await expect.poll(() => page.locator('#chart-empty').textContent()).toMatch(/No price source reachable.*yahoo:BZ=F.*ingestPrices\.sources/s);
      await page.close();
      await waitFor(() => (run.stderr().includes('no price source reachable') ? true : undefined), { timeoutMs: 10_000, message: 'the log line' });
    } finally {
      expect(await stop(run)).toBe('exit 0');
    }
    const warn = run
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; hint?: string })
      .find((l) => l.msg.startsWith('no price source reachable'));
    expect(warn?.hint).toMatch(/ingestPrices\.sources.*websocket/);
  });
});
