/** Shared pieces of the api service's integration tests: a migrated throwaway store, an SSE reader, a Standard Webhooks receiver. */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { waitFor } from '../../../helpers/wait-for.ts';

export { randomName } from '../../../helpers/pipeline.ts';
export { dropTestStore, openTestStore } from '../../../helpers/store.ts';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** A minimal EventSource over node:http: collects events, closes on demand. */
export function openSse(url: string, headers: Record<string, string> = {}): { events: SseEvent[]; status: Promise<number>; comments: string[]; close(): void; ended: Promise<void> } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let req: http.ClientRequest;
  let resolveEnd: () => void;
  const ended = new Promise<void>((r) => (resolveEnd = r));
  const status = new Promise<number>((resolve, reject) => {
    req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      resolve(res.statusCode ?? 0);
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const e: SseEvent = { event: 'message', data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) {
              e.data += line.slice(6);
              hasData = true;
            }
          }
          if (hasData) events.push(e);
        }
      });
      res.on('end', () => resolveEnd());
      res.on('close', () => resolveEnd());
    });
    req.on('error', (err) => {
      reject(err);
      resolveEnd();
    });
  });
  return { events, status, comments, ended, close: () => req.destroy() };
}

export interface ReceivedRequest {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  verified: boolean;
  status: number;
  headers: IncomingHttpHeaders;
}

/**
 * A webhook receiver as the spec asks receivers to be: verifies the signature with the
 * `standardwebhooks` verifier and treats a `webhook-id` it already accepted as done.
 * `respond` can script failures; `accepted` counts each id once per acceptance.
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** webhook-id → how many times it was accepted (a first, verified, 2xx answer). */
  readonly accepted = new Map<string, number>();
  /** webhook-ids delivered again after they had been accepted. */
  readonly duplicates: string[] = [];
  respond: (req: ReceivedRequest, n: number) => { status: number; headers?: Record<string, string> } = () => ({ status: 204 });
  private server: http.Server | undefined;
  port = 0;

  constructor(private readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async listen(port = 0): Promise<void> {
    const verifier = new Webhook(this.secret);
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const r: ReceivedRequest = {
          id: String(req.headers['webhook-id']),
          timestamp: String(req.headers['webhook-timestamp']),
          signature: String(req.headers['webhook-signature']),
          body,
          verified: false,
          status: 0,
          headers: req.headers,
        };
        try {
          verifier.verify(body, { 'webhook-id': r.id, 'webhook-timestamp': r.timestamp, 'webhook-signature': r.signature });
          r.verified = true;
        } catch {
          r.verified = false;
        }
        const n = this.requests.filter((x) => x.id === r.id).length;
        let answer = r.verified ? this.respond(r, n) : { status: 401 };
        if (r.verified && this.accepted.has(r.id) && answer.status < 300) {
          this.duplicates.push(r.id);
          answer = { status: 204 };
        } else if (r.verified && answer.status >= 200 && answer.status < 300) {
          this.accepted.set(r.id, (this.accepted.get(r.id) ?? 0) + 1);
        }
        r.status = answer.status;
        this.requests.push(r);
        res.writeHead(answer.status, answer.headers ?? {});
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    const s = this.server;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/**
 * A port nothing listens on (yet): connections to it are refused until a receiver takes it.
 * Picked below the kernel's ephemeral range (32768-60999 on Linux), so that no socket the
 * kernel numbers itself (another test's listen(0), an outgoing connection) takes it first.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const s = http.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      await new Promise<void>((r) => s.close(() => r()));
      return port;
    }
  }
}

export const TEST_SECRET = 'whsec_' + Buffer.from('oilwire-test-secret-0123456789ab').toString('base64');

export { waitFor };
