/**
 * What keeps a web page the operator happens to open from using the API through their
 * browser. Three checks, before authentication and for every request (unknown routes too):
 *
 * 1. `Host` must be one of the API's own names: the loopback names (`127.0.0.1`, `localhost`,
 *    `[::1]`) or the address the connection arrived on, with the port it arrived on, or a
 *    configured `api.publicHosts` entry. A DNS-rebinding page reaches us under its own name
 *    (`Host: evil.example:8787`) and is refused, so it can neither act nor read answers.
 *    Values are compared exactly as sent (lower-cased), not parsed: a browser always sends
 *    the canonical form, and anything else is refused.
 * 2. `Origin`, when present, must be the API's own origin (the dashboard calls the API from
 *    the page it serves) or one of `api.allowedOrigins`. Fetch metadata (`Sec-Fetch-Site`)
 *    refuses cross-site subresource requests that carry no `Origin` (an `<img>`, a `<script>`);
 *    a top-level navigation to the dashboard is still allowed.
 * 3. A request that can change something (any method but GET/HEAD/OPTIONS) must be one a
 *    page cannot send without a CORS preflight: `Content-Type: application/json` or
 *    `application/sql`, or an `X-Oilwire-Client` header. `text/plain`, form and multipart
 *    bodies (what `fetch` with `no-cors`, `<form>` and `navigator.sendBeacon` can send) are
 *    refused with 415. Preflights are only ever answered for `api.allowedOrigins`, so for any
 *    other page the browser never sends the request at all.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors.ts';
import { sendError } from './errors.ts';

export interface HostOriginOptions {
  /** `api.publicHosts`: extra `Host` values (name, or name:port) the API answers to, e.g. behind a reverse proxy. */
  publicHosts: string[];
  /** `api.allowedOrigins`: web origins other than the API's own that may call it (they also get CORS answers). */
  allowedOrigins: string[];
}

/** The header a non-browser client may send instead of a JSON or SQL content type (a page cannot send it without a preflight). */
export const CLIENT_HEADER = 'x-oilwire-client';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BODY_TYPES = new Set(['application/json', 'application/sql']);
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The `host[:port]` spellings a client that reached `address:port` directly would send. */
function ownHosts(localAddress: string | undefined, port: number): string[] {
  const names = [...LOOPBACK_NAMES];
  if (localAddress) {
    // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; the client wrote a.b.c.d.
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(localAddress)?.[1];
    names.push(v4 ?? (localAddress.includes(':') ? `[${localAddress.toLowerCase()}]` : localAddress));
  }
  const out = names.map((n) => `${n}:${port}`);
  // The scheme's default port is left out of Host.
  if (port === 80) out.push(...names);
  return out;
}

function originOf(text: string): string | undefined {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

function refuse(reply: FastifyReply, code: 'HOST_REFUSED' | 'ORIGIN_REFUSED' | 'MEDIA_TYPE_UNSUPPORTED', message: string): FastifyReply {
  return sendError(reply, new AppError(code, message));
}

const guard: FastifyPluginAsync<HostOriginOptions> = async (app: FastifyInstance, options) => {
  const publicHosts = new Set(options.publicHosts.map((h) => h.toLowerCase()));
  const allowedOrigins = new Set(options.allowedOrigins.map((o) => originOf(o)).filter((o): o is string => o !== undefined));

  const hostAllowed = (req: FastifyRequest, host: string): boolean => {
    if (publicHosts.has(host)) return true;
    // `inject` has no socket: its requests arrive on the default port, as light-my-request's Host says.
    const port = req.socket.localPort ?? 80;
    return ownHosts(req.socket.localAddress, port).includes(host);
  };

  /** Same origin: the page's host:port is the Host this request came to (compared after the URL parser normalises both). */
  const sameOrigin = (origin: string, host: string): boolean => {
    try {
      const o = new URL(origin);
      return o.host === new URL(`${o.protocol}//${host}`).host;
    } catch {
      return false;
    }
  };

  app.addHook('onRequest', async (req, reply) => {
    const rawHost = req.headers.host;
    const host = typeof rawHost === 'string' ? rawHost.toLowerCase() : '';
    if (!host || !hostAllowed(req, host)) {
      return refuse(reply, 'HOST_REFUSED', `this API does not answer to Host ${JSON.stringify(rawHost ?? '')}; add it to api.publicHosts if clients reach the API under that name`);
    }

    const originHeader = req.headers.origin;
    let crossOrigin: string | undefined;
    if (originHeader !== undefined) {
      const origin = originOf(originHeader);
      if (!origin) return refuse(reply, 'ORIGIN_REFUSED', `requests from origin ${JSON.stringify(originHeader)} are refused`);
      if (!sameOrigin(origin, host)) {
        if (!allowedOrigins.has(origin)) return refuse(reply, 'ORIGIN_REFUSED', `requests from origin ${origin} are refused; list it in api.allowedOrigins to allow a page there to call the API`);
        crossOrigin = origin;
      }
    } else {
      const site = req.headers['sec-fetch-site'];
      const navigation = req.headers['sec-fetch-mode'] === 'navigate' && req.method === 'GET';
      if ((site === 'cross-site' || site === 'same-site') && !navigation) return refuse(reply, 'ORIGIN_REFUSED', 'cross-site requests are refused');
    }

    if (crossOrigin) {
      // Only for origins the operator listed: the answer names that one origin, never `*`.
      reply.header('access-control-allow-origin', crossOrigin).header('vary', 'Origin');
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
        return reply
          .code(204)
          .header('access-control-allow-methods', 'GET, POST')
          .header('access-control-allow-headers', `authorization, content-type, last-event-id, ${CLIENT_HEADER}`)
          .header('access-control-max-age', '600')
          .send();
      }
    }

    if (!SAFE_METHODS.has(req.method)) {
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!BODY_TYPES.has(type) && req.headers[CLIENT_HEADER] === undefined) {
        return refuse(
          reply,
          'MEDIA_TYPE_UNSUPPORTED',
          `send Content-Type: application/json or application/sql (or an ${CLIENT_HEADER} header): ${type || 'a missing content type'} is what any web page can send without asking`,
        );
      }
    }
  });
};

/** Global (not encapsulated): the hook must see every route and the not-found handler. */
export const hostOriginGuard = Object.assign(guard, { [Symbol.for('skip-override')]: true });
