/**
 * The dashboard in a real browser (playwright-core driving Debian's chromium) during a
 * demo run: the price line and a marker per demo headline render, hovering a marker shows
 * the headline with its measured impact, and a screenshot is saved. With
 * OILWIRE_UPDATE_SCREENSHOT=1 the screenshot also replaces docs/dashboard.png.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { systemClock } from '../../shared/runtime/clock.ts';
import { silentLogger } from '../../shared/runtime/logger.ts';
import { apiConfigSchema, start as startApi } from '../../services/api/index.ts';
import { loadConfig } from '../../cli/config.ts';
import { DEMO_HEADLINES } from '../../cli/demo/sample.ts';
import { runDemo, type DemoResult } from '../../cli/demo/run-demo.ts';
import { randomName } from '../integration/services/api/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const work = mkdtempSync(join(tmpdir(), 'oilwire-dashboard-'));
let demo: DemoResult;
let context: BrowserContext;
let url: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  const config = loadConfig({ env: {}, cwd: work, overrides: { store: { path: join(work, 'data'), database: randomName() }, api: { port: 0 }, log: { level: 'silent' } } });
  demo = await runDemo({ config, keep: true, logger: silentLogger });
  expect(demo.impacts).toBe(demo.expectedImpacts);
  url = (demo.services!.find((s) => s.name === 'api') as unknown as { url: string }).url;
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await demo?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('dashboard', () => {
  it('draws the live price with a marker per headline coloured by oil direction, and explains a marker on hover', async () => {
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('pageerror', (err) => failed.push(err.message));
    page.on('requestfailed', (req) => failed.push(`${req.url()}: ${req.failure()?.errorText}`));
    await page.goto(url);

    await page.waitForFunction((n) => document.querySelectorAll('#chart .marker').length >= n, DEMO_HEADLINES.length);
    const points = await page.locator('#price-line').evaluate((p) => (p.getAttribute('d') ?? '').split(/[ML]/).filter(Boolean).length);
    expect(points).toBeGreaterThan(100);
    const markers = page.locator('#chart .marker');
    expect(await markers.count()).toBe(DEMO_HEADLINES.length);
    const classes = await markers.evaluateAll((ms) => ms.map((m) => m.getAttribute('class')));
    expect(classes.every((c) => /^marker (bullish|bearish|neutral)$/.test(c ?? ''))).toBe(true);
    const fills = new Set(await markers.evaluateAll((ms) => ms.map((m) => getComputedStyle(m).fill)));
    expect(fills.size).toBeGreaterThan(1);

    expect(await page.locator('#last-price').textContent()).toMatch(/^\d+\.\d{2}$/);
    await page.waitForFunction(() => document.querySelectorAll('#headlines tbody tr').length >= 8);
    await page.waitForFunction(() => document.querySelectorAll('#topics tbody tr').length >= 3);
    await page.waitForFunction(() => document.getElementById('live-status')?.textContent === 'live');

    // The Qatar headline is the first of the morning: hover its marker.
    const first = markers.first();
    await first.dispatchEvent('mouseenter');
    const tooltip = page.locator('#tooltip');
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    const text = await tooltip.textContent();
    expect(text).toContain(DEMO_HEADLINES[0].title);
    expect(text).toMatch(/topics: .*mediation/);
    expect(text).toMatch(/5m-?\+?\d+\.\d bps/);

    const shot = join(work, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    if (process.env.OILWIRE_UPDATE_SCREENSHOT === '1') copyFileSync(shot, join(process.cwd(), 'docs', 'dashboard.png'));
    expect(failed).toEqual([]);
    await page.close();
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
      await page.waitForFunction(() => document.getElementById('live-status')?.textContent === 'live');
      expect(await page.locator('#token-form').isVisible()).toBe(false);
    } finally {
      await page.close();
      await guarded.stop();
    }
  });
});
