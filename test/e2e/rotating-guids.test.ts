import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRuntime, startService, startServices, stopServices, type Runtime } from '../../cli/runtime.ts';
import type { CorrelatorService } from '../../services/correlator/index.ts';
import { silentLogger } from '../../shared/runtime/logger.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { testConfig } from '../helpers/pipeline.ts';

/**
 * A feed that hands out new guids and links for the same items at every poll. Before content
 * identity, 30 headlines polled 5 times became 150 news rows, 720 impact rows and 120 alerts.
 */
const HEADLINES = 30;
const POLLS = 5;
const T0 = Date.parse('2026-06-01T10:00:30Z');
const dir = mkdtempSync(join(tmpdir(), 'oilwire-rotating-'));

const topicsWords = ['OPEC+ output talks', 'Hormuz tanker traffic', 'US-Iran ceasefire talks', 'crude inventories', 'sanctions on Iranian oil', 'Brent futures'];
const title = (i: number) => `Headline ${i}: ${topicsWords[i % topicsWords.length]} move the market, envoys say`;

function writeFeed(poll: number): string {
  const items = Array.from({ length: HEADLINES }, (_, i) => {
    const at = new Date(T0 + i * 60_000).toUTCString();
    // New guid and new link at every poll: by article id every poll is all news.
    return `<item><title>${title(i)}</title><link>https://rotating.invalid/${poll}/${i}</link><guid isPermaLink="false">rot-${poll}-${i}</guid><pubDate>${at}</pubDate></item>`;
  });
  const path = join(dir, `feed-${poll}.xml`);
  writeFileSync(path, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>rotating</title>${items.join('')}</channel></rss>`);
  return path;
}

function writeTicks(): string {
  // Every 15 s from 09:59 to 11:00, always rising: every measured move is non-zero, so every article trips the rule.
  const lines = ['ts,symbol,price,size'];
  for (let i = 0; i <= 244; i++) lines.push(`${new Date(Date.parse('2026-06-01T09:59:00Z') + i * 15_000).toISOString()},BRENT,${(80 + i * 0.01).toFixed(2)},1`);
  const path = join(dir, 'ticks.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const config = testConfig({
  ingestPrices: { sources: [{ kind: 'csv', path: writeTicks(), symbol: 'BRENT' }] },
  correlator: { symbols: ['BRENT'], horizons: ['1m', '5m'] },
  api: { port: 0, alerts: { rules: [{ id: 'any-move', kind: 'headline', topics: [], minRelevance: 0, minAbsZ: 0, minAbsBps: 0.01, withinMinutes: 15 }] } },
});
let rt: Runtime | undefined;

afterAll(async () => {
  if (rt) {
    await rt.store.command(`DROP DATABASE IF EXISTS ${config.store.database}`).catch(() => undefined);
    await rt.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

const count = async (table: string) => Number((await rt!.store.query<{ n: string }>(`SELECT count() AS n FROM ${rt!.store.table(table)}`))[0].n);

describe('a feed that rotates guids', () => {
  it('30 headlines polled 5 times: 30 news rows, each measured once, at most 30 alerts', async () => {
    rt = await openRuntime(config, { logger: silentLogger });
    const services = await startServices(['api', 'correlator', 'scorer', 'ingest-prices'], rt);
    const correlator = services.find((s) => s.name === 'correlator') as CorrelatorService;
    try {
      for (let poll = 1; poll <= POLLS; poll++) {
        const once = { ...rt, config: { ...rt.config, ingestNews: { ...rt.config.ingestNews, once: true, feeds: [{ url: writeFeed(poll), name: 'rotating', tags: [] }] } } };
        const ingest = await startService('ingest-news', once);
        await ingest.idle!();
        await ingest.stop();
        // Each poll's 30 articles reach the correlator before the next poll: the copies find their originals stored.
        await waitFor(() => correlator.stats().articles + correlator.stats().duplicates === poll * HEADLINES, {
          timeoutMs: 30_000,
          message: () => `poll ${poll}: ${JSON.stringify({ articles: correlator.stats().articles, duplicates: correlator.stats().duplicates })}`,
        });
      }
      expect(correlator.stats()).toMatchObject({ articles: HEADLINES, duplicates: (POLLS - 1) * HEADLINES });
      let seen = { impact: 0, alerts: 0 };
      await waitFor(
        async () => {
          seen = { impact: await count('impact'), alerts: await count('alerts') };
          return seen.impact === HEADLINES * 2 && seen.alerts === HEADLINES;
        },
        { timeoutMs: 30_000, message: () => JSON.stringify(seen) },
      );
      expect(await count('news')).toBe(HEADLINES);
      expect(await count('news_store')).toBe(HEADLINES);
      expect(await count('impact_store')).toBe(HEADLINES * 2);
      expect(await count('alerts')).toBeLessThanOrEqual(HEADLINES);
    } finally {
      await stopServices(services);
    }
  });
});
