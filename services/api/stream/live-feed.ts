/**
 * The API's live view of the pipeline: one consumer group of its own per process (every
 * replica sees every event), starting at the end of each topic. It feeds the stream hub
 * and the per-stage counters, consumer lag and end-to-end latency metrics.
 *
 * Validation happens once, here, where an event enters the API, and only as far as the API
 * uses the event: the topics the stream serves (`news.scored`, `news.impact`) are checked
 * against their full schema before any client sees them; `news.raw` is read only for its
 * `fetched_at`, and `prices.ticks` (the busiest topic) only counted, never parsed. Their full
 * schemas are their own consumers' job, which dead-letter what fails them. The two served topics
 * are decoded by `streamDecoder`: zod's verdict and zod's bytes, mostly without running zod, and
 * the text it gives is what the hub frames (it serialises no event a second time).
 */
import { TOPICS, newsImpactV1, newsScoredV1, type NewsImpact, type NewsScored } from '../../../shared/contracts/events.ts';
import type { Bus, IncomingMessage, Subscription } from '../../../shared/bus/port.ts';
import type { Clock } from '../../../shared/runtime/clock.ts';
import type { Logger } from '../../../shared/runtime/logger.ts';
import type { ApiMetrics } from '../metrics.ts';
import { streamKey, type StreamHub } from './hub.ts';
import { streamDecoder } from './stream-decoder.ts';

const STAGE_OF: Record<string, string> = {
  [TOPICS.newsRaw]: 'ingest-news',
  [TOPICS.pricesTicks]: 'ingest-prices',
  [TOPICS.newsScored]: 'scorer',
  [TOPICS.newsImpact]: 'correlator',
};

/** `fetched_at` of a `news.raw` message, or undefined when the message is not JSON or has none. */
function fetchedAtOf(message: IncomingMessage): number | undefined {
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch {
    return undefined;
  }
  const at = typeof json === 'object' && json !== null ? (json as { fetched_at?: unknown }).fetched_at : undefined;
  const ms = typeof at === 'string' ? Date.parse(at) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

export async function startLiveFeed(deps: { bus: Bus; hub: StreamHub; clock: Clock; logger: Logger; metrics: ApiMetrics; instance: string }): Promise<Subscription> {
  const { hub, clock, metrics } = deps;
  const groupId = `oilwire-api-live-${deps.instance}`;
  const topics = [TOPICS.newsRaw, TOPICS.newsScored, TOPICS.newsImpact, TOPICS.pricesTicks];
  const seconds = (ms: number) => Math.max(0, ms / 1000);
  // Children looked up once: a labelled observe hashes its labels on every call.
  const latency = (path: string) => metrics.e2eLatency.labels({ path });
  const fetchToRaw = latency('fetch_to_raw');
  const fetchToScored = latency('fetch_to_scored');
  const scoredToApi = latency('scored_to_api');
  const fetchToApi = latency('fetch_to_api');
  const impactToApi = latency('impact_to_api');
  const decodeScored = streamDecoder(newsScoredV1);
  const decodeImpact = streamDecoder(newsImpactV1);
  return deps.bus.subscribe({
    groupId,
    topics,
    fromBeginning: false,
    handler: async (batch) => {
      const now = clock.now();
      // Counters are added once per batch and topic: a labelled inc per event costs more than the event. A bus batch is
      // one partition's, so of one topic: plain tallies per topic, no map updates per event.
      const tallies = new Map<string, { events: number; invalid: number; streamed: number; last: number }>();
      let tally: { events: number; invalid: number; streamed: number; last: number } | undefined;
      let tallied: string | undefined;
      const publish: { topic: string; key: string; data: string }[] = [];
      for (const message of batch) {
        const topic = message.topic;
        if (topic !== tallied) {
          if (!(topic in STAGE_OF)) continue;
          tally = tallies.get(topic);
          if (!tally) tallies.set(topic, (tally = { events: 0, invalid: 0, streamed: 0, last: 0 }));
          tallied = topic;
        }
        const t = tally!;
        t.last = message.timestamp;
        if (topic === TOPICS.pricesTicks) {
          t.events++;
        } else if (topic === TOPICS.newsRaw) {
          const fetchedAt = fetchedAtOf(message);
          if (fetchedAt === undefined) {
            t.invalid++;
            continue;
          }
          t.events++;
          fetchToRaw.observe(seconds(message.timestamp - fetchedAt));
        } else if (topic === TOPICS.newsScored) {
          const result = decodeScored(message.value);
          if (!result.ok) {
            t.invalid++;
            continue;
          }
          t.events++;
          const e: NewsScored = result.event;
          const fetched = Date.parse(e.fetched_at);
          const scored = Date.parse(e.scored_at);
          fetchToScored.observe(seconds(scored - fetched));
          scoredToApi.observe(seconds(now - scored));
          fetchToApi.observe(seconds(now - fetched));
          publish.push({ topic, key: streamKey.scored(e), data: result.data });
          t.streamed++;
        } else {
          const result = decodeImpact(message.value);
          if (!result.ok) {
            t.invalid++;
            continue;
          }
          t.events++;
          const e: NewsImpact = result.event;
          impactToApi.observe(seconds(now - Date.parse(e.computed_at)));
          publish.push({ topic, key: streamKey.impact(e), data: result.data });
          t.streamed++;
        }
      }
      // One publish per bus batch: one frame buffer for the batch, written once to each client that takes all of it.
      hub.publishAll(publish);
      for (const [topic, t] of tallies) {
        if (t.events > 0) metrics.stageEvents.inc({ stage: STAGE_OF[topic], topic }, t.events);
        if (t.invalid > 0) metrics.stageEvents.inc({ stage: STAGE_OF[topic], topic: `${topic}:invalid` }, t.invalid);
        if (t.streamed > 0) metrics.streamEvents.inc({ topic }, t.streamed);
        metrics.consumerLag.set({ group: 'oilwire-api-live', topic }, seconds(now - t.last));
      }
    },
  });
}
