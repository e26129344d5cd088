/**
 * The dashboard in a real browser (playwright-core driving Debian's chromium) during a demo
 * run: markers for the demo's headlines on the uPlot chart, the detail pane, a headline
 * scored while the page is open arriving over the stream with its moves, range presets and
 * zoom changing the axis, filters hiding and showing markers, a 390 px layout without
 * horizontal scroll, and the token form. With OILWIRE_UPDATE_SCREENSHOT=1 the screenshot
 * also replaces docs/dashboard.png.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { HORIZONS, TOPICS, messageKey, type NewsImpact } from '../../../../shared/contracts/events.ts';
import { publishEvents } from '../../../../shared/bus/typed.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import { apiConfigSchema, start as startApi } from '../../../../services/api/index.ts';
import { loadConfig } from '../../../../cli/config.ts';
import { DEMO_DAY, DEMO_HEADLINES, DEMO_HORIZONS, DEMO_TICKS } from '../../../../cli/demo/sample.ts';
import { runDemo, type DemoResult } from '../../../../cli/demo/run-demo.ts';
import { randomName } from '../../../integration/services/api/helpers.ts';
import { scoredNews } from '../../../helpers/events.ts';
import { launchBrowser } from './browser.ts';

const work = mkdtempSync(join(tmpdir(), 'oilwire-dashboard-'));
let demo: DemoResult;
let context: BrowserContext;
let url: string;

const markerCount = (page: Page) => page.locator('#chart .marker:not(.cluster)').count();
const axisSpan = async (page: Page) => {
  const [from, to] = await page.evaluate(() => [Number(document.body.dataset.axisFrom), Number(document.body.dataset.axisTo)]);
  return to - from;
};

async function openDashboard(ctx: BrowserContext, failed: string[]): Promise<Page> {
  const page = await ctx.newPage();
  page.on('pageerror', (err) => failed.push(err.message));
  // The page catches and warns rather than breaking; a warning here is a bug the page swallowed.
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') failed.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (req) => {
    // The stream is cut when the page closes; anything else failing is a bug.
    if (!req.url().endsWith('/stream')) failed.push(`${req.url()}: ${req.failure()?.errorText}`);
  });
  await page.goto(url);
  // Every headline is drawn, alone or in a cluster.
  await page.waitForFunction((n) => Number(document.body.dataset.markers) >= n && document.querySelectorAll('#chart .marker').length > 0, DEMO_HEADLINES.length);
  // Subscribed to /stream: what is published from here on reaches the page.
  await page.waitForFunction(() => document.body.dataset.stream === 'open');
  return page;
}

beforeAll(async () => {
  const config = loadConfig({ env: {}, cwd: work, overrides: { store: { path: join(work, 'data'), database: randomName() }, api: { port: 0 }, log: { level: 'silent' } } });
  demo = await runDemo({ config, keep: true, logger: silentLogger });
  expect(demo.impacts).toBe(demo.expectedImpacts);
  url = (demo.services!.find((s) => s.name === 'api') as unknown as { url: string }).url;
  context = await launchBrowser(work);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await demo?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('dashboard', () => {
  it('draws the price with a marker per headline, explains one on hover and in the detail pane', async () => {
    const failed: string[] = [];
    const page = await openDashboard(context, failed);
    expect(await page.locator('#chart canvas').count()).toBeGreaterThan(0);
    expect(await markerCount(page)).toBe(DEMO_HEADLINES.length);
    const classes = await page.locator('#chart .marker').evaluateAll((ms) => ms.map((m) => m.className));
    expect(classes.every((c) => /^marker (bullish|bearish|neutral)( active)?$/.test(c))).toBe(true);
    expect(new Set(classes).size).toBeGreaterThan(1);
    expect(await page.locator('#last-price').textContent()).toMatch(/^\d+\.\d{2}$/);
    await page.waitForFunction(() => document.querySelectorAll('#headlines tbody tr[data-id]').length >= 8);
    await page.waitForFunction(() => document.querySelectorAll('#topics tbody tr').length >= 3);
    // The by-topic table carries every test's q and whether they agree (a cell each, empty or '–' below five events).
    expect(await page.locator('#topics thead th').allTextContents()).toEqual(expect.arrayContaining(['q', 'rank q', 'sign q', 'boot q', 'tests']));
    expect(await page.locator('#topics tbody tr').first().locator('td').count()).toBe(12);
    // The demo's tape is a simulation that has ended: not a live market, so no green "live".
    await page.waitForFunction(() => document.getElementById('live-status')?.textContent === 'replay');
    expect(await page.locator('#sources li').first().getAttribute('data-state')).toBe('finished');

    const first = page.locator('#chart .marker').first();
    await first.dispatchEvent('mouseenter');
    await expect.poll(() => page.locator('#tooltip').isVisible()).toBe(true);
    const tip = await page.locator('#tooltip').textContent();
    expect(tip).toContain(DEMO_HEADLINES[0].title);
    expect(tip).toMatch(/topics: .*mediation/);
    expect(tip).toMatch(/5m[+-]\d+\.\d bps/);

    await first.dispatchEvent('click');
    await page.locator('#detail').waitFor({ state: 'visible' });
    expect(await page.locator('#d-title').textContent()).toBe(DEMO_HEADLINES[0].title);
    expect(await page.locator('#d-link').getAttribute('href')).toBe('https://demo.oilwire.invalid/news/1');
    expect(await page.locator('#d-topics').textContent()).toContain('mediation');
    expect(Number(await page.locator('#d-relevance').textContent())).toBeGreaterThan(0);
    for (const h of DEMO_HORIZONS) expect(await page.locator(`#d-impacts tr[data-horizon="${h}"] td`).nth(1).textContent()).toMatch(/^[+-]?\d+\.\d$/);
    expect(await page.locator('#d-topic-stats tbody tr').first().textContent()).toMatch(/^mediation/);

    await first.dispatchEvent('mouseleave');
    const shot = join(work, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    if (process.env.OILWIRE_UPDATE_SCREENSHOT === '1') copyFileSync(shot, join(process.cwd(), 'docs', 'dashboard.png'));
    expect(failed).toEqual([]);
    await page.close();
  });

  it('shows a headline scored while the page is open, pushed over the stream, and fills in its moves as they are measured', async () => {
    const failed: string[] = [];
    const page = await openDashboard(context, failed);
    // Inside the demo tape, an hour before its end: the correlator can measure every horizon at once.
    const id = `live-${randomName()}`;
    const title = 'Qatar hosts surprise round of US-Iran talks on a Gulf shipping corridor';
    const event = scoredNews({ id, published_at: `${DEMO_DAY}T11:55:00.000Z`, title, source: 'Live Desk', url: 'https://live.oilwire.invalid/1', topics: ['mediation', 'shipping'], entities: ['Qatar', 'Iran'], oil_direction: { label: 'bearish', strength: 0.7 }, relevance: 80 });
    await publishEvents(demo.runtime!.bus, TOPICS.newsScored, [event], messageKey.newsScored);
    // The page fetches headlines only at load and on range changes: a marker for it can only come from the stream.
    await page.waitForFunction((i) => document.querySelector(`#chart .marker[data-id="${i}"]`) !== null, id);
    await page.locator(`#headlines tbody tr[data-id="${id}"]`).waitFor();
    await page.locator(`#chart .marker[data-id="${id}"]`).dispatchEvent('click');
    // Its moves can reach the page before the headline itself (they travel on another topic): the detail completes when both are in.
    await expect.poll(() => page.locator('#d-entities').textContent()).toBe('Qatar, Iran');
    expect(await page.locator('#d-title').textContent()).toBe(title);
    expect(await page.locator('#d-link').getAttribute('href')).toBe('https://live.oilwire.invalid/1');
    for (const h of DEMO_HORIZONS) {
      await page.waitForFunction(([sel]) => /^[+-]?\d+\.\d$/.test(document.querySelector(sel)?.textContent ?? ''), [`#d-impacts tr[data-horizon="${h}"] td:nth-child(2)`]);
    }
    expect(await page.locator(`#headlines tbody tr[data-id="${id}"] td`).nth(3).textContent()).toMatch(/^[+-]?\d+\.\d$/);
    expect(failed).toEqual([]);
    await page.close();
  });

  it('fills in each horizon of an open headline as its news.impact arrives, the others staying pending', async () => {
    const failed: string[] = [];
    const page = await openDashboard(context, failed);
    // Half an hour after the tape ends: the correlator has no prices to measure it, so its moves come only from the events below.
    const id = `pending-${randomName()}`;
    const publishedAt = `${DEMO_DAY}T13:30:00.000Z`;
    const title = 'Oman relays a new US offer to Iran on tanker inspections';
    await publishEvents(demo.runtime!.bus, TOPICS.newsScored, [scoredNews({ id, published_at: publishedAt, title, topics: ['mediation'], oil_direction: { label: 'bearish', strength: 0.5 } })], messageKey.newsScored);
    await page.locator(`#headlines tbody tr[data-id="${id}"]`).click();
    await expect.poll(() => page.locator('#d-title').textContent()).toBe(title);
    const cell = (h: string) => page.locator(`#d-impacts tr[data-horizon="${h}"] td`).nth(1).textContent();
    for (const h of DEMO_HORIZONS) expect(await cell(h)).toBe('pending');
    const impact = (horizon: (typeof DEMO_HORIZONS)[number], bps: number): NewsImpact => ({
      schema: 'news.impact/v1',
      article_id: id,
      symbol: 'BRENT',
      horizon,
      horizon_seconds: HORIZONS[horizon],
      published_at: publishedAt,
      event_ts: publishedAt,
      pre_ts: publishedAt,
      pre_price: 84,
      post_ts: new Date(Date.parse(publishedAt) + HORIZONS[horizon] * 1000).toISOString(),
      post_price: 84 * (1 + bps / 1e4),
      return_bps: bps,
      abnormal_bps: null,
      z: bps / 10,
      pre_vol_bps: 10,
      title,
      source: 'wire',
      topics: ['mediation'],
      oil_direction: 'bearish',
      relevance: 50,
      computed_at: new Date().toISOString(),
      version: 1,
    });
    for (const [i, h] of DEMO_HORIZONS.entries()) {
      await publishEvents(demo.runtime!.bus, TOPICS.newsImpact, [impact(h, -(i + 1) * 11)], messageKey.newsImpact);
      await expect.poll(() => cell(h)).toBe(`-${((i + 1) * 11).toFixed(1)}`);
      for (const later of DEMO_HORIZONS.slice(i + 1)) expect(await cell(later)).toBe('pending');
    }
    expect(failed).toEqual([]);
    await page.close();
  });

  it('range presets and zoom change the axis', async () => {
    const failed: string[] = [];
    const page = await openDashboard(context, failed);
    const tapeMs = (DEMO_TICKS.count - 1) * DEMO_TICKS.intervalSec * 1000;
    // Following the latest tick under the default preset until the user zooms.
    expect(await page.locator('.ranges button.active').allTextContents()).toEqual(['6h']);
    await page.click('[data-range="1h"]');
    // A preset refetches prices, sources and headlines before it redraws: on a loaded 2-core box that takes more than
    // expect.poll's default second, so these polls get a deadline that only a broken page reaches.
    await expect.poll(() => axisSpan(page), { timeout: 15_000 }).toBe(3_600_000);
    expect(await page.locator('.ranges button.active').allTextContents()).toEqual(['1h']);
    await page.click('[data-range="all"]');
    await expect.poll(() => axisSpan(page), { timeout: 15_000 }).toBe(tapeMs);
    await page.waitForFunction((n) => document.querySelectorAll('#chart .marker').length >= n, DEMO_HEADLINES.length);
    // Drag across the middle fifth of the plot: uPlot zooms to it.
    const box = (await page.locator('#chart .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => Math.abs((await axisSpan(page)) - tapeMs * 0.2) < tapeMs * 0.02).toBe(true);
    expect(await page.locator('.ranges button.active').count()).toBe(0);
    expect(await markerCount(page)).toBeLessThan(DEMO_HEADLINES.length);
    // The wheel zooms out around the cursor.
    const zoomed = await axisSpan(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 200);
    await expect.poll(() => axisSpan(page)).toBeGreaterThan(zoomed);
    // A date-time axis in UTC: the day at the first tick, then times.
    const labels = await page.evaluate(() => document.body.dataset.xLabels ?? '');
    expect(labels.split('|')[0]).toMatch(new RegExp(`^${DEMO_DAY.slice(5)} \\d{2}:\\d{2}$`));
    expect(labels.split('|').slice(1).every((l) => /^\d{2}:\d{2}$/.test(l))).toBe(true);
    expect(failed).toEqual([]);
    await page.close();
  });

  it('filters hide and show markers', async () => {
    const failed: string[] = [];
    const page = await openDashboard(context, failed);
    await page.click('[data-range="all"]');
    await page.waitForFunction((n) => document.querySelectorAll('#chart .marker').length >= n, DEMO_HEADLINES.length);
    const all = await markerCount(page);
    await page.selectOption('#f-direction', 'bullish');
    await expect.poll(() => page.locator('#chart .marker.bearish').count()).toBe(0);
    const bullish = await markerCount(page);
    expect(bullish).toBeGreaterThan(0);
    expect(bullish).toBeLessThan(all);
    await page.selectOption('#f-direction', '');
    await page.selectOption('#f-topic', 'opec');
    await expect.poll(() => markerCount(page)).toBe(1);
    await page.selectOption('#f-topic', '');
    await page.fill('#f-relevance', '100');
    await page.dispatchEvent('#f-relevance', 'input');
    await expect.poll(() => markerCount(page)).toBeLessThan(all);
    await page.fill('#f-relevance', '0');
    await page.dispatchEvent('#f-relevance', 'input');
    await expect.poll(() => markerCount(page)).toBe(all);
    await page.selectOption('#f-source', 'demo-wire');
    await expect.poll(() => markerCount(page)).toBe(DEMO_HEADLINES.length);
    await page.selectOption('#f-source', '');
    // A headline the scorer marks as a price report ("Brent rises ..."): shown, then hidden by the switch.
    const id = `report-${randomName()}`;
    const report = scoredNews({ id, published_at: `${DEMO_DAY}T12:30:00.000Z`, title: 'Brent rises 1% in early trade', source: 'Price Desk', price_report: true, relevance: 60 });
    await publishEvents(demo.runtime!.bus, TOPICS.newsScored, [report], messageKey.newsScored);
    await page.waitForFunction((i) => document.querySelector(`#chart .marker[data-id="${i}"]`) !== null, id);
    const withReport = await markerCount(page);
    await page.uncheck('#f-price-reports');
    await expect.poll(() => page.locator(`#chart .marker[data-id="${id}"]`).count()).toBe(0);
    expect(await markerCount(page)).toBe(withReport - 1);
    await page.check('#f-price-reports');
    await expect.poll(() => markerCount(page)).toBe(withReport);
    expect(failed).toEqual([]);
    await page.close();
  });

  it('fits a 390 px phone without horizontal scroll', async () => {
    const phone = await launchBrowser(join(work, 'phone'), { width: 390, height: 844 });
    try {
      const failed: string[] = [];
      const page = await openDashboard(phone, failed);
      await page.waitForFunction(() => document.querySelectorAll('#headlines tbody tr[data-id]').length >= 8);
      // Zoomed out on a narrow chart, headlines fifteen minutes apart share a cluster marker that counts them.
      const box = (await page.locator('#chart .u-over').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 200);
      await expect.poll(() => page.locator('#chart .marker.cluster').count()).toBeGreaterThan(0);
      const clusters = await page.locator('#chart .marker.cluster').evaluateAll((cs) => cs.map((c) => Number(c.textContent)));
      const drawn = await page.evaluate(() => Number(document.body.dataset.markers));
      expect(drawn).toBeGreaterThanOrEqual(DEMO_HEADLINES.length);
      expect(clusters.reduce((a, b) => a + b, 0) + (await markerCount(page))).toBe(drawn);
      const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, view: window.innerWidth }));
      expect(widths.view).toBe(390);
      expect(widths.doc).toBeLessThanOrEqual(390);
      expect(widths.body).toBeLessThanOrEqual(390);
      expect(failed).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('asks for a token when the API has tokens, then shows the same picture', async () => {
    const token = 'dashboard-test-token-0123456789';
    const rt = demo.runtime!;
    const guarded = await startApi({ bus: rt.bus, store: rt.store, config: apiConfigSchema.parse({ port: 0, tokens: [token], alerts: { enabled: false } }), logger: silentLogger, clock: systemClock, metrics: new Registry() });
    const page = await context.newPage();
    try {
      await page.goto(guarded.url);
      await page.locator('#token-form').waitFor({ state: 'visible' });
      expect(await page.locator('#chart .marker').count()).toBe(0);
      await page.fill('#token-input', token);
      await page.click('#token-form button');
      await page.waitForFunction((n) => document.querySelectorAll('#chart .marker').length >= n, DEMO_HEADLINES.length);
      expect(await page.locator('#token-form').isVisible()).toBe(false);
    } finally {
      await page.close();
      await guarded.stop();
    }
  });
});
