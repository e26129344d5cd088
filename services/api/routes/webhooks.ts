import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/errors.ts';
import type { Dispatcher } from '../alerts/dispatcher.ts';
import { sendError, toAppError } from './errors.ts';

/** Webhook endpoints' state (never their secrets), and re-enabling one that answered 410. */
export function registerWebhooks(app: FastifyInstance, deps: { dispatcher?: Dispatcher }): void {
  app.get('/webhooks', async (_req, reply) => {
    if (!deps.dispatcher) return sendError(reply, new AppError('NOT_FOUND', 'alerts are not running in this process'));
    return { endpoints: deps.dispatcher.endpointState() };
  });
  app.post('/webhooks/:id/enable', async (req, reply) => {
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
