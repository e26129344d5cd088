/**
 * The API's metrics, registered in the process registry (deps.metrics) so /metrics shows
 * them beside the other services'. Getting an existing metric instead of registering
 * twice lets the app be built more than once against one registry (tests, restarts).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  return (registry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}

function histogram<L extends string>(registry: Registry, name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> {
  return (registry.getSingleMetric(name) as Histogram<L> | undefined) ?? new Histogram({ name, help, labelNames, buckets, registers: [registry] });
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
    e2eLatency: histogram(registry, 'oilwire_pipeline_latency_seconds', 'Latency between pipeline stages (fetch, scoring, impact computation, API receipt)', ['path'], LATENCY_BUCKETS),
    alertsFired: counter(registry, 'oilwire_alerts_fired_total', 'Alerts fired by rule', ['rule']),
    webhookAttempts: counter(registry, 'oilwire_webhook_attempts_total', 'Webhook delivery attempts by endpoint and outcome', ['endpoint', 'outcome']),
    webhookFinished: counter(registry, 'oilwire_webhook_deliveries_total', 'Webhook deliveries finished by result (delivered, dead)', ['endpoint', 'result']),
    webhookPending: gauge(registry, 'oilwire_webhook_pending', 'Webhook deliveries waiting for an attempt', ['endpoint']),
    webhookLatency: histogram(registry, 'oilwire_webhook_delivery_latency_seconds', 'From alert to accepted delivery', ['endpoint'], LATENCY_BUCKETS),
    webhookCircuit: gauge(registry, 'oilwire_webhook_circuit_open', '1 while the endpoint circuit breaker is open', ['endpoint']),
  };
}

export type ApiMetrics = ReturnType<typeof apiMetrics>;
