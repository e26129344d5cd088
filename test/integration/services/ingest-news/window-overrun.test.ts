import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { FeedServer } from './helpers/feed-server.ts';
import { NewsCollector, T0, metricValue, startHarness, tempStateDir } from './helpers/harness.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

/**
 * A feed that carries only its newest WINDOW items, as real feeds do. When more than a window's
 * worth is published between two polls the oldest of them are never fetched; ingest-news cannot
 * get them back, but it must say so (a warning and oilwire_ingest_news_feed_gaps_total), including
 * on the first poll after a restart, which is when a long gap is most likely.
 */
const WINDOW = 5;
const server = new FeedServer();
const dirs: string[] = [];
let published = 0;

function windowFeed(): string {
  const items: string[] = [];
  for (let i = published - 1; i >= Math.max(0, published - WINDOW); i--) {
    items.push(`<item><title>Window item ${i}: tanker traffic through the strait resumes</title><link>https://window.invalid/${i}</link><guid isPermaLink="false">win-${i}</guid><pubDate>${new Date(T0 + i * 60_000).toUTCString()}</pubDate></item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>window</title>${items.join('')}</channel></rss>`;
}

beforeAll(async () => {
  await server.start();
  server.route('/window', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(windowFeed()));
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const overrunLines = (logs: Record<string, unknown>[]) => logs.filter((l) => String(l.msg).startsWith('feed window overrun'));

describe('a feed window that moves past items between two polls', () => {
  it('is reported once per overrun answer, by a warning and a metric, and again after a restart', async () => {
    const stateDir = tempStateDir();
    dirs.push(stateDir);
    const bus = new MemoryBus();
    const news = await NewsCollector.on(bus);
    const config = { feeds: [{ url: `${server.url}/window`, name: 'window' }], stateDir };
    const gaps = (h: { registry: Parameters<typeof metricValue>[0] }) => metricValue(h.registry, 'oilwire_ingest_news_feed_gaps_total', { feed: 'window' });

    const h1 = await startHarness({ config, bus });
    published = WINDOW;
    // The first answer of a feed has nothing before it to overrun.
    expect((await h1.tick('window'))[0]).toMatchObject({ outcome: 'ok', published: WINDOW, duplicates: 0 });
    published += 3;
    // Two of the five were taken before: the answer reaches back, nothing between is missing.
    expect((await h1.tick('window'))[0]).toMatchObject({ published: 3, duplicates: 2 });
    expect((await h1.tick('window'))[0]).toMatchObject({ published: 0, duplicates: WINDOW });
    expect(await gaps(h1)).toBeUndefined();
    expect(overrunLines(h1.logs)).toHaveLength(0);

    // Twelve published between two polls of a five-item window: seven of them are never served.
    published += 12;
    const [overrun] = await h1.tick('window');
    expect(overrun).toMatchObject({ published: WINDOW, duplicates: 0, windowOverrun: true });
    expect(await gaps(h1)).toBe(1);
    const lines = overrunLines(h1.logs);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, feed: 'window', items: WINDOW });
    // Back in step: no more reports.
    published += 1;
    expect((await h1.tick('window'))[0]).toMatchObject({ published: 1, duplicates: WINDOW - 1 });
    expect((await h1.tick('window'))[0].windowOverrun).toBeUndefined();
    expect(await gaps(h1)).toBe(1);
    await h1.stop();

    // Down for a while: the first answer after the restart overruns what the state folder remembers.
    published += 2 * WINDOW;
    const h2 = await startHarness({ config, bus, clock: h1.clock });
    expect((await h2.tick('window'))[0]).toMatchObject({ published: WINDOW, duplicates: 0, windowOverrun: true });
    expect(await gaps(h2)).toBe(1);
    expect(overrunLines(h2.logs)).toHaveLength(1);
    await h2.stop();
    // 5 + 3 + 5 + 1 + 5 published: the skipped items were never fetched, and only the metric tells.
    await waitFor(() => news.events.length === 19);
    expect(new Set(news.ids()).size).toBe(19);
    await bus.close();
  });
});
