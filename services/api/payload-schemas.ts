/**
 * What the API sends out, as zod: the webhook body of every registered alert kind and the
 * `/stream` events. `npm run schemas` writes their JSON Schemas to infra/schemas/ (beside the topic
 * schemas, which they reference), and `GET /openapi.json` shows the same stream events, inlined.
 * Built from the alert-kind registry: a new kind adds its payload here without anyone editing a schema.
 */
import { z } from 'zod';
import { EVENT_SCHEMAS, TOPICS } from '../../shared/contracts/events.ts';
import { ALERT_KINDS } from './domain/alert-kinds/registry.ts';

const SCHEMA_BASE = 'https://oilwire.dev/schemas';
const time = z.iso.datetime();

/** Fields of every alert, whatever its kind (dispatcher.ts `alertPayload`, stream/hub.ts `alertStreamPayload`). */
const alertFields = {
  alert_id: z.string().regex(/^alr_[0-9a-f]{32}$/),
  rule_id: z.string(),
  symbol: z.string(),
  title: z.string(),
  event_ts: time,
};

// Every field a kind declares, and others may appear later (receivers ignore what they do not know).
const alertData = (kind: (typeof ALERT_KINDS)[number], extra: z.ZodRawShape = {}) =>
  z.looseObject({ ...alertFields, ...extra, ...kind.payload.shape }).describe(`kind ${kind.kind}: ${kind.payload.description ?? ''}`);

type Branches = [z.ZodObject, ...z.ZodObject[]];

export const webhookAlertBody = z
  .discriminatedUnion(
    'type',
    ALERT_KINDS.map((k) => z.strictObject({ type: z.literal(`alert.${k.kind}`), timestamp: time.describe('when the alert fired'), data: alertData(k) })) as unknown as Branches,
  )
  .meta({
    title: 'alert webhook body',
    description:
      'The JSON body oilwire POSTs to each webhook endpoint when an alert fires, in the envelope Standard Webhooks recommends (signed in the webhook-id, webhook-timestamp and webhook-signature headers; see docs/alerts.md). Receivers deduplicate on webhook-id. New fields may appear in data; existing ones keep their meaning.',
  });

const streamId = z.string().min(1).describe('resumes the stream after this event (Last-Event-ID)');

export const streamEvent = z
  .discriminatedUnion('event', [
    z.strictObject({ event: z.literal(TOPICS.newsScored), id: streamId, data: EVENT_SCHEMAS[TOPICS.newsScored] }),
    z.strictObject({ event: z.literal(TOPICS.newsImpact), id: streamId, data: EVENT_SCHEMAS[TOPICS.newsImpact] }),
    z.strictObject({
      event: z.literal('alert'),
      id: streamId,
      data: z.discriminatedUnion('kind', ALERT_KINDS.map((k) => alertData(k, { kind: z.literal(k.kind), fired_at: time })) as unknown as Branches),
    }),
    z
      .strictObject({ event: z.literal('stream.gap'), data: z.strictObject({ reason: z.string(), from: time.optional().describe('replay stopped here: query /sql from this time for the rest') }) })
      .describe('events were skipped (an id the API cannot read, a replay cut short or failed); carries no id'),
  ])
  .meta({
    title: 'GET /stream event',
    description:
      'One Server-Sent Event of GET /stream: `event:` is the topic, `id:` resumes the stream (Last-Event-ID), `data:` is one line of JSON. news.scored and news.impact carry the topic\'s own event (news.scored.schema.json, news.impact.schema.json); alert carries the fired alert, flattened; stream.gap says events were skipped. This schema describes the pair {event, id, data} a client decodes from one frame.',
  });

/** The published files' names (infra/schemas/<name>.schema.json) and their schemas. */
const PAYLOADS = { 'webhook.alert': webhookAlertBody, 'stream.event': streamEvent } as const;

/**
 * JSON Schemas of the payloads, as committed in infra/schemas/: the topic events they carry are
 * `$ref`s to the topic schemas' `$id`s (written by the same command from the event contracts).
 */
export function payloadJsonSchemas(): Record<string, object> {
  const registry = z.registry<{ id: string }>();
  for (const topic of [TOPICS.newsScored, TOPICS.newsImpact]) registry.add(EVENT_SCHEMAS[topic], { id: topic });
  for (const [name, schema] of Object.entries(PAYLOADS)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'output', uri: (id) => `${SCHEMA_BASE}/${id}.json` });
  return Object.fromEntries(Object.keys(PAYLOADS).map((name) => [name, headFirst(schemas[name] as Record<string, unknown>)]));
}

/** One stream event with the topic events inlined, for a document that cannot follow `$ref`s to infra/schemas/ (OpenAPI). */
export function streamEventJsonSchemaInline(): Record<string, unknown> {
  const { $schema: _schema, ...inline } = z.toJSONSchema(streamEvent, { target: 'draft-2020-12', io: 'output' });
  return inline;
}

/** `$schema`, `$id`, title and description first, as a reader opens the file. */
function headFirst(s: Record<string, unknown>): Record<string, unknown> {
  const { $schema, $id, title, description, ...rest } = s;
  return { $schema, $id, title, description, ...rest };
}
