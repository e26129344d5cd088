import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENT_FILE, FileContentLog, FileSeenLog, JsonFeedStateStore } from '../../../../services/ingest-news/adapters/file-state-store.ts';
import { initialFeedState } from '../../../../services/ingest-news/domain/feed-state.ts';
import { FeedServer, conditional, fixtureFeed } from './helpers/feed-server.ts';
import { T0, startHarness, tempStateDir } from './helpers/harness.ts';

const dirs: string[] = [];
const stateDir = () => {
  const d = tempStateDir();
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('persisted state on disk', () => {
  it('feeds.json round-trips, and a damaged file costs a fresh start rather than a crash', async () => {
    const dir = stateDir();
    const store = new JsonFeedStateStore(dir);
    expect(await store.load()).toEqual({});
    const s = { ...initialFeedState('https://x.example/rss', 'x'), etag: 'W/"1"', lastModified: 'Mon, 01 Jun 2026 10:00:00 GMT' };
    await store.save({ [s.url]: s });
    expect(await new JsonFeedStateStore(dir).load()).toEqual({ [s.url]: s });
    writeFileSync(join(dir, 'feeds.json'), '{"version":1,"feeds":{');
    expect(await store.load()).toEqual({});
  });

  it('the content log round-trips, skips a torn last line and rewrites atomically', async () => {
    const dir = stateDir();
    const log = new FileContentLog(dir);
    expect(await log.load()).toEqual([]);
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(32);
    await log.append([
      [a, 1_780_000_000_000, 1_780_000_000_500],
      [b, -5, 7],
    ]);
    appendFileSync(join(dir, CONTENT_FILE), `${'c'.repeat(32)}\t1\t`);
    expect(await log.load()).toEqual([
      [a, 1_780_000_000_000, 1_780_000_000_500],
      [b, -5, 7],
    ]);
    await log.rewrite([[b, -5, 9]]);
    expect(readFileSync(join(dir, CONTENT_FILE), 'utf8')).toBe(`${b}\t-5\t9\n`);
  });

  it('the seen log skips a torn last line and compacts to the live ids', async () => {
    const dir = stateDir();
    const log = new FileSeenLog(dir);
    await log.append([
      ['a', 1],
      ['b', 2],
    ]);
    appendFileSync(join(dir, 'seen.log'), 'c\t3\nd\t');
    expect(await log.load()).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    await log.rewrite([['b', 2]]);
    expect(readFileSync(join(dir, 'seen.log'), 'utf8')).toBe('b\t2\n');
  });

  it('an id expires from the seen-set after seenTtlDays without sightings, and is published again', async () => {
    const server = await new FeedServer().start();
    try {
      let body = fixtureFeed('atom.xml');
      server.route('/atom', conditional(() => ({ body })));
      const dir = stateDir();
      const config = { feeds: [{ url: `${server.url}/atom`, name: 'atom' }], stateDir: dir, seenTtlDays: 1 };
      const h = await startHarness({ config });
      expect((await h.tick('atom'))[0]).toMatchObject({ published: 2 });
      await h.stop();
      expect(readFileSync(join(dir, 'seen.log'), 'utf8').trim().split('\n')).toHaveLength(2);

      // Half a day later the articles are still known across a restart.
      h.clock.set(T0 + 12 * 3_600_000);
      const h2 = await startHarness({ config, clock: h.clock });
      body = Buffer.from(body.toString('utf8').replace('Fixture atom', 'Fixture atom (rebuilt)'));
      expect((await h2.tick('atom'))[0]).toMatchObject({ published: 0, duplicates: 2 });
      await h2.stop();

      // Two days after the last sighting they are forgotten (the store would dedupe a re-publish anyway).
      h.clock.set(T0 + 60 * 3_600_000);
      const h3 = await startHarness({ config, clock: h.clock });
      expect(h3.logs.find((l) => l.msg === 'seen-set loaded')).toMatchObject({ seen: 0, expired: 2 });
      body = Buffer.from(body.toString('utf8').replace('(rebuilt)', '(rebuilt again)'));
      expect((await h3.tick('atom'))[0]).toMatchObject({ published: 2 });
      await h3.stop();
    } finally {
      await server.close();
    }
  });
});
