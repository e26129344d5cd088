import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { MemoryBus } from '../../../../../shared/bus/memory-bus.ts';
import type { Bus } from '../../../../../shared/bus/port.ts';
import { subscribeEvents } from '../../../../../shared/bus/typed.ts';
import { TOPICS, newsRawV1, type NewsRaw } from '../../../../../shared/contracts/events.ts';
import { ManualClock } from '../../../../../shared/runtime/clock.ts';
import { createLogger } from '../../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../../shared/store/port.ts';
import { ingestNewsConfigSchema } from '../../../../../services/ingest-news/config.ts';
import type { PollResult } from '../../../../../services/ingest-news/feed-poller.ts';
import { start, type IngestNewsOverrides, type IngestNewsService } from '../../../../../services/ingest-news/main.ts';
import { waitFor } from '../../../../helpers/wait-for.ts';
import { ManualScheduler } from './manual-scheduler.ts';

export const T0 = Date.UTC(2026, 5, 1, 12);

export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'oilwire-ingest-news-'));
}

/** Everything published on news.raw, read back through a consumer group as the scorer would. */
export class NewsCollector {
  readonly events: NewsRaw[] = [];
  static async on(bus: Bus): Promise<NewsCollector> {
    const c = new NewsCollector();
    await subscribeEvents(bus, {
      groupId: `collector-${Math.random().toString(16).slice(2)}`,
      topic: TOPICS.newsRaw,
      schema: newsRawV1,
      handler: async (batch) => {
        for (const d of batch) c.events.push(d.event);
      },
    });
    return c;
  }
  ids(): string[] {
    return this.events.map((e) => e.id);
  }
}

export interface Harness {
  svc: IngestNewsService;
  sched: ManualScheduler;
  clock: ManualClock;
  bus: Bus;
  registry: Registry;
  results: PollResult[];
  logs: Record<string, unknown>[];
  /** Fires the pending timers of one feed (or all) and waits for the polls they start. */
  tick(label?: string): Promise<PollResult[]>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  config: Record<string, unknown>;
  bus?: Bus;
  clock?: ManualClock;
  registry?: Registry;
  overrides?: IngestNewsOverrides;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const bus = options.bus ?? new MemoryBus();
  const clock = options.clock ?? new ManualClock(T0);
  const registry = options.registry ?? new Registry();
  const sched = new ManualScheduler();
  const results: PollResult[] = [];
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  // The test feed servers listen on 127.0.0.1, which the address policy refuses unless allowed.
  const http = { allowPrivate: ['127.0.0.1'], ...((options.config.http as Record<string, unknown> | undefined) ?? {}) };
  const config = ingestNewsConfigSchema.parse({ pollIntervalSec: 300, ...options.config, http });
  const svc = await start(
    { bus, store: undefined as unknown as Store, config, logger: createLogger({ level: 'debug', destination: sink }), clock, metrics: registry },
    { scheduler: sched, random: () => 0, ...options.overrides, onPoll: (r) => results.push(r) },
  );
  return {
    svc,
    sched,
    clock,
    bus,
    registry,
    results,
    logs,
    async tick(label?: string) {
      const before = results.length;
      const labels = sched.pending(label).map((t) => t.label);
      const fired = sched.fire(label);
      if (fired === 0) throw new Error(`no pending timer${label ? ` for ${label}` : ''}`);
      // Done when each fired feed has polled and been given its next timer.
      await waitFor(() => results.length >= before + fired && labels.every((l) => sched.pending(l).length > 0), { message: `${fired} poll(s) to finish and reschedule` });
      return results.slice(before);
    },
    stop: () => svc.stop(),
  };
}

export async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const data = await metric.get();
  const hit = data.values.find((v) => Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val));
  return hit?.value;
}
