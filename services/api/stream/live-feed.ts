/**
 * The API's live view of the pipeline: one consumer group of its own per process (every
 * replica sees every event), starting at the end of each topic. It feeds the stream hub
 * and the per-stage counters, consumer lag and end-to-end latency metrics.
 */
import { EVENT_SCHEMAS, TOPICS, type NewsImpact, type NewsRaw, type NewsScored } from '../../../shared/contracts/events.ts';
import type { Bus, Subscription } from '../../../shared/bus/port.ts';
import type { Clock } from '../../../shared/runtime/clock.ts';
import type { Logger } from '../../../shared/runtime/logger.ts';
import { observeEvents } from '../adapters/observe-bus.ts';
import type { ApiMetrics } from '../metrics.ts';
import { streamKey, type StreamHub } from './hub.ts';

const STAGE_OF: Record<string, string> = {
  [TOPICS.newsRaw]: 'ingest-news',
  [TOPICS.pricesTicks]: 'ingest-prices',
  [TOPICS.newsScored]: 'scorer',
  [TOPICS.newsImpact]: 'correlator',
};

export async function startLiveFeed(deps: { bus: Bus; hub: StreamHub; clock: Clock; logger: Logger; metrics: ApiMetrics; instance: string }): Promise<Subscription> {
  const { hub, clock, metrics } = deps;
  const groupId = `oilwire-api-live-${deps.instance}`;
  const topics = [TOPICS.newsRaw, TOPICS.newsScored, TOPICS.newsImpact, TOPICS.pricesTicks];
  const seconds = (ms: number) => Math.max(0, ms / 1000);
  return observeEvents(deps.bus, {
    groupId,
    topics,
    schemas: Object.fromEntries(topics.map((t) => [t, EVENT_SCHEMAS[t]])),
    fromBeginning: false,
    onInvalid: (topic) => metrics.stageEvents.inc({ stage: STAGE_OF[topic] ?? topic, topic: `${topic}:invalid` }),
    handler: async (events) => {
      const now = clock.now();
      const last = new Map<string, number>();
      for (const { event, message } of events) {
        const topic = message.topic;
        metrics.stageEvents.inc({ stage: STAGE_OF[topic], topic });
        last.set(topic, message.timestamp);
        if (topic === TOPICS.newsRaw) {
          const e = event as NewsRaw;
          metrics.e2eLatency.observe({ path: 'fetch_to_raw' }, seconds(message.timestamp - Date.parse(e.fetched_at)));
        } else if (topic === TOPICS.newsScored) {
          const e = event as NewsScored;
          metrics.e2eLatency.observe({ path: 'fetch_to_scored' }, seconds(Date.parse(e.scored_at) - Date.parse(e.fetched_at)));
          metrics.e2eLatency.observe({ path: 'scored_to_api' }, seconds(now - Date.parse(e.scored_at)));
          metrics.e2eLatency.observe({ path: 'fetch_to_api' }, seconds(now - Date.parse(e.fetched_at)));
          hub.publish(topic, streamKey.scored(e), e);
          metrics.streamEvents.inc({ topic });
        } else if (topic === TOPICS.newsImpact) {
          const e = event as NewsImpact;
          metrics.e2eLatency.observe({ path: 'impact_to_api' }, seconds(now - Date.parse(e.computed_at)));
          hub.publish(topic, streamKey.impact(e), e);
          metrics.streamEvents.inc({ topic });
        }
      }
      for (const [topic, ts] of last) metrics.consumerLag.set({ group: 'oilwire-api-live', topic }, seconds(now - ts));
    },
  });
}
