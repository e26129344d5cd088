// The API's ports moved to services/api/ports.ts (the house layout); this keeps the dispatcher's and the adapters' imports working until they point there.
export type { AttemptRecord, DeliveryStore, WebhookRequest, WebhookResponse, WebhookSender } from '../ports.ts';
