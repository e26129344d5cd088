/**
 * The dashboard: static files from services/api/static (plain HTML, JS and CSS, no build
 * step, nothing fetched from elsewhere) and the JSON it reads under /api.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/errors.ts';
import type { Store } from '../../../shared/store/port.ts';
import { headlines, horizonsAvailable, priceSeries, recentAlerts, topicAggregates } from '../adapters/dashboard-queries.ts';
import type { ApiConfig } from '../config.ts';
import { sendError, toAppError } from './errors.ts';

export const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'static');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const int = (v: unknown, dflt: number, min: number, max: number) => {
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isFinite(n)) throw new AppError('INPUT_INVALID', `expected a number, got ${String(v)}`);
  return Math.max(min, Math.min(max, Math.trunc(n)));
};

export function registerDashboard(app: FastifyInstance, deps: { store: Store; config: ApiConfig }): void {
  // Small and fixed: read once, served from memory.
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(STATIC_DIR)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(STATIC_DIR, name)), type });
  }
  const serve = (name: string) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const f = files.get(name);
    if (!f) return sendError(reply, new AppError('NOT_FOUND', `no such file: ${name}`));
    return reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' }).type(f.type).send(f.body);
  };
  app.get('/', serve('index.html'));
  app.get('/index.html', serve('index.html'));
  app.get('/static/:name', async (req, reply) => serve((req.params as { name: string }).name)(req, reply));
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());

  const { store, config } = deps;
  const symbolOf = (q: { symbol?: string }) => {
    const s = q.symbol ?? config.dashboard.symbol;
    if (!/^[A-Za-z0-9_.:-]{1,32}$/.test(s)) throw new AppError('INPUT_INVALID', `bad symbol ${s}`);
    return s;
  };
  const guard = (fn: (q: Record<string, string | undefined>) => Promise<unknown>) => async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    try {
      return reply.header('cache-control', 'no-store').send(await fn(req.query as Record<string, string | undefined>));
    } catch (err) {
      return sendError(reply, toAppError(err));
    }
  };

  app.get(
    '/api/meta',
    guard(async (q) => {
      const symbol = symbolOf(q);
      return { symbol, windowHours: config.dashboard.windowHours, horizons: await horizonsAvailable(store, symbol), authRequired: config.tokens.length > 0 };
    }),
  );
  app.get(
    '/api/prices',
    guard(async (q) => priceSeries(store, symbolOf(q), Number(q.hours ?? config.dashboard.windowHours) || config.dashboard.windowHours, int(q.points, 800, 10, 5000), q.to ? int(q.to, 0, 0, 8.64e15) : undefined)),
  );
  app.get(
    '/api/headlines',
    guard(async (q) =>
      headlines(store, symbolOf(q), {
        fromMs: q.from ? int(q.from, 0, 0, 8.64e15) : undefined,
        toMs: q.to ? int(q.to, 0, 0, 8.64e15) : undefined,
        limit: int(q.limit, 50, 1, 1000),
      }),
    ),
  );
  app.get(
    '/api/topics',
    guard(async (q) => {
      const horizon = q.horizon ?? '15m';
      if (!/^[0-9]{1,3}[mhd]$/.test(horizon)) throw new AppError('INPUT_INVALID', `bad horizon ${horizon}`);
      return { horizon, topics: await topicAggregates(store, symbolOf(q), horizon) };
    }),
  );
  app.get('/api/alerts', guard(async (q) => recentAlerts(store, int(q.limit, 20, 1, 500))));
}
