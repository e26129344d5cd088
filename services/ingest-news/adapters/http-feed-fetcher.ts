import { Agent, fetch, type Response } from 'undici';
import { AppError } from '../../../shared/errors.ts';
import { AddressPolicy } from '../../../shared/net/address-policy.ts';
import { addressRefusal as refusal, guardedConnector } from '../../../shared/net/guarded-fetch.ts';
import { redactText, redactUrl } from '../../../shared/runtime/redact.ts';
import type { FeedFetcher, FetchRequest, FetchResponse } from '../ports.ts';
import { FileFeedFetcher } from './file-feed-fetcher.ts';

export interface HttpFetcherOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Non-public addresses (IPs or CIDRs) feeds may be fetched from; by default none (see shared/net/address-policy.ts). */
  allowPrivate?: string[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5';

function fail(reason: string, message: string, cause?: unknown, retryable = true): AppError {
  return new AppError('FEED_FETCH_FAILED', message, { cause, details: { reason }, retryable });
}

function tooLarge(url: string, maxBytes: number): AppError {
  return new AppError('INPUT_TOO_LARGE', `feed ${redactUrl(url)} is larger than ${maxBytes} bytes`, { details: { reason: 'too_large' } });
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return redactText(`${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`);
}

/**
 * Our own HTTP client for feeds: conditional GET, redirects followed by hand (capped, http(s)
 * only), one deadline for the whole exchange including the body, and a size cap counted on
 * decoded bytes while streaming (a gzip bomb stops at the cap). Local paths and file:// URLs go
 * to FileFeedFetcher (file-feed-fetcher.ts), so one configured fetcher serves every feed URL.
 */
export class HttpFeedFetcher implements FeedFetcher {
  private readonly dispatcher: Agent;
  private readonly files: FileFeedFetcher;

  /** Throws on a malformed `allowPrivate` entry. */
  constructor(private readonly options: HttpFetcherOptions) {
    const policy = new AddressPolicy(options.allowPrivate ?? [], 'ingestNews.http.allowPrivate');
    this.dispatcher = new Agent({ connect: guardedConnector(policy, options.timeoutMs) });
    this.files = new FileFeedFetcher({ maxBytes: options.maxBytes });
  }

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async fetch(request: FetchRequest): Promise<FetchResponse> {
    if (!/^https?:\/\//i.test(request.url)) return this.files.fetch(request);
    const controller = new AbortController();
    if (request.signal?.aborted) throw fail('aborted', `fetch of ${redactUrl(request.url)} cancelled`);
    const onAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    let stage: 'connect' | 'body' = 'connect';
    let url = request.url;
    try {
      let redirects = 0;
      let allPermanent = true;
      for (;;) {
        const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: ACCEPT };
        if (request.etag) headers['if-none-match'] = request.etag;
        if (request.lastModified) headers['if-modified-since'] = request.lastModified;
        stage = 'connect';
        const res = await fetch(url, { redirect: 'manual', headers, signal: controller.signal, dispatcher: this.dispatcher });
        if (REDIRECTS.has(res.status)) {
          await res.body?.cancel().catch(() => undefined);
          const location = res.headers.get('location');
          if (!location) throw fail('bad_redirect', `feed ${redactUrl(url)} answered ${res.status} without a Location`);
          let next: URL;
          try {
            next = new URL(location, url);
          } catch (err) {
            throw fail('bad_redirect', `feed ${redactUrl(url)} redirects to an invalid URL ${JSON.stringify(redactText(location.slice(0, 200)))}`, err);
          }
          // A feed must not send us to file://, data: or anything that is not the web.
          if (next.protocol !== 'http:' && next.protocol !== 'https:') throw fail('bad_redirect', `feed ${redactUrl(url)} redirects to a ${next.protocol} URL`, undefined, false);
          if (++redirects > this.options.maxRedirects) throw fail('too_many_redirects', `feed ${redactUrl(request.url)} redirected more than ${this.options.maxRedirects} times`);
          if (res.status !== 301 && res.status !== 308) allPermanent = false;
          url = next.href;
          continue;
        }
        const h = res.headers;
        const response: FetchResponse = {
          status: res.status,
          url,
          redirects,
          ...(redirects > 0 && allPermanent ? { permanentRedirect: url } : {}),
          headers: {
            contentType: h.get('content-type') ?? undefined,
            etag: h.get('etag') ?? undefined,
            lastModified: h.get('last-modified') ?? undefined,
            cacheControl: h.get('cache-control') ?? undefined,
            expires: h.get('expires') ?? undefined,
            date: h.get('date') ?? undefined,
            retryAfter: h.get('retry-after') ?? undefined,
          },
        };
        if (res.status < 200 || res.status >= 300) {
          await res.body?.cancel().catch(() => undefined);
          return response;
        }
        stage = 'body';
        const declared = Number(h.get('content-length'));
        // Content-Length counts encoded bytes; only an uncompressed body can be refused before reading.
        if (!h.get('content-encoding') && Number.isFinite(declared) && declared > this.options.maxBytes) {
          await res.body?.cancel().catch(() => undefined);
          throw tooLarge(url, this.options.maxBytes);
        }
        response.body = await this.readCapped(res, url);
        return response;
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      // Messages end up in logs and in `oilwire feeds`: the URL's credentials and keys do not.
      const shown = redactUrl(url);
      const refused = refusal(err);
      if (refused) throw fail('address_refused', `feed ${shown} is not fetched: ${refused.message}`, undefined, false);
      if (request.signal?.aborted) throw fail('aborted', `fetch of ${shown} cancelled`, err);
      if (timedOut) throw fail('timeout', `feed ${shown} did not answer within ${this.options.timeoutMs} ms`, err);
      if (stage === 'body') throw fail('truncated', `feed ${shown} broke off mid-body: ${describe(err)}`, err);
      throw fail('network', `cannot fetch ${shown}: ${describe(err)}`, err);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  private async readCapped(res: Response, url: string): Promise<Uint8Array> {
    if (!res.body) return new Uint8Array(0);
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > this.options.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(url, this.options.maxBytes);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, total);
  }
}
