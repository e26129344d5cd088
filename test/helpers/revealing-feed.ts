import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a revealing feed has shown and answered; the suite moves `revealed`, the server counts its answers. */
export interface RevealedFeed {
  revealed: number;
  full: number;
  notModified: number;
}

/**
 * A local RSS feed for the fault suites: it serves the first `state.revealed` items (the body is the suite's own) under
 * the ETag `"rev-<revealed>"` and answers 304 to that ETag, as a real feed with validators does, so a restarted ingest
 * that kept the ETag sees nothing new. `beforeAnswer` runs on each request first (a suite revealing a slice per poll).
 */
export async function serveRevealingFeed<S extends RevealedFeed>(state: S, body: (revealed: number) => string, beforeAnswer?: (state: S) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    beforeAnswer?.(state);
    const etag = `"rev-${state.revealed}"`;
    if (req.headers['if-none-match'] === etag) {
      state.notModified++;
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    state.full++;
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag });
    res.end(body(state.revealed));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
