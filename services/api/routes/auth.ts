/**
 * Bearer tokens and the per-token rate limit. With no token configured the server only
 * binds loopback (see main.ts) and asks for none; the rate limit then keys on the client
 * address. Health probes and the dashboard's static files are public; its data is not.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors.ts';
import type { Clock } from '../../../shared/runtime/clock.ts';
import { namedTokens, type ApiConfig, type NamedToken } from '../config.ts';
import { RateLimiter } from '../domain/rate-limiter.ts';
import type { ApiMetrics } from '../metrics.ts';
import { sendError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the token the request authenticated with, or `anonymous`. */
    principal: string;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function isPublicPath(path: string, config: Pick<ApiConfig, 'publicMetrics'>): boolean {
  return path === '/' || path === '/index.html' || path === '/favicon.ico' || path === '/healthz' || path === '/readyz' || path.startsWith('/static/') || (config.publicMetrics && path === '/metrics');
}

export function registerAuth(app: FastifyInstance, deps: { config: ApiConfig; clock: Clock; metrics: ApiMetrics }): void {
  const tokens: (NamedToken & { hash: Buffer })[] = namedTokens(deps.config).map((t) => ({ ...t, hash: digest(t.token) }));
  const limiter = new RateLimiter(deps.config.rateLimit);
  const failures = new RateLimiter({ perMinute: deps.config.rateLimit.failedAuthPerMinute, burst: deps.config.rateLimit.failedAuthBurst });
  app.decorateRequest('principal', 'anonymous');

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
    const path = req.url.split('?')[0];
    if (isPublicPath(path, deps.config)) return;
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
      key = `token:${who.name}`;
      perMinute = who.ratePerMinute;
    } else {
      key = `ip:${req.ip}`;
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
