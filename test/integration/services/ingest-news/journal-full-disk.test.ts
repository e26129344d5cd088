import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { CONTENT_FILE, SEEN_FILE } from '../../../../services/ingest-news/adapters/file-state-store.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { FeedServer, conditional } from './helpers/feed-server.ts';
import { NewsCollector, metricValue, startHarness, tempStateDir } from './helpers/harness.ts';

/**
 * ingest-news over the journaled in-process bus whose disk is full (a small tmpfs mounted for this
 * file, the tests run as root here and in CI, filled by a file). The publish fails, and nothing
 * upstream counts as acknowledged: no id marked seen, no ETag kept, so once there is room again
 * the next poll gets the full feed (not a 304) and publishes every item.
 */
const mountpoint = mkdtempSync(join(tmpdir(), 'oilwire-ingest-full-'));
const filler = join(mountpoint, 'filler');
const server = new FeedServer();
const stateDir = tempStateDir();
const ITEMS = 20;
// About 30 kB of items: more than the slack in the journal file's last page, which a full tmpfs still lets a write use.
const feed = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>wire</title>${Array.from(
  { length: ITEMS },
  (_, i) => `<item><title>Tanker report ${i}</title><link>https://wire.invalid/${i}</link><description>${'Shipping through the strait. '.repeat(50)}</description><pubDate>Mon, 01 Jun 2026 10:${String(i).padStart(2, '0')}:00 GMT</pubDate></item>`,
).join('')}</channel></rss>`;

beforeAll(async () => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountpoint]);
  await server.start();
});
afterAll(async () => {
  await server.close();
  execFileSync('umount', ['-l', mountpoint]);
  rmSync(mountpoint, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

describe('ingest-news when the bus journal cannot be written', () => {
  it('fails the poll with a retryable BUS_UNAVAILABLE and acknowledges nothing upstream', async () => {
    server.route('/wire', conditional(() => ({ body: feed, etag: '"full-1"' })));
    const bus = await MemoryBus.open({ journalDir: join(mountpoint, 'bus') });
    const news = await NewsCollector.on(bus);
    const h = await startHarness({ config: { feeds: [{ url: `${server.url}/wire`, name: 'wire' }], stateDir }, bus });

    const { bavail, bsize } = statfsSync(mountpoint);
    writeFileSync(filler, Buffer.alloc(Number(bavail) * Number(bsize)));
    const [failed] = await h.tick('wire');
    expect(failed).toMatchObject({ outcome: 'error', status: 200, published: 0 });
    expect(failed.error).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: true, details: { reason: 'journal_write_failed', errno: 'ENOSPC' } });
    expect(h.svc.feeds()[0]).toMatchObject({ itemsPublished: 0, lastErrorReason: 'journal_write_failed' });
    expect(h.svc.feeds()[0].etag).toBeUndefined();
    expect(await metricValue(h.registry, 'oilwire_ingest_news_errors_total', { feed: 'wire', reason: 'journal_write_failed' })).toBe(1);
    await h.svc.idle?.();
    expect(existsSync(join(stateDir, SEEN_FILE))).toBe(false);
    expect(existsSync(join(stateDir, CONTENT_FILE))).toBe(false);
    expect(h.logs.some((l) => l.msg === 'feed poll failed' && /ENOSPC/.test(String(l.err)))).toBe(true);

    rmSync(filler);
    h.clock.advance(h.results[0].delayMs);
    const [retried] = await h.tick('wire');
    // Nothing was kept from the failed poll: no If-None-Match, so no 304 that would lose the items.
    expect(server.requestsTo('/wire')[1].headers['if-none-match']).toBeUndefined();
    expect(retried).toMatchObject({ outcome: 'ok', published: ITEMS, duplicates: 0 });
    await waitFor(() => news.events.length === ITEMS);
    expect(h.svc.feeds()[0].etag).toBe('"full-1"');
    await h.stop();
    await bus.close();
  });
});
