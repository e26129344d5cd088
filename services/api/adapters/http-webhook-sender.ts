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
const RETRY_AFTER = 'retry-after';

/** undici's own connect timeout: a receiver that does not accept the connection is a network failure like any other. */
const CONNECT_TIMEOUT_MS = 10_000;

/** URLs whose checked target is kept; more are checked again (the endpoints are configured, so a handful). */
const MAX_TARGETS = 256;

interface Target {
  origin: string;
  path: string;
}

/**
 * One attempt's answer: the status, the first `Retry-After` (in any case), the first 64 KiB of the body, read to
 * its end (the connection is reused only then). A class, not an object of closures made per attempt: its methods
 * are compiled once for every attempt (and tsx's `__name()` wraps no closure per call).
 */
class AnswerHandler implements Dispatcher.DispatchHandlers {
  private chunks: Buffer[] = [];
  private size = 0;
  private status = 0;
  private retryAfter: string | undefined;

  constructor(private readonly resolve: (r: WebhookResponse) => void, private readonly reject: (err: unknown) => void) {}

  onConnect(): void {}

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx informational answers come first and are not the answer.
    if (statusCode < 200) return true;
    this.status = statusCode;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i];
      if (name.length === RETRY_AFTER.length && name.toString('latin1').toLowerCase() === RETRY_AFTER) {
        this.retryAfter = rawHeaders[i + 1].toString('latin1');
        break;
      }
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.size < MAX_RESPONSE_BYTES) this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  onComplete(): void {
    this.resolve({ status: this.status, retryAfter: this.retryAfter, body: this.size === 0 ? '' : Buffer.concat(this.chunks).toString('utf8').slice(0, 2000) });
  }

  onError(err: Error): void {
    const refused = addressRefusal(err);
    if (refused) this.reject(new AppError('WEBHOOK_ADDRESS_REFUSED', refused.message));
    else this.reject(new AppError('WEBHOOK_DELIVERY_FAILED', this.status === 0 ? err.message : `response: ${err.message}`, { cause: err }));
  }
}

export class HttpWebhookSender implements WebhookSender {
  private readonly agent: Agent;
  private readonly targets = new Map<string, Target>();

  /** `connections` per receiver: the dispatcher's `concurrency`, so the pool never queues what the dispatcher let out. */
  constructor(private readonly policy: AddressPolicy, private readonly userAgent = 'oilwire-webhooks/1', connections = 16) {
    // One request at a time per connection: a POST is not pipelined behind another.
    this.agent = new Agent({ connections, pipelining: 1, connect: guardedConnector(policy, CONNECT_TIMEOUT_MS) });
  }

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    const target = this.target(request.url);
    // The dispatcher's handler API, not `request()`: the answer is a status, one header and a short text, so no
    // body stream, async iterator or header object is built per attempt (a burst's first requests run that code cold).
    return new Promise<WebhookResponse>((resolve, reject) => {
      this.agent.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': this.userAgent, ...request.headers },
          body: request.body,
          headersTimeout: request.timeoutMs,
          bodyTimeout: request.timeoutMs,
        },
        new AnswerHandler(resolve, reject),
      );
    });
  }

  /**
   * Where a URL goes, checked once per URL: the endpoints are a handful of configured URLs, sent to again and
   * again, and neither the URL nor the policy changes. A refusal is not kept (it throws before anything is stored).
   */
  private target(raw: string): Target {
    const known = this.targets.get(raw);
    if (known) return known;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new AppError('WEBHOOK_ADDRESS_REFUSED', `not a URL: ${raw}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('WEBHOOK_ADDRESS_REFUSED', `only http and https targets are allowed, got ${url.protocol}`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const verdict = this.policy.check(host);
      if (!verdict.ok) throw new AppError('WEBHOOK_ADDRESS_REFUSED', verdict.reason);
    }
    const target = { origin: url.origin, path: url.pathname + url.search };
    if (this.targets.size >= MAX_TARGETS) this.targets.clear();
    this.targets.set(raw, target);
    return target;
  }

  close(): void {
    void this.agent.destroy().catch(() => undefined);
  }
}
