import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import type { SqlRunner } from '../adapters/sql-runner.ts';
import type { ApiConfig } from '../config.ts';
import { AnalystQueue } from '../domain/analyst-queue.ts';
import { checkReadOnlySql } from '../domain/sql-guard.ts';
import type { ApiMetrics } from '../metrics.ts';
import { sendError, toAppError } from './errors.ts';
import { DOCUMENTED_ONLY, errors, jsonSchema } from './schemas.ts';

export const SQL_FORMATS = {
  json: { engine: 'JSON', contentType: 'application/json; charset=utf-8' },
  jsonl: { engine: 'JSONEachRow', contentType: 'application/x-ndjson; charset=utf-8' },
  csv: { engine: 'CSVWithNames', contentType: 'text/csv; charset=utf-8' },
  tsv: { engine: 'TabSeparatedWithNames', contentType: 'text/tab-separated-values; charset=utf-8' },
} as const;
export type SqlFormat = keyof typeof SQL_FORMATS;

const ACCEPT_FORMATS: [RegExp, SqlFormat][] = [
  [/text\/csv/i, 'csv'],
  [/text\/tab-separated-values/i, 'tsv'],
  [/application\/(x-)?ndjson|application\/jsonl/i, 'jsonl'],
];

function chooseFormat(req: FastifyRequest): SqlFormat | AppError {
  const fromQuery = (req.query as { format?: string }).format;
  const body = req.body as { format?: unknown } | string | undefined;
  const fromBody = typeof body === 'object' && body !== null && typeof body.format === 'string' ? body.format : undefined;
  const asked = fromQuery ?? fromBody;
  if (asked !== undefined) {
    const f = asked.toLowerCase();
    return f in SQL_FORMATS ? (f as SqlFormat) : new AppError('INPUT_INVALID', `format must be one of ${Object.keys(SQL_FORMATS).join(', ')} (got ${asked})`);
  }
  const accept = req.headers.accept ?? '';
  return ACCEPT_FORMATS.find(([re]) => re.test(accept))?.[1] ?? 'json';
}

const formatParam = z.string().describe('json (default), jsonl, csv or tsv, in any case; also from Accept (text/csv, text/tab-separated-values, application/x-ndjson) or the JSON body');

/** The request as the handler reads it (DOCUMENTED_ONLY: it parses the body itself, a query in any body type but JSON). */
const SQL_SCHEMA = {
  summary: 'run a read-only SQL query (docs/sql-cookbook.md); the engine parses it, an allowlist of statement kinds and per-query limits apply',
  tags: ['sql'],
  querystring: jsonSchema(z.object({ format: formatParam.optional() })),
  body: {
    content: {
      'application/sql': { schema: { type: 'string', description: 'the query itself (any body type but JSON is read as the query)' } },
      'application/json': { schema: jsonSchema(z.object({ query: z.string(), format: formatParam.optional() })) },
    },
  },
  response: {
    200: {
      description: 'the result in the asked format',
      content: {
        [SQL_FORMATS.json.contentType]: { schema: jsonSchema(z.looseObject({ meta: z.array(z.looseObject({ name: z.string(), type: z.string() })), data: z.array(z.unknown()), rows: z.number() }).describe("ClickHouse's JSON format")) },
        [SQL_FORMATS.jsonl.contentType]: { schema: { type: 'string', description: 'one JSON object per row (JSONEachRow)' } },
        [SQL_FORMATS.csv.contentType]: { schema: { type: 'string', description: 'CSV with a header row' } },
        [SQL_FORMATS.tsv.contentType]: { schema: { type: 'string', description: 'tab-separated with a header row' } },
      },
    },
    ...errors({ 400: 'INPUT_INVALID (no query, unknown format), SQL_REFUSED (not a read-only statement, or the engine refused it), STORE_QUERY_FAILED (an engine error such as an unknown table)', 413: 'INPUT_TOO_LARGE: longer than api.sql.maxQueryBytes', 422: 'SQL_LIMIT_EXCEEDED: a per-query limit (time, rows, bytes, memory) was reached', 429: 'RATE_LIMITED: the analyst queue is full (Retry-After)' }),
  },
};

/** The limits every analyst query runs under; `readonly` comes last so it cannot refuse the others. */
export function sqlSettings(config: ApiConfig['sql']): Record<string, string | number> {
  return {
    max_execution_time: config.maxExecutionTimeSec,
    max_result_rows: config.maxResultRows,
    max_result_bytes: config.maxResultBytes,
    result_overflow_mode: 'throw',
    max_memory_usage: config.maxMemoryBytes,
    max_bytes_before_external_group_by: config.externalGroupByBytes,
    max_bytes_before_external_sort: config.externalSortBytes,
    max_threads: config.maxThreads,
    readonly: 1,
  };
}

export function analystQueue(config: ApiConfig['sql']): AnalystQueue {
  return new AnalystQueue({
    slots: config.connections,
    perTokenRunning: config.perTokenRunning,
    perTokenAdmitted: config.perTokenQueued,
    maxWaiting: config.maxWaiting,
    retryAfterSec: Math.max(1, Math.ceil(config.maxExecutionTimeSec)),
  });
}

export function registerSql(app: FastifyInstance, deps: { runner: () => Promise<SqlRunner>; config: ApiConfig; metrics: ApiMetrics }): void {
  // Like ClickHouse's own HTTP interface, a body that is not JSON is the query itself; the host/origin guard has already refused the body types a browser sends without a preflight (text/plain, forms).
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: deps.config.sql.maxQueryBytes + 1024 }, (_req, body, done) => done(null, body));

  const queue = analystQueue(deps.config.sql);
  const settings = sqlSettings(deps.config.sql);
  app.post('/sql', { bodyLimit: deps.config.sql.maxQueryBytes + 1024, schema: SQL_SCHEMA, ...DOCUMENTED_ONLY }, async (req, reply) => {
    const body = req.body as unknown;
    const query = typeof body === 'string' ? body : typeof (body as { query?: unknown })?.query === 'string' ? (body as { query: string }).query : undefined;
    const format = chooseFormat(req);
    if (format instanceof AppError) {
      deps.metrics.sqlQueries.inc({ outcome: 'refused' });
      return sendError(reply, format);
    }
    if (query === undefined) {
      deps.metrics.sqlQueries.inc({ outcome: 'refused' });
      return sendError(reply, new AppError('INPUT_INVALID', 'send the query as application/sql (the body is the query), or as application/json {"query": "...", "format": "json|jsonl|csv|tsv"}'));
    }
    const verdict = checkReadOnlySql(query, deps.config.sql.maxQueryBytes);
    if (!verdict.ok) {
      deps.metrics.sqlQueries.inc({ outcome: 'refused' });
      return sendError(reply, verdict.reason.startsWith('query is longer') ? new AppError('INPUT_TOO_LARGE', verdict.reason) : new AppError('SQL_REFUSED', verdict.reason));
    }
    // Without tokens every caller is `anonymous`: their address is the nearest thing to an analyst.
    const admission = queue.admit(req.principal === 'anonymous' ? `ip:${req.ip}` : `token:${req.principal}`);
    if (!admission.ok) {
      deps.metrics.sqlQueries.inc({ outcome: 'queue_full' });
      return sendError(reply, new AppError('RATE_LIMITED', admission.reason), { 'retry-after': String(admission.retryAfterSec) });
    }
    const release = await admission.started;
    try {
      const runner = await deps.runner();
      // The original text goes to the engine, not our lexer's reading of it: the engine decides where the statement ends.
      const text = await runner.run(query, SQL_FORMATS[format].engine, settings);
      deps.metrics.sqlQueries.inc({ outcome: 'ok' });
      return reply.type(SQL_FORMATS[format].contentType).header('cache-control', 'no-store').send(text);
    } catch (err) {
      const e = toAppError(err);
      deps.metrics.sqlQueries.inc({ outcome: e.code === 'SQL_LIMIT_EXCEEDED' ? 'limit' : e.code === 'SQL_REFUSED' ? 'refused' : 'error' });
      return sendError(reply, e);
    } finally {
      release();
    }
  });
}
