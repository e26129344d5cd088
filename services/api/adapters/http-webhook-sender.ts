/**
 * Webhook requests over node:http/https. Every address the target name resolves to is
 * checked against the AddressPolicy inside the socket's own lookup, so the address
 * checked is the address connected to (no window for DNS rebinding); literal IPs are
 * checked before connecting. Redirects are not followed: a 3xx is an answer like any other.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { AppError } from '../../../shared/errors.ts';
import { AddressRefusedError, lookupThroughPolicy, type AddressPolicy } from '../../../shared/net/address-policy.ts';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../alerts/ports.ts';

const MAX_RESPONSE_BYTES = 64 * 1024;

export class HttpWebhookSender implements WebhookSender {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  private readonly guardedLookup: ReturnType<typeof lookupThroughPolicy>;

  /** `maxSockets` per receiver: the dispatcher's `concurrency`, so the agent never queues what the dispatcher let out. */
  constructor(private readonly policy: AddressPolicy, private readonly userAgent = 'oilwire-webhooks/1', maxSockets = 16) {
    this.guardedLookup = lookupThroughPolicy(policy);
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  }

  send(request: WebhookRequest): Promise<WebhookResponse> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.reject(new AppError('WEBHOOK_ADDRESS_REFUSED', `not a URL: ${request.url}`));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new AppError('WEBHOOK_ADDRESS_REFUSED', `only http and https targets are allowed, got ${url.protocol}`));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const verdict = this.policy.check(host);
      if (!verdict.ok) return Promise.reject(new AppError('WEBHOOK_ADDRESS_REFUSED', verdict.reason));
    }
    const body = Buffer.from(request.body);
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<WebhookResponse>((resolve, reject) => {
      const req = mod.request(
        url,
        {
          method: 'POST',
          agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          lookup: this.guardedLookup,
          headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'user-agent': this.userAgent, ...request.headers },
          timeout: request.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
            size += chunk.length;
          });
          res.on('end', () => {
            const retryAfter = res.headers['retry-after'];
            resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) });
          });
          res.on('error', (err) => reject(new AppError('WEBHOOK_DELIVERY_FAILED', `response: ${err.message}`, { cause: err })));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no response within ${request.timeoutMs} ms`)));
      req.on('error', (err) => {
        if (err instanceof AppError) reject(err);
        else if (err instanceof AddressRefusedError) reject(new AppError('WEBHOOK_ADDRESS_REFUSED', err.message));
        else reject(new AppError('WEBHOOK_DELIVERY_FAILED', err.message, { cause: err }));
      });
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
