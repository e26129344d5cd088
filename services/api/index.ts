// The public surface of the API: what the CLI, benchmarks and end-to-end tests may use.
// Everything else in this folder is internal; lint (eslint.config.js) rejects imports past this file.
export { start, type ApiService } from './main.ts';
// The source status panel reads ingest-prices' status through the composition root.
export type { PriceSourceView, PriceSourcesProvider, PriceState } from './routes/dashboard.ts';
export { apiConfigSchema, type ApiConfig, type ApiConfigInput, type AlertRule } from './config.ts';
export type { WebhookSender } from './ports.ts';
// Stable identities of stored alerts and deliveries (the webhook-id a receiver deduplicates on).
export { alertId } from './domain/alert-rules.ts';
export { deliveryId } from './alerts/dispatcher.ts';
// JSON Schemas of the webhook body and the /stream events (`npm run schemas` writes them to infra/schemas/).
export { payloadJsonSchemas } from './payload-schemas.ts';
