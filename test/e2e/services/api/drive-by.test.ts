/**
 * A hostile web page in a real browser (playwright-core driving Debian's chromium) against an
 * API with the default configuration (loopback, no tokens). The attacker's page is served by a
 * second local server under its own name (`attacker.example`, mapped to 127.0.0.1 by the
 * browser's resolver); it tries every way a page can send a body to `POST /sql` (fetch
 * no-cors and cors, a text/plain form, sendBeacon) with statements that would leave a trace:
 * a table created, a connection to a local listener. A DNS-rebinding stand-in
 * (`evil.example` resolving to the API's own address) loads and queries the API as same-origin.
 * Each must fail without the SQL route ever running; the API's own page, as a control, can
 * query it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { apiConfigSchema, start, type ApiService } from '../../../../services/api/index.ts';
import { dropTestStore, openTestStore } from '../../../integration/services/api/helpers.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { launchBrowser } from './browser.ts';

const work = mkdtempSync(join(tmpdir(), 'oilwire-drive-by-'));
let store: Store;
let bus: MemoryBus;
let api: ApiService;
const registry = new Registry();
let apiPort = 0;
let attacker: Server;
let attackerPort = 0;
/** A local listener the hostile statements point at: it must never see a connection. */
let listener: Server;
let listenerPort = 0;
let listenerConnections = 0;
let context: BrowserContext;

const sqlRuns = async () => (await registry.getSingleMetric('oilwire_api_sql_queries_total')!.get()).values.reduce((n, v) => n + v.value, 0);
const sqlResponses = async (status: string) =>
  (await registry.getSingleMetric('oilwire_api_http_requests_total')!.get()).values.filter((v) => v.labels.route === '/sql' && v.labels.status === status).reduce((n, v) => n + v.value, 0);
const tableExists = async (name: string) => Number((await store.query<{ n: string | number }>(`SELECT count() AS n FROM system.tables WHERE database = '${store.database}' AND name = '${name}'`))[0].n) > 0;

/** The attacker's page: every body a page can send to another origin without asking first. */
function attackPage(): string {
  const db = store.database;
  const statements = {
    fetchNoCors: `CREATE TABLE ${db}.pwned_fetch (x UInt8) ENGINE = Memory`,
    fetchForm: `CREATE TABLE ${db}.pwned_urlencoded (x UInt8) ENGINE = Memory`,
    fetchCors: `CREATE TABLE ${db}.pwned_cors (x UInt8) ENGINE = Memory`,
    beacon: `CREATE TABLE ${db}.pwned_beacon (x UInt8) ENGINE = Memory`,
    outbound: `SELECT * FROM url('http://127.0.0.1:${listenerPort}/ssrf', 'CSV', 'a String')`,
  };
  const formField = `CREATE TABLE ${db}.pwned_form (x UInt8) ENGINE = Memory --`;
  return `<!doctype html><html><body>
<iframe name="sink" id="sink"></iframe>
<form id="f" method="POST" enctype="text/plain" target="sink" action="http://127.0.0.1:${apiPort}/sql"><input name="${formField}" value="1"></form>
<script>
const S = ${JSON.stringify(statements)};
const results = {};
window.results = results;
const api = ['http://127.0.0.1:${apiPort}', 'http://localhost:${apiPort}'];
async function attempt(name, fn) { try { results[name] = await fn(); } catch (e) { results[name] = 'error: ' + e.message; } }
(async () => {
  for (const base of api) {
    await attempt(base + ' no-cors text/plain', () => fetch(base + '/sql', { method: 'POST', mode: 'no-cors', body: S.fetchNoCors }).then((r) => r.type));
    await attempt(base + ' no-cors outbound', () => fetch(base + '/sql', { method: 'POST', mode: 'no-cors', body: S.outbound }).then((r) => r.type));
    await attempt(base + ' no-cors urlencoded', () => fetch(base + '/sql', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: S.fetchForm }).then((r) => r.type));
    await attempt(base + ' cors json', () => fetch(base + '/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: S.fetchCors }) }).then((r) => r.status));
    await attempt(base + ' cors read', () => fetch(base + '/api/meta').then((r) => r.text()));
    await attempt(base + ' beacon', () => navigator.sendBeacon(base + '/sql', S.beacon));
  }
  const sink = document.getElementById('sink');
  await new Promise((resolve) => { sink.addEventListener('load', resolve, { once: true }); document.getElementById('f').submit(); });
  results.form = 'submitted';
  window.done = true;
})();
</script></body></html>`;
}

beforeAll(async () => {
  store = await openTestStore();
  bus = new MemoryBus();
  // The default configuration (loopback, no tokens), on a free port.
  api = await start({ bus, store, config: apiConfigSchema.parse({ port: 0, alerts: { enabled: false } }), logger: silentLogger, clock: systemClock, metrics: registry });
  apiPort = api.port;
  listener = createServer((_req, res) => res.end('a\n'));
  listener.on('connection', () => listenerConnections++);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listenerPort = (listener.address() as AddressInfo).port;
  attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(attackPage()));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  // Both hostile names resolve to this machine, as a rebinding DNS server would make them.
  context = await launchBrowser(work, undefined, ['--host-resolver-rules=MAP attacker.example 127.0.0.1, MAP evil.example 127.0.0.1']);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await api?.stop();
  await bus?.close();
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
  if (store) await dropTestStore(store);
  rmSync(work, { recursive: true, force: true });
});

describe('a page on another origin', () => {
  it('(control) the API’s own page can query it', async () => {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${apiPort}/`);
    const answer = await page.evaluate(async () => {
      const r = await fetch('/sql?format=csv', { method: 'POST', headers: { 'content-type': 'application/sql' }, body: 'SELECT 41 + 1 AS answer' });
      return { status: r.status, body: await r.text() };
    });
    expect(answer).toEqual({ status: 200, body: '"answer"\n42\n' });
    await page.close();
  });

  it('cannot get a statement executed by fetch, a form or a beacon, nor read an answer', async () => {
    const before = await sqlRuns();
    const refusedBefore = (await sqlResponses('403')) + (await sqlResponses('415'));
    const page = await context.newPage();
    await page.goto(`http://attacker.example:${attackerPort}/`);
    await page.waitForFunction(() => (window as unknown as { done?: boolean }).done === true, undefined, { timeout: 30_000 });
    const results = (await page.evaluate(() => (window as unknown as { results: Record<string, unknown> }).results)) as Record<string, unknown>;
    await page.close();

    // The preflighted and the readable attempts fail in the page itself: no CORS grant, ever.
    for (const base of [`http://127.0.0.1:${apiPort}`, `http://localhost:${apiPort}`]) {
      expect(results[`${base} cors json`], base).toMatch(/^error: /);
      expect(results[`${base} cors read`], base).toMatch(/^error: /);
    }
    // The simple requests did reach the API (the browser sends them blind) and were refused there: four per
    // API name and the form, 9 in all. Beacons may still be in flight, so wait for the refusals to be counted.
    let refused = 0;
    await waitFor(async () => (refused = (await sqlResponses('403')) + (await sqlResponses('415')) - refusedBefore) >= 9, {
      message: () => `refusals seen: ${refused}; page: ${JSON.stringify(results)}`,
    });
    // ...without the SQL route ever running, so nothing was created and nothing connected out.
    expect(await sqlRuns()).toBe(before);
    for (const t of ['pwned_fetch', 'pwned_urlencoded', 'pwned_cors', 'pwned_beacon', 'pwned_form']) expect(await tableExists(t), t).toBe(false);
    expect(listenerConnections).toBe(0);
  });

  it('under a rebinding name is refused by Host, for the page and for its same-origin queries', async () => {
    const before = await sqlRuns();
    const page = await context.newPage();
    const res = await page.goto(`http://evil.example:${apiPort}/`);
    expect(res?.status()).toBe(421);
    const answer = await page.evaluate(async (db) => {
      const r = await fetch('/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `CREATE TABLE ${db}.pwned_rebind (x UInt8) ENGINE = Memory` }) });
      return { status: r.status, body: await r.text() };
    }, store.database);
    await page.close();
    expect(answer.status).toBe(421);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'HOST_REFUSED' });
    expect(await sqlRuns()).toBe(before);
    expect(await tableExists('pwned_rebind')).toBe(false);
  });
});
