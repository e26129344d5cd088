import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/errors.ts';
import type { Dispatcher } from '../alerts/dispatcher.ts';
import { z } from 'zod';
import { sendError, toAppError } from './errors.ts';
import { errors, jsonSchema } from './schemas.ts';

const NOT_RUNNING = { 404: 'NOT_FOUND: alerts are not running in this process, or no such endpoint' };
const SCHEMAS = {
  list: {
    summary: "webhook endpoints' state (disabled, circuit, pending), never their secrets; admin tokens",
    tags: ['webhooks'],
    response: {
      200: {
        description: 'every configured endpoint',
        ...jsonSchema(
          z.object({
            endpoints: z.array(
              z.looseObject({
                id: z.string(),
                disabled: z.string().nullable().describe('why it was disabled (a 410 Gone), null while enabled'),
                circuit: z.string().describe('closed, open, halfopen or isolated'),
                pending: z.number().describe('deliveries waiting for it'),
              }),
            ),
          }),
        ),
      },
      ...errors(NOT_RUNNING),
    },
  },
  enable: {
    summary: 're-enable an endpoint that answered 410 Gone; admin tokens, with Content-Type: application/json or an X-Oilwire-Client header',
    tags: ['webhooks'],
    params: jsonSchema(z.object({ id: z.string().describe('webhook endpoint id (api.alerts.webhooks[].id)') })),
    response: { 200: { description: 'enabled', ...jsonSchema(z.object({ id: z.string(), enabled: z.literal(true) })) }, ...errors(NOT_RUNNING) },
  },
};

/** Webhook endpoints' state (never their secrets), and re-enabling one that answered 410. */
export function registerWebhooks(app: FastifyInstance, deps: { dispatcher?: Dispatcher }): void {
  app.get('/webhooks', { schema: SCHEMAS.list }, async (_req, reply) => {
    if (!deps.dispatcher) return sendError(reply, new AppError('NOT_FOUND', 'alerts are not running in this process'));
    return { endpoints: deps.dispatcher.endpointState() };
  });
  app.post('/webhooks/:id/enable', { schema: SCHEMAS.enable }, async (req, reply) => {
    if (!deps.dispatcher) return sendError(reply, new AppError('NOT_FOUND', 'alerts are not running in this process'));
    try {
      const id = (req.params as { id: string }).id;
      if (!(await deps.dispatcher.enableEndpoint(id))) return sendError(reply, new AppError('NOT_FOUND', `no webhook endpoint ${id}`));
      return { id, enabled: true };
    } catch (err) {
      return sendError(reply, toAppError(err));
    }
  });
}
