import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { FeedServer, conditional, fixtureFeed } from './helpers/feed-server.ts';
import { NewsCollector, T0, metricValue, startHarness, tempStateDir, type Harness } from './helpers/harness.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import type { NewsRaw } from '../../../../shared/contracts/events.ts';
import type { PollResult } from '../../../../services/ingest-news/feed-poller.ts';

const server = new FeedServer();
const dir = tempStateDir();
let h: Harness;
let result: PollResult;
let byGuidTitle: Map<string, NewsRaw>;

beforeAll(async () => {
  await server.start();
  server.route('/hostile', conditional(() => ({ body: fixtureFeed('hostile.xml'), etag: '"hostile"' })));
  h = await startHarness({ config: { feeds: [{ url: `${server.url}/hostile`, name: 'hostile' }], stateDir: dir, maxItemBytes: 8192, maxDepth: 32 } });
  const news = await NewsCollector.on(h.bus);
  [result] = await h.tick('hostile');
  await waitFor(() => news.events.length === result.published);
  byGuidTitle = new Map(news.events.map((e) => [e.title, e]));
});

afterAll(async () => {
  await h.stop();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (outcome: string) => metricValue(h.registry, 'oilwire_ingest_news_items_total', { feed: 'hostile', outcome });
const issue = (reason: string) => metricValue(h.registry, 'oilwire_ingest_news_issues_total', { feed: 'hostile', reason });

describe('a hostile feed: each bad item gets a counted, logged reason and the rest ingests', () => {
  it('publishes exactly the seven items that can be published', () => {
    expect(result).toMatchObject({ outcome: 'ok', status: 200, published: 7, duplicates: 0 });
    expect([...byGuidTitle.keys()].sort()).toEqual(
      [
        'A plain good headline about Brent',
        'Entity bomb and external here',
        'Scripted headline',
        'Dated far in the future',
        'Dated with nonsense',
        'No guid and no link, only this title',
        'Café talks – AT&T & Qatar’s envoy',
      ].sort(),
    );
  });

  it('entity-expansion bomb: DOCTYPE and ENTITY declarations removed, references dropped, nothing expanded', async () => {
    expect(result.issues).toMatchObject({ doctype_removed: 1, entity_declarations: 5, entity_reference_removed: 2 });
    expect(await issue('doctype_removed')).toBe(1);
    expect(byGuidTitle.get('Entity bomb and external here')!.title).not.toContain('lol');
  });

  it('deep nesting and giant items are cut out and counted', async () => {
    expect(result.dropped).toMatchObject({ item_too_deep: 1, item_too_large: 1 });
    expect(await count('item_too_deep')).toBe(1);
    expect(await count('item_too_large')).toBe(1);
  });

  it('scripts and HTML in titles are stripped to text and counted', async () => {
    expect(result.issues.markup_stripped).toBe(1);
    expect(await issue('markup_stripped')).toBe(1);
    const t = byGuidTitle.get('Scripted headline')!;
    expect(t.title).not.toMatch(/[<>]|alert/);
  });

  it('future and invalid dates are bounded to the fetch time, which is kept', async () => {
    expect(result.issues).toMatchObject({ date_future: 1, date_invalid: 1 });
    for (const title of ['Dated far in the future', 'Dated with nonsense']) {
      const e = byGuidTitle.get(title)!;
      expect(e.published_at).toBe(new Date(T0).toISOString());
      expect(e.fetched_at).toBe(new Date(T0).toISOString());
    }
    expect(byGuidTitle.get('A plain good headline about Brent')!.published_at).toBe('2026-06-01T09:00:00.000Z');
  });

  it('missing guid and link: identity from title and source; nothing at all to identify: dropped; empty: dropped', async () => {
    expect(result.issues.no_guid_link).toBe(1);
    expect(result.dropped).toMatchObject({ no_identity: 1, empty_item: 1 });
    expect(await count('no_identity')).toBe(1);
    expect(await count('empty_item')).toBe(1);
    expect(byGuidTitle.get('No guid and no link, only this title')!.url).toBeNull();
  });

  it('HTML entities and bare ampersands are repaired instead of failing the whole feed', () => {
    expect(result.issues).toMatchObject({ html_entity: 2, bare_ampersand: 1 });
  });

  it('logs one line per poll naming every reason', () => {
    const line = h.logs.find((l) => l.msg === 'feed items dropped or repaired');
    expect(line).toMatchObject({ feed: 'hostile', dropped: { item_too_deep: 1, item_too_large: 1, no_identity: 1, empty_item: 1 } });
    expect(line!.issues).toMatchObject({ doctype_removed: 1, markup_stripped: 1, date_future: 1, date_invalid: 1, no_guid_link: 1 });
  });
});
