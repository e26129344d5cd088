import type { FastifyReply } from 'fastify';
import { AppError, isAppError } from '../../../shared/errors.ts';

/** Every refusal has the same shape: `{error: CODE, message, retryable}`, with the status the code maps to. */
export function sendError(reply: FastifyReply, err: AppError, headers: Record<string, string> = {}): FastifyReply {
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply.code(err.httpStatus).type('application/json').send({ error: err.code, message: err.message, retryable: err.retryable, ...(err.details ? { details: err.details } : {}) });
}

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = err as { statusCode?: number; message?: string; validation?: unknown; code?: string };
  if (e?.statusCode === 413 || e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('INPUT_TOO_LARGE', e.message ?? 'request body too large');
  if (e?.validation || (e?.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)) return new AppError('INPUT_INVALID', e.message ?? 'bad request');
  return new AppError('INTERNAL', 'internal error', { cause: err });
}
