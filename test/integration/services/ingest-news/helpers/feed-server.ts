import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixtureFeed = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../../../fixtures/feeds/${name}`, import.meta.url)));
export const fixturePath = (name: string): string => fileURLToPath(new URL(`../../../../fixtures/feeds/${name}`, import.meta.url));

export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A feed server on a random local port whose routes tests swap at will; it records every request. */
export class FeedServer {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, Route>();
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      this.requests.push({ path, headers: req.headers });
      const route = this.routes.get(path);
      if (!route) {
        res.writeHead(404).end('no such feed');
        return;
      }
      route(req, res);
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  route(path: string, handler: Route): void {
    this.routes.set(path, handler);
  }

  requestsTo(path: string): SeenRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Serves a body with validators and answers 304 to a request that presents them. */
export function conditional(get: () => { body: Buffer | string; etag?: string; lastModified?: string; contentType?: string; headers?: Record<string, string> }): Route {
  return (req, res) => {
    const v = get();
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const headers: Record<string, string> = { ...(v.headers ?? {}) };
    if (v.etag) headers.etag = v.etag;
    if (v.lastModified) headers['last-modified'] = v.lastModified;
    if ((v.etag && inm === v.etag) || (!v.etag && v.lastModified && ims === v.lastModified)) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { 'content-type': v.contentType ?? 'application/rss+xml; charset=utf-8', ...headers }).end(v.body);
  };
}
