/**
 * Webhook requests through an undici Agent: one pool of keep-alive connections per
 * receiver origin, connected through the shared guarded connector (shared/net/guarded-fetch.ts):
 * every address the target name resolves to is checked against the AddressPolicy inside the
 * connector's own lookup, so the address checked is the address connected to (no window for
 * DNS rebinding); literal IPs are checked before connecting.
 * Redirects are not followed: a 3xx is an answer like any other.
 */
import { isIP } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { AppError } from '../../../shared/errors.ts';
import type { AddressPolicy } from '../../../shared/net/address-policy.ts';
import { addressRefusal, guardedConnector } from '../../../shared/net/guarded-fetch.ts';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../ports.ts';

const MAX_RESPONSE_BYTES = 64 * 1024;

/** undici's own connect timeout: a receiver that does not accept the connection is a network failure like any other. */
const CONNECT_TIMEOUT_MS = 10_000;

export class HttpWebhookSender implements WebhookSender {
  private readonly agent: Agent;

  /** `connections` per receiver: the dispatcher's `concurrency`, so the pool never queues what the dispatcher let out. */
  constructor(private readonly policy: AddressPolicy, private readonly userAgent = 'oilwire-webhooks/1', connections = 16) {
    // One request at a time per connection: a POST is not pipelined behind another.
    this.agent = new Agent({ connections, pipelining: 1, connect: guardedConnector(policy, CONNECT_TIMEOUT_MS) });
  }

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new AppError('WEBHOOK_ADDRESS_REFUSED', `not a URL: ${request.url}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('WEBHOOK_ADDRESS_REFUSED', `only http and https targets are allowed, got ${url.protocol}`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const verdict = this.policy.check(host);
      if (!verdict.ok) throw new AppError('WEBHOOK_ADDRESS_REFUSED', verdict.reason);
    }
    let res: Dispatcher.ResponseData;
    try {
      res = await this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': this.userAgent, ...request.headers },
        body: request.body,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
    } catch (err) {
      const refused = addressRefusal(err);
      if (refused) throw new AppError('WEBHOOK_ADDRESS_REFUSED', refused.message);
      throw new AppError('WEBHOOK_DELIVERY_FAILED', (err as Error).message, { cause: err });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      // Read to the end (the connection is reused only then), keeping the first 64 KiB.
      for await (const chunk of res.body) {
        if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
        size += chunk.length;
      }
    } catch (err) {
      throw new AppError('WEBHOOK_DELIVERY_FAILED', `response: ${(err as Error).message}`, { cause: err });
    }
    const retryAfter = res.headers['retry-after'];
    return { status: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body: size === 0 ? '' : Buffer.concat(chunks).toString('utf8').slice(0, 2000) };
  }

  close(): void {
    void this.agent.destroy().catch(() => undefined);
  }
}
