/**
 * The API's metrics, registered in the process registry (deps.metrics) so /metrics shows
 * them beside the other services'. Getting an existing metric instead of registering
 * twice lets the app be built more than once against one registry (tests, restarts).
 */
import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client';

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  return (registry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}

function histogram<L extends string>(registry: Registry, name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> {
  return (registry.getSingleMetric(name) as Histogram<L> | undefined) ?? new Histogram({ name, help, labelNames, buckets, registers: [registry] });
}

/** One line of a histogram as prom-client's registry reads it. */
type HistogramLine = { labels: Record<string, string | number>; value: number; metricName: string; exemplar?: null };

type Series<L extends string> = { labels: Record<L, string>; buckets: Float64Array; sum: number; count: number };

/**
 * A histogram that writes what prom-client's `Histogram` writes (name, help, type, buckets, the same lines in the same
 * order), observed through a child per label set. prom-client's observe validates and hashes the labels and keys its
 * bucket by the bound's text on every call, which cost about 5% of the API's CPU per streamed event (three latencies
 * per scored event); here an observe is a walk over the bounds and three additions. The tallies are only read on a scrape.
 */
export class TalliedHistogram<L extends string> {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, Series<L>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    private readonly bounds: readonly number[],
  ) {}

  private generation = 0;

  /**
   * The child of one label set, looked up once by the caller and kept. As in prom-client, its series appears on the
   * first observe (series are written in the order they first got a value) and a reset removes it until the next one.
   */
  labels(labels: Record<L, string>): { observe: (value: number) => void } {
    const names = Object.keys(labels).sort();
    if (names.length !== this.labelNames.length || names.some((n) => !this.labelNames.includes(n as L))) throw new Error(`${this.name}: labels ${names.join(', ')}, expected ${[...this.labelNames].sort().join(', ')}`);
    const key = JSON.stringify(this.labelNames.map((n) => labels[n]));
    const own = { ...labels };
    let series: Series<L> | undefined;
    let generation = -1;
    const bounds = this.bounds;
    return {
      observe: (value: number) => {
        if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
        if (series === undefined || generation !== this.generation) {
          series = this.series.get(key);
          if (!series) this.series.set(key, (series = { labels: own, buckets: new Float64Array(bounds.length), sum: 0, count: 0 }));
          generation = this.generation;
        }
        // Above the last bound, only +Inf (the count) takes it, as in prom-client.
        for (let i = 0; i < bounds.length; i++) {
          if (value <= bounds[i]) {
            series.buckets[i]++;
            break;
          }
        }
        series.sum += value;
        series.count++;
      },
    };
  }

  async get(): Promise<{ name: string; help: string; type: 'histogram'; values: HistogramLine[]; aggregator: 'sum' }> {
    const values: HistogramLine[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.buckets[i];
        values.push({ labels: { le: this.bounds[i], ...s.labels }, value: cumulative, metricName: `${this.name}_bucket`, exemplar: null });
      }
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${this.name}_bucket`, exemplar: null });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** As prom-client's reset: no series until the next observe (children already handed out keep working). */
  reset(): void {
    this.series.clear();
    this.generation++;
  }
}

function talliedHistogram<L extends string>(registry: Registry, name: string, help: string, labelNames: L[], buckets: number[]): TalliedHistogram<L> {
  const existing = registry.getSingleMetric(name) as unknown;
  if (existing instanceof TalliedHistogram) return existing as TalliedHistogram<L>;
  const metric = new TalliedHistogram(name, help, labelNames, buckets);
  // The registry reads a metric through get() (and reset()), which this one has; its type union lists only prom-client's classes.
  registry.registerMetric(metric as unknown as Metric);
  return metric;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export function apiMetrics(registry: Registry) {
  return {
    httpRequests: counter(registry, 'oilwire_api_http_requests_total', 'HTTP requests by route and status', ['route', 'method', 'status']),
    httpDuration: histogram(registry, 'oilwire_api_http_request_duration_seconds', 'HTTP request duration', ['route'], LATENCY_BUCKETS),
    sqlQueries: counter(registry, 'oilwire_api_sql_queries_total', 'POST /sql by outcome', ['outcome']),
    rateLimited: counter(registry, 'oilwire_api_rate_limited_total', 'Requests refused by the rate limit', ['token']),
    authFailures: counter(registry, 'oilwire_api_auth_failures_total', 'Requests refused for a missing or invalid token', ['reason']),
    streamClients: gauge(registry, 'oilwire_api_stream_clients', 'Connected GET /stream clients', []),
    streamEvents: counter(registry, 'oilwire_api_stream_events_total', 'Events published to stream clients', ['topic']),
    streamDropped: counter(registry, 'oilwire_api_stream_clients_dropped_total', 'Stream clients disconnected for falling behind', []),
    /** Per-stage counters: every event each pipeline stage published, as observed on the bus. */
    stageEvents: counter(registry, 'oilwire_pipeline_events_total', 'Events published by each pipeline stage (observed on the bus)', ['stage', 'topic']),
    /** Consumer lag in time: how long ago the bus accepted the message a consumer is handling now. */
    consumerLag: gauge(registry, 'oilwire_consumer_lag_seconds', 'Age of the message a consumer group is processing (now - bus timestamp)', ['group', 'topic']),
    /** End-to-end latency between stages, from the timestamps events carry to the moment the API sees them. */
    e2eLatency: talliedHistogram(registry, 'oilwire_pipeline_latency_seconds', 'Latency between pipeline stages (fetch, scoring, impact computation, API receipt)', ['path'], LATENCY_BUCKETS),
    alertsFired: counter(registry, 'oilwire_alerts_fired_total', 'Alerts fired by rule', ['rule']),
    webhookAttempts: counter(registry, 'oilwire_webhook_attempts_total', 'Webhook delivery attempts by endpoint and outcome', ['endpoint', 'outcome']),
    webhookFinished: counter(registry, 'oilwire_webhook_deliveries_total', 'Webhook deliveries finished by result (delivered, dead)', ['endpoint', 'result']),
    webhookPending: gauge(registry, 'oilwire_webhook_pending', 'Webhook deliveries waiting for an attempt', ['endpoint']),
    webhookLatency: histogram(registry, 'oilwire_webhook_delivery_latency_seconds', 'From alert to accepted delivery', ['endpoint'], LATENCY_BUCKETS),
    webhookCircuit: gauge(registry, 'oilwire_webhook_circuit_open', '1 while the endpoint circuit breaker is open', ['endpoint']),
  };
}

export type ApiMetrics = ReturnType<typeof apiMetrics>;
