/**
 * The dashboard: static files from services/api/static (plain HTML, JS and CSS, no build
 * step, nothing fetched from elsewhere) and the JSON it reads under /api.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/errors.ts';
import type { Store } from '../../../shared/store/port.ts';
import type { Clock } from '../../../shared/runtime/clock.ts';
import { headlines, horizonsAvailable, priceSeries, recentAlerts, sourcesFromStore, topicAggregates } from '../adapters/dashboard-queries.ts';
import type { ApiConfig } from '../config.ts';
import { SingleFlightCache } from '../domain/single-flight-cache.ts';
import { sendError, toAppError } from './errors.ts';
import { PUBLIC } from './auth.ts';
import { errors } from './schemas.ts';
import { answerSchema, type DashboardUrl } from './dashboard-schemas.ts';

export const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'static');

/** uPlot's browser build, served from the installed package so the page needs nothing from elsewhere. */
const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot'));
const VENDOR: Record<string, string> = { 'uPlot.iife.min.js': join(UPLOT_DIR, 'uPlot.iife.min.js'), 'uPlot.min.css': join(UPLOT_DIR, 'uPlot.min.css') };

/** A price source as ingest-prices reports it (structurally its PriceSourceStatus: services share no code). */
export interface PriceSourceView {
  name: string;
  source: string;
  live: boolean;
  note: string | null;
  endpoint: string | null;
  state: 'ok' | 'waiting' | 'failing' | 'finished' | 'failed';
  lastAttemptAt: number | null;
  lastOkAt: number | null;
  lastError: string | null;
  consecutiveFailures: number;
  lastTickTs: number | null;
  lastTickAt: number | null;
  published: number;
}
export type PriceSourcesProvider = () => PriceSourceView[] | null;

/** `live`: a live market is reached; `replay`: only replays or simulations; `waiting`: first attempt pending; `unreachable`: nothing reached; `none`: nothing configured. */
export type PriceState = 'live' | 'replay' | 'waiting' | 'unreachable' | 'none';

export function overallPriceState(sources: Pick<PriceSourceView, 'live' | 'state'>[]): PriceState {
  if (sources.length === 0) return 'none';
  if (sources.some((s) => s.live && s.state === 'ok')) return 'live';
  if (sources.some((s) => s.live && s.state === 'waiting')) return 'waiting';
  if (sources.some((s) => !s.live && (s.state === 'ok' || s.state === 'finished'))) return 'replay';
  return 'unreachable';
}

/** The OpenAPI description of a dashboard read (routes/openapi.ts collects it); every parameter stays a string, parsed below as before. */
function doc(url: DashboardUrl, summary: string, params: Record<string, string> = {}) {
  return {
    schema: {
      summary,
      tags: ['dashboard'],
      querystring: { type: 'object', properties: Object.fromEntries(Object.entries(params).map(([k, description]) => [k, { type: 'string', description }])) },
      // The answer's fields (routes/dashboard-schemas.ts); the schema only documents (app.ts serializes with JSON.stringify).
      response: { 200: { description: 'JSON', ...answerSchema(url) }, ...errors() },
    },
  };
}

/** The page and its files: public, no parameters but a file name. */
function staticDoc(summary: string, file = false) {
  return {
    ...PUBLIC,
    schema: {
      summary,
      tags: ['dashboard'],
      security: [],
      ...(file ? { params: { type: 'object', properties: { name: { type: 'string', description: 'file name' } }, required: ['name'] } } : {}),
      response: { 200: { description: 'the file', content: { '*/*': { schema: { type: 'string' } } } }, ...errors({ 404: 'NOT_FOUND: no such file' }) },
    },
  };
}
const SYMBOL = { symbol: 'symbol (default api.dashboard.symbol)' };

/** Without a running ingest-prices, a source is taken as reachable while its ticks keep arriving. */
const STORE_FRESH_MS = 15 * 60_000;

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

export function registerDashboard(app: FastifyInstance, deps: { store: Store; config: ApiConfig; clock: Clock; priceSources?: PriceSourcesProvider }): void {
  // Small and fixed: read once, served from memory.
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(STATIC_DIR)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(STATIC_DIR, name)), type });
  }
  for (const [name, path] of Object.entries(VENDOR)) files.set(`vendor/${name}`, { body: readFileSync(path), type: TYPES[extname(name)] });
  const serve = (name: string) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const f = files.get(name);
    if (!f) return sendError(reply, new AppError('NOT_FOUND', `no such file: ${name}`));
    return reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' }).type(f.type).send(f.body);
  };
  // The page and its files are public (a browser cannot send a bearer token for them); the data below is not.
  app.get('/', staticDoc('the dashboard page'), serve('index.html'));
  app.get('/index.html', staticDoc('the dashboard page'), serve('index.html'));
  app.get('/static/:name', staticDoc('a file of the dashboard (services/api/static/)', true), async (req, reply) => serve((req.params as { name: string }).name)(req, reply));
  app.get('/static/vendor/:name', staticDoc("uPlot's browser build, from the installed package", true), async (req, reply) => serve(`vendor/${(req.params as { name: string }).name}`)(req, reply));
  app.get('/favicon.ico', { ...PUBLIC, schema: { summary: 'no icon: 204, so a browser stops asking', tags: ['dashboard'], security: [], response: { 204: { description: 'no content', type: 'null' } } } }, async (_req, reply) => reply.code(204).send());

  const { store, config } = deps;
  // Reads still running when the API closes (a page closed mid-request, then Ctrl-C) finish before the store is closed
  // under them: the embedded engine crashes the process on a query whose connection is gone.
  const inflight = new Set<Promise<unknown>>();
  // Both of /api/topics' reads together, so the counts and the tests beside them come from one moment.
  const topicsCache = new SingleFlightCache<Awaited<ReturnType<typeof topicAggregates>>>(deps.clock, config.dashboard.topicsCacheMs, {
    staleMs: config.dashboard.topicsStaleMs,
    // A refresh behind a stale answer is a read like any other: the API waits for it before the store closes.
    onBackground: (work) => {
      inflight.add(work);
      void work.finally(() => inflight.delete(work));
    },
  });
  const symbolOf = (q: { symbol?: string }) => {
    const s = q.symbol ?? config.dashboard.symbol;
    if (!/^[A-Za-z0-9_.:-]{1,32}$/.test(s)) throw new AppError('INPUT_INVALID', `bad symbol ${s}`);
    return s;
  };
  app.addHook('onClose', async () => {
    await Promise.allSettled([...inflight]);
  });
  const guard = (fn: (q: Record<string, string | undefined>) => Promise<unknown>) => async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    const work = fn(req.query as Record<string, string | undefined>);
    inflight.add(work);
    try {
      return reply.header('cache-control', 'no-store').send(await work);
    } catch (err) {
      return sendError(reply, toAppError(err));
    } finally {
      inflight.delete(work);
    }
  };

  app.get(
    '/api/meta',
    doc('/api/meta', 'the symbol, default window and measured horizons', SYMBOL),
    guard(async (q) => {
      const symbol = symbolOf(q);
      return { symbol, windowHours: config.dashboard.windowHours, horizons: await horizonsAvailable(store, symbol), authRequired: config.tokens.length > 0 };
    }),
  );
  app.get(
    '/api/prices',
    doc('/api/prices', 'a price series downsampled to at most `points` points (last price per bucket)', { ...SYMBOL, hours: 'window ending at the latest tick; 0: the whole tape', from: 'start (ms since epoch), overrides hours', to: 'end (ms since epoch)', points: 'most points (10-5000)' }),
    guard(async (q) => {
      // hours=0 is the whole tape; from/to (a zoomed chart) override the window.
      const hours = q.hours === undefined ? config.dashboard.windowHours : Number(q.hours);
      if (!Number.isFinite(hours) || hours < 0) throw new AppError('INPUT_INVALID', `bad hours ${q.hours}`);
      return priceSeries(store, symbolOf(q), hours, int(q.points, 800, 10, 5000), q.to ? int(q.to, 0, 0, 8.64e15) : undefined, q.from ? int(q.from, 0, 0, 8.64e15) : undefined);
    }),
  );
  app.get(
    '/api/headlines',
    doc('/api/headlines', 'headlines, newest first, with their measured return and z at every horizon', { ...SYMBOL, from: 'published at or after (ms)', to: 'published at or before (ms)', limit: 'most rows (1-5000)' }),
    guard(async (q) =>
      headlines(store, symbolOf(q), {
        fromMs: q.from ? int(q.from, 0, 0, 8.64e15) : undefined,
        toMs: q.to ? int(q.to, 0, 0, 8.64e15) : undefined,
        limit: int(q.limit, 50, 1, 5000),
      }),
    ),
  );
  app.get(
    '/api/topics',
    doc('/api/topics', 'impact statistics by topic at one horizon, with the event-study tests of impact_tests (BMP-KP, rank, sign, bootstrap: p and q)', { ...SYMBOL, horizon: 'horizon label (default 15m)' }),
    guard(async (q) => {
      const horizon = q.horizon ?? '15m';
      if (!/^[0-9]{1,3}[mhd]$/.test(horizon)) throw new AppError('INPUT_INVALID', `bad horizon ${horizon}`);
      const symbol = symbolOf(q);
      return { horizon, topics: await topicsCache.get(`${symbol}|${horizon}`, () => topicAggregates(store, symbol, horizon)) };
    }),
  );
  app.get(
    '/api/sources',
    doc('/api/sources', 'price sources: which is live, what it is (delay, terms), its last tick and errors; state live|replay|waiting|unreachable|none'),
    guard(async () => {
      const now = deps.clock.now();
      const running = deps.priceSources?.() ?? null;
      if (running) return { state: overallPriceState(running), now, from: 'pipeline', sources: running };
      // No ingest-prices in this process (`oilwire run api`): what the store received.
      const stored = await sourcesFromStore(store, now);
      const sources: PriceSourceView[] = stored.map((r) => ({
        name: `${r.source}:${r.symbol}`,
        source: r.source,
        live: r.ticks_last_hour > 0,
        note: null,
        endpoint: null,
        state: now - r.last_insert_at <= STORE_FRESH_MS ? 'ok' : 'failing',
        lastAttemptAt: null,
        lastOkAt: r.last_insert_at,
        lastError: null,
        consecutiveFailures: 0,
        lastTickTs: r.last_tick_ts,
        lastTickAt: r.last_insert_at,
        published: 0,
      }));
      return { state: overallPriceState(sources), now, from: 'store', sources };
    }),
  );
  app.get('/api/alerts', doc('/api/alerts', 'alerts that fired, newest first', { limit: 'most rows (1-500)' }), guard(async (q) => recentAlerts(store, int(q.limit, 20, 1, 500))));
}
