import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { publishEvents, subscribeEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, dlqTopic, messageKey, newsScoredV1, type NewsRaw, type NewsScored } from '../../../../shared/contracts/events.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { RunningService } from '../../../../shared/runtime/service.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { scorerConfigSchema } from '../../../../services/scorer/config.ts';
import { start } from '../../../../services/scorer/main.ts';
import { writeModelFolder } from '../../../../services/scorer/adapters/model-folder.ts';
import { emptyModel } from '../../../../services/scorer/domain/linear-model.ts';
import { buildVocab } from '../../../../services/scorer/domain/model-files.ts';

function raw(id: string, title: string, publishedAt = '2026-03-01T10:00:00Z'): NewsRaw {
  return {
    schema: 'news.raw/v1',
    id: id.padEnd(8, '0'),
    source: 'test',
    url: null,
    title,
    summary: '',
    published_at: publishedAt,
    published_precision: 'time',
    fetched_at: publishedAt,
    tags: [],
  };
}

async function until<T>(fn: () => T | undefined, what: string, deadlineMs = 10_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('scorer service', () => {
  let service: RunningService | undefined;
  let bus: MemoryBus | undefined;
  afterEach(async () => {
    await service?.stop();
    await bus?.close();
  });

  it('scores news.raw into valid news.scored/v1 keyed by article id, deterministic for the same input and clock', async () => {
    const runOnce = async () => {
      const b = new MemoryBus();
      const clock = new ManualClock(Date.parse('2026-03-01T10:05:00Z'));
      const svc = await start({
        bus: b,
        store: {} as Store,
        config: scorerConfigSchema.parse({ groupId: `g-${Math.random().toString(36).slice(2)}` }),
        logger: silentLogger,
        clock,
        metrics: new Registry(),
      });
      const seen: { key: string; event: NewsScored }[] = [];
      const sub = await subscribeEvents(b, {
        groupId: 'reader',
        topic: TOPICS.newsScored,
        schema: newsScoredV1,
        handler: async (events) => {
          for (const e of events) seen.push({ key: e.message.key, event: e.event });
        },
      });
      const input = [
        raw('a1', 'Ceasefire talks collapse as Iran rejects Qatar mediation'),
        raw('a2', 'OPEC+ agrees surprise output cut of 1 million barrels per day'),
        raw('a3', 'OPEC+ agrees surprise output cut of 1 million bpd'),
        raw('a4', ''),
      ];
      await publishEvents(b, TOPICS.newsRaw, input, messageKey.newsRaw);
      await until(() => (seen.length === input.length ? true : undefined), 'scored events');
      await sub.close();
      await svc.stop();
      await b.close();
      return seen.sort((x, y) => x.key.localeCompare(y.key));
    };
    const first = await runOnce();
    const second = await runOnce();
    expect(first.map((s) => s.key)).toEqual(['a1000000', 'a2000000', 'a3000000', 'a4000000']);
    for (const s of first) {
      expect(s.key).toBe(s.event.id);
      expect(newsScoredV1.safeParse(s.event).success).toBe(true);
      expect(s.event.scored_at).toBe('2026-03-01T10:05:00.000Z');
    }
    expect(second).toEqual(first);
    // The two wordings of the OPEC+ cut are one story.
    expect(first[2].event.cluster_id).toBe(first[1].event.cluster_id);
    // Whichever was scored first founded the cluster; the other is a repeat.
    expect([first[1].event.novelty, first[2].event.novelty].sort((x, y) => x - y)[1]).toBe(100);
    expect(Math.min(first[1].event.novelty, first[2].event.novelty)).toBeLessThan(100);
  });

  it('sends an invalid news.raw message to the DLQ and keeps going', async () => {
    bus = new MemoryBus();
    service = await start({
      bus,
      store: {} as Store,
      config: scorerConfigSchema.parse({ groupId: 'g-dlq' }),
      logger: silentLogger,
      clock: new ManualClock(0),
      metrics: new Registry(),
    });
    const dlq: string[] = [];
    const scored: string[] = [];
    await bus.subscribe({ groupId: 'r1', topics: [dlqTopic(TOPICS.newsRaw)], handler: async (b) => void dlq.push(...b.map((m) => m.key)) });
    await bus.subscribe({ groupId: 'r2', topics: [TOPICS.newsScored], handler: async (b) => void scored.push(...b.map((m) => m.key)) });
    await bus.publish(TOPICS.newsRaw, [{ key: 'bad', value: '{"schema":"news.raw/v1"}' }]);
    await publishEvents(bus, TOPICS.newsRaw, [raw('good0001', 'Brent rises')], messageKey.newsRaw);
    await until(() => (dlq.length === 1 && scored.length === 1 ? true : undefined), 'dlq and scored');
    expect(dlq).toEqual(['bad']);
    expect(scored).toEqual(['good0001']);
  });

  it('serves the ensemble with a local transformer model in a worker thread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oilwire-svc-model-'));
    try {
      const vocab = buildVocab(['ceasefire collapses fighting resumes', 'talks progress']);
      const model = emptyModel(['negative', 'neutral', 'positive'], vocab.length, 16);
      // "collapses" pushes towards negative.
      model.unigram[vocab.indexOf('collapses') * 3] = 30;
      await writeModelFolder(dir, { vocab, model });
      bus = new MemoryBus();
      service = await start({
        bus,
        store: {} as Store,
        config: scorerConfigSchema.parse({ groupId: 'g-tf', transformers: { path: dir, workers: 1 } }),
        logger: silentLogger,
        clock: new ManualClock(Date.parse('2026-03-01T12:00:00Z')),
        metrics: new Registry(),
      });
      const scored: NewsScored[] = [];
      await subscribeEvents(bus, { groupId: 'r-tf', topic: TOPICS.newsScored, schema: newsScoredV1, handler: async (b) => void scored.push(...b.map((x) => x.event)) });
      await publishEvents(bus, TOPICS.newsRaw, [raw('tf000001', 'Ceasefire collapses as fighting resumes'), raw('tf000002', '')], messageKey.newsRaw);
      await until(() => (scored.length === 2 ? true : undefined), 'scored events');
      const byId = Object.fromEntries(scored.map((e) => [e.id, e]));
      expect(byId.tf000001.model.name).toBe(`oilwire-domain+${dir.split('/').pop()}`);
      expect(byId.tf000001.model.version).toMatch(/^1\.0\.0\+[0-9a-f]{12}$/);
      expect(byId.tf000001.sentiment.label).toBe('negative');
      expect(byId.tf000001.oil_direction.label).toBe('bullish');
      expect(byId.tf000002.sentiment).toEqual({ label: 'neutral', score: 0, confidence: 0 });
    } finally {
      await service?.stop();
      service = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
