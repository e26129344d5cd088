import { Counter, Gauge, type Registry } from 'prom-client';

/** The correlator's Prometheus metrics (names are part of the dashboards in infra/grafana). */
export function correlatorMetrics(registry: Registry) {
  return {
    impacts: new Counter({ name: 'oilwire_correlator_impacts_total', help: 'Impact results emitted, by horizon and whether they revise an earlier version', labelNames: ['horizon', 'kind'], registers: [registry] }),
    stored: new Counter({ name: 'oilwire_correlator_stored_total', help: 'Rows written by kind', labelNames: ['kind'], registers: [registry] }),
    ticks: new Counter({ name: 'oilwire_correlator_ticks_total', help: 'Ticks by outcome: accepted, late (applied behind the watermark), too_late (to ticks_late), duplicate, unknown_symbol', labelNames: ['outcome'], registers: [registry] }),
    pending: new Gauge({ name: 'oilwire_correlator_pending_articles', help: 'Articles waiting for horizons', registers: [registry] }),
    duplicateArticles: new Counter({ name: 'oilwire_correlator_duplicate_articles_total', help: 'Articles not stored or measured: the same story as one stored under another id', registers: [registry] }),
    watermark: new Gauge({ name: 'oilwire_correlator_watermark_seconds', help: 'Event-time watermark per symbol (Unix seconds)', labelNames: ['symbol'], registers: [registry] }),
  };
}
export type CorrelatorMetrics = ReturnType<typeof correlatorMetrics>;
