/**
 * Webhook requests over node:http/https. Every address the target name resolves to is
 * checked against the AddressPolicy inside the socket's own lookup, so the address
 * checked is the address connected to (no window for DNS rebinding); literal IPs are
 * checked before connecting. Redirects are not followed: a 3xx is an answer like any other.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AppError } from '../../../shared/errors.ts';
import type { AddressPolicy } from '../domain/address-policy.ts';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../alerts/ports.ts';

const MAX_RESPONSE_BYTES = 64 * 1024;

export class HttpWebhookSender implements WebhookSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly policy: AddressPolicy, private readonly userAgent = 'oilwire-webhooks/1') {}

  private readonly guardedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as LookupAddress[];
      for (const a of list) {
        const verdict = this.policy.check(a.address);
        if (!verdict.ok) return callback(new AppError('WEBHOOK_ADDRESS_REFUSED', `${hostname} resolves to ${verdict.reason}`), '', 0);
      }
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      else callback(null, list[0].address, list[0].family);
    });
  };

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
