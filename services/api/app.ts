import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { isAppError } from '../../shared/errors.ts';
import type { Store } from '../../shared/store/port.ts';
import type { Logger } from '../../shared/runtime/logger.ts';
import { checkReadOnlySql } from './domain/sql-guard.ts';
import type { ApiConfig } from './config.ts';

const FORMATS = { json: 'JSON', csv: 'CSVWithNames', tsv: 'TabSeparatedWithNames' } as const;
const CONTENT_TYPES = { json: 'application/json', csv: 'text/csv; charset=utf-8', tsv: 'text/tab-separated-values; charset=utf-8' } as const;

export interface ApiDeps {
  store: Store;
  config: ApiConfig;
  logger: Logger;
}

/** Built apart from `listen` so tests drive it with `inject`. */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({ loggerInstance: deps.logger.child({ service: 'api' }) as FastifyBaseLogger, bodyLimit: deps.config.sql.maxQueryBytes + 1024 });
  app.addContentTypeParser(['text/plain', 'application/sql'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.post('/sql', async (req, reply) => {
    const body = req.body as unknown;
    const query = typeof body === 'string' ? body : typeof (body as { query?: unknown })?.query === 'string' ? (body as { query: string }).query : undefined;
    const formatName = ((req.query as { format?: string }).format ?? (body as { format?: string })?.format ?? 'json').toLowerCase();
    if (!(formatName in FORMATS)) return reply.code(400).send({ error: 'SQL_REFUSED', message: `format must be one of json, csv, tsv` });
    if (query === undefined) return reply.code(400).send({ error: 'SQL_REFUSED', message: 'send the query as text/plain or as JSON {"query": "..."}' });
    const verdict = checkReadOnlySql(query, deps.config.sql.maxQueryBytes);
    if (!verdict.ok) return reply.code(400).send({ error: 'SQL_REFUSED', message: verdict.reason });
    const f = formatName as keyof typeof FORMATS;
    try {
      const text = await deps.store.queryText(verdict.sql, FORMATS[f], {
        settings: {
          max_execution_time: deps.config.sql.maxExecutionTimeSec,
          max_result_rows: deps.config.sql.maxResultRows,
          max_result_bytes: deps.config.sql.maxResultBytes,
          result_overflow_mode: 'throw',
          readonly: 1,
        },
      });
      return reply.type(CONTENT_TYPES[f]).send(text);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const status = isAppError(err) && err.code === 'STORE_UNAVAILABLE' ? 503 : 400;
      return reply.code(status).send({ error: isAppError(err) ? err.code : 'STORE_QUERY_FAILED', message: message.slice(0, 2000) });
    }
  });

  return app;
}
