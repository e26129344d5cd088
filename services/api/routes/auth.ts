/**
 * Bearer tokens, their roles and the per-token rate limit. With no token configured the
 * server only binds loopback (see main.ts), asks for none, and the local user is `admin`;
 * the rate limit then keys on the client address. Health probes and the dashboard's static
 * files are public; its data is not.
 *
 * Which routes are public and which role a route needs are read from the route the router
 * matched (`req.routeOptions.config`, declared where the route is registered: `PUBLIC`,
 * `adminOnly`), never from the raw URL, so the check and the router cannot read a path
 * differently, and a route nobody declared public is protected.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors.ts';
import type { Clock } from '../../../shared/runtime/clock.ts';
import { namedTokens, type ApiConfig, type NamedToken, type TokenRole } from '../config.ts';
import { RateLimiter } from '../domain/rate-limiter.ts';
import type { ApiMetrics } from '../metrics.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the token the request authenticated with, or `anonymous`. */
    principal: string;
    /** The role of that token; `admin` for the local user when no tokens are configured. */
    role: TokenRole;
  }
  interface FastifyContextConfig {
    /** Served without a token. */
    public?: boolean;
    /** The role a token needs for this route (default `read`). */
    role?: TokenRole;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Route options of a route served without a token: `app.get('/healthz', PUBLIC, handler)`. Every other route, and any unmatched request, is protected. */
export const PUBLIC = { config: { public: true } } as const;

/** Public as the route was declared (`config.public`), or `/metrics` with `publicMetrics`. */
export function isPublicRoute(route: { url?: string; config?: { public?: boolean } }, config: Pick<ApiConfig, 'publicMetrics'>): boolean {
  return route.config?.public === true || (config.publicMetrics && route.url === '/metrics');
}

/** Routes registered inside `app` (an encapsulated context) need an `admin` token. */
export function adminOnly(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), role: 'admin' };
  });
}

export function registerAuth(app: FastifyInstance, deps: { config: ApiConfig; clock: Clock; metrics: ApiMetrics }): void {
  const tokens: (NamedToken & { hash: Buffer })[] = namedTokens(deps.config).map((t) => ({ ...t, hash: digest(t.token) }));
  const limiter = new RateLimiter(deps.config.rateLimit);
  const failures = new RateLimiter({ perMinute: deps.config.rateLimit.failedAuthPerMinute, burst: deps.config.rateLimit.failedAuthBurst });
  app.decorateRequest('principal', 'anonymous');
  app.decorateRequest('role', 'read');

  const identify = (req: FastifyRequest): NamedToken | 'missing' | 'invalid' => {
    const header = req.headers.authorization;
    if (!header) return 'missing';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return 'invalid';
    const presented = digest(m[1]);
    // Compare against every token in constant time per comparison, so timing says nothing about which one nearly matched.
    let found: NamedToken | undefined;
    for (const t of tokens) if (timingSafeEqual(t.hash, presented)) found = t;
    return found ?? 'invalid';
  };

  app.addHook('onRequest', async (req, reply) => {
    const route = req.routeOptions;
    if (isPublicRoute(route, deps.config)) return;
    let key: string;
    let perMinute: number | undefined;
    if (tokens.length > 0) {
      const who = identify(req);
      // Failed attempts spend the client address's bucket, so guessing tokens is rate limited too.
      if (who === 'missing' || who === 'invalid') {
        const d = failures.take(req.ip, deps.clock.now());
        if (!d.allowed) {
          deps.metrics.rateLimited.inc({ token: 'unauthenticated' });
          return sendError(reply, new AppError('RATE_LIMITED', `too many unauthenticated requests; retry in ${d.retryAfterSec} s`), { 'retry-after': String(d.retryAfterSec) });
        }
      }
      if (who === 'missing') {
        deps.metrics.authFailures.inc({ reason: 'missing' });
        return sendError(reply, new AppError('AUTH_REQUIRED', 'send Authorization: Bearer <token>'), { 'www-authenticate': 'Bearer realm="oilwire"' });
      }
      if (who === 'invalid') {
        deps.metrics.authFailures.inc({ reason: 'invalid' });
        return sendError(reply, new AppError('AUTH_INVALID', 'the bearer token is not valid'), { 'www-authenticate': 'Bearer realm="oilwire", error="invalid_token"' });
      }
      req.principal = who.name;
      req.role = who.role;
      key = `token:${who.name}`;
      perMinute = who.ratePerMinute;
    } else {
      req.role = 'admin';
      key = `ip:${req.ip}`;
    }
    const needs = route.config?.role ?? 'read';
    if (needs === 'admin' && req.role !== 'admin') {
      deps.metrics.authFailures.inc({ reason: 'role' });
      return sendError(reply, new AppError('FORBIDDEN', `token ${req.principal} has role ${req.role}; ${req.method} ${route.url} needs an admin token`));
    }
    const decision = limiter.take(key, deps.clock.now(), perMinute);
    reply.header('ratelimit-limit', String(decision.limit));
    reply.header('ratelimit-remaining', String(decision.remaining));
    reply.header('ratelimit-reset', String(decision.resetSec));
    if (!decision.allowed) {
      deps.metrics.rateLimited.inc({ token: req.principal });
      return sendError(reply, new AppError('RATE_LIMITED', `rate limit exceeded for ${req.principal === 'anonymous' ? 'this client' : `token ${req.principal}`}; retry in ${decision.retryAfterSec} s`), {
        'retry-after': String(decision.retryAfterSec),
      });
    }
  });
}
