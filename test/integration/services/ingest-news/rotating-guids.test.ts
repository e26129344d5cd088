import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevBroker, type DevBroker } from '../../../../shared/bus/dev-broker.ts';
import { KafkaBus } from '../../../../shared/bus/kafka-bus.ts';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import type { Bus } from '../../../../shared/bus/port.ts';
import { subscribeEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, newsScoredV1, type NewsScored } from '../../../../shared/contracts/events.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { RunningService } from '../../../../shared/runtime/service.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { scorerConfigSchema, start as startScorer } from '../../../../services/scorer/index.ts';
import { CONTENT_FILE } from '../../../../services/ingest-news/adapters/file-state-store.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { FeedServer } from './helpers/feed-server.ts';
import { NewsCollector, metricValue, startHarness, tempStateDir, type Harness } from './helpers/harness.ts';

/**
 * A feed that hands out new guids and links for the same items at every poll. The store
 * already refuses the copies by content identity, but that is after the scorer scored them and
 * the live stream sent them. ingest-news now keeps a copy back once an earlier copy of the same
 * story was acknowledged by the bus, and remembers that across a restart: the scorer sees each
 * story once. Run over the journaled in-process bus (reopened from its journal at the restart)
 * and over Kafka on the dev broker.
 */
const HEADLINES = 30;
const T_PUB = Date.UTC(2026, 5, 1, 10);
const words = ['OPEC+ output talks', 'Hormuz tanker traffic', 'US-Iran ceasefire talks', 'crude inventories', 'sanctions on Iranian oil', 'Brent futures'];
const title = (i: number) => `Headline ${i}: ${words[i % words.length]} move the market, envoys say`;

const server = new FeedServer();
const dirs: string[] = [];
let headlines = HEADLINES;
let served = 0;

function rotatingFeed(): string {
  served++;
  // New guid and new link at every request: by article id every poll is all news.
  const items = Array.from(
    { length: headlines },
    (_, i) =>
      `<item><title>${title(i)}</title><link>https://rotating.invalid/${served}/${i}</link><guid isPermaLink="false">rot-${served}-${i}</guid><pubDate>${new Date(T_PUB + i * 60_000).toUTCString()}</pubDate></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>rotating</title>${items.join('')}</channel></rss>`;
}

beforeAll(async () => {
  await server.start();
  server.route('/rotating', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rotatingFeed());
  });
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What the scorer published, read back as the live stream's consumer would. */
async function scoredCollector(bus: Bus): Promise<NewsScored[]> {
  const out: NewsScored[] = [];
  await subscribeEvents(bus, {
    groupId: `scored-${randomBytes(4).toString('hex')}`,
    topic: TOPICS.newsScored,
    schema: newsScoredV1,
    handler: async (batch) => void out.push(...batch.map((d) => d.event)),
  });
  return out;
}

interface Setup {
  openBus(): Promise<Bus>;
  /** Each scored event exactly once (no redelivery of uncommitted work). */
  exact?: boolean;
  close?(): Promise<void>;
}

async function scenario(setup: Setup): Promise<void> {
  headlines = HEADLINES;
  const stateDir = tempStateDir();
  dirs.push(stateDir);
  const config = { feeds: [{ url: `${server.url}/rotating`, name: 'rotating', tags: [] }], stateDir };
  const scorerConfig = scorerConfigSchema.parse({ groupId: `scorer-${randomBytes(4).toString('hex')}` });
  const startScoring = (bus: Bus) => startScorer({ bus, store: undefined as unknown as Store, config: scorerConfig, logger: silentLogger, clock: systemClock, metrics: new Registry() });
  const poll = async (h: Harness) => {
    h.clock.advance(300_000);
    const [r] = await h.tick('rotating');
    expect(r.outcome).toBe('ok');
    return r;
  };

  let bus = await setup.openBus();
  let scorer: RunningService = await startScoring(bus);
  const raw = await NewsCollector.on(bus);
  const h1 = await startHarness({ config, bus });
  const first = await poll(h1);
  expect(first).toMatchObject({ published: HEADLINES, duplicates: 0, sameContent: 0 });
  const second = await poll(h1);
  expect(second).toMatchObject({ published: 0, duplicates: HEADLINES, sameContent: HEADLINES });
  await waitFor(() => raw.events.length === HEADLINES, { timeoutMs: 30_000, message: () => `news.raw: ${raw.events.length}` });
  expect(await metricValue(h1.registry, 'oilwire_ingest_news_items_total', { feed: 'rotating', outcome: 'same_content' })).toBe(HEADLINES);
  await h1.stop();
  await scorer.stop();
  await bus.close();
  // One line per story published, none for the copies kept back.
  expect(readFileSync(join(stateDir, CONTENT_FILE), 'utf8').trim().split('\n')).toHaveLength(HEADLINES);

  // A restart of everything: the content identities come back from the state folder.
  bus = await setup.openBus();
  scorer = await startScoring(bus);
  const scored = await scoredCollector(bus);
  const h2 = await startHarness({ config, bus, clock: h1.clock });
  for (let i = 0; i < 2; i++) expect(await poll(h2)).toMatchObject({ published: 0, sameContent: HEADLINES });
  // A new story in the same rotating feed still goes out, once.
  headlines = HEADLINES + 1;
  expect(await poll(h2)).toMatchObject({ published: 1, sameContent: HEADLINES });
  expect(await poll(h2)).toMatchObject({ published: 0, sameContent: HEADLINES + 1 });
  // Distinct ids, not events: over Kafka a redelivered first-run article can arrive before the new story.
  const distinct = () => new Set(scored.map((s) => s.id)).size;
  await waitFor(() => distinct() >= HEADLINES + 1, { timeoutMs: 30_000, message: () => `news.scored: ${scored.length} events, ${distinct()} ids` });
  await h2.stop();
  await scorer.idle?.();
  await scorer.stop();
  await bus.close();
  await setup.close?.();

  // Six polls of a rotating feed: 31 stories, each scored under one article id. Kafka may redeliver an
  // article the scorer had not committed when it stopped (at-least-once: the same id again, which the
  // store and the stream treat as one); the journaled bus commits before its close returns.
  const ids = new Set(scored.map((s) => s.id));
  const titles = new Set(scored.map((s) => s.title));
  expect(ids.size).toBe(HEADLINES + 1);
  expect(titles.size).toBe(HEADLINES + 1);
  expect(titles).toContain(title(HEADLINES));
  if (setup.exact) expect(scored).toHaveLength(HEADLINES + 1);
}

describe('a feed that rotates guids, polled continuously', () => {
  it('reaches the scorer once per story over the journaled in-process bus, across a restart', async () => {
    const journalDir = mkdtempSync(join(tmpdir(), 'oilwire-rotating-journal-'));
    dirs.push(journalDir);
    await scenario({ openBus: () => MemoryBus.open({ journalDir }), exact: true });
  });

  it('reaches the scorer once per story over Kafka (dev broker), across a restart', async () => {
    let broker: DevBroker | undefined = await startDevBroker({ brokers: 1 });
    try {
      const b = broker;
      await scenario({
        openBus: async () => new KafkaBus({ brokers: b.brokers, clientId: 'rotating', createTopics: (t) => b.ensureTopics(t), logger: silentLogger, heartbeatIntervalMs: 200, sessionTimeoutMs: 3_000, rebalanceTimeoutMs: 5_000, maxWaitTimeMs: 100 }),
        close: async () => {
          await broker?.stop();
          broker = undefined;
        },
      });
    } finally {
      await broker?.stop();
    }
  }, 120_000);
});
