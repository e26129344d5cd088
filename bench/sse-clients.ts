/**
 * The api-stream bench's SSE clients, in a process of their own (forked by bench/api.ts with an IPC channel):
 * real clients are remote, so their HTTP parsing and byte counting must not be charged to the server's CPU.
 * `node bin/run-ts.mjs bench/sse-clients.ts <stream url> <clients> <marker>`: opens the connections, says
 * `{ kind: 'ready' }` once every one has its response headers, then `{ kind: 'done', bytes, cpuUs }` once
 * every client has seen the marker (the end of the frame the bench adds after the events), and exits.
 */
import http from 'node:http';

export type SseClientsMessage = { kind: 'ready' } | { kind: 'done'; bytes: number[]; cpuUs: number } | { kind: 'error'; message: string };

function send(message: SseClientsMessage, then?: () => void): void {
  if (!process.send) throw new Error('bench/sse-clients.ts runs as a forked child with an IPC channel');
  process.send(message, undefined, undefined, () => then?.());
}

function fail(err: unknown): void {
  send({ kind: 'error', message: err instanceof Error ? err.message : String(err) }, () => process.exit(1));
}

const [url, count, markerText] = process.argv.slice(2);
const clients = Number(count);
if (!url || !Number.isInteger(clients) || clients < 1 || !markerText) {
  console.error('usage: sse-clients <stream url> <clients> <marker>');
  process.exit(2);
}
const marker = Buffer.from(markerText);
const bytes = new Array<number>(clients).fill(0);
const complete = new Array<boolean>(clients).fill(false);
const requests: http.ClientRequest[] = [];
let responded = 0;
let finished = 0;
const cpu0 = process.cpuUsage();

for (let c = 0; c < clients; c++) {
  const req = http.get(url, (res) => {
    if (res.statusCode !== 200) return fail(new Error(`GET /stream answered ${res.statusCode}`));
    // Each client counts bytes and compares the end of each chunk with the marker: one connection is in order, so when
    // the end frame has come every frame before it has too; the parent checks the byte counts against the
    // frames the hub built. A chunk shorter than the marker is read with the end of the one before.
    let tail: Buffer = Buffer.alloc(0);
    res.on('data', (chunk: Buffer) => {
      bytes[c] += chunk.length;
      if (complete[c]) return;
      const seen = chunk.length >= marker.length ? chunk : Buffer.concat([tail, chunk]);
      tail = seen.subarray(Math.max(0, seen.length - marker.length));
      if (tail.equals(marker)) {
        complete[c] = true;
        if (++finished === clients) {
          const used = process.cpuUsage(cpu0);
          for (const r of requests) r.destroy();
          send({ kind: 'done', bytes, cpuUs: used.user + used.system }, () => process.exit(0));
        }
      }
    });
    res.on('error', fail);
    if (++responded === clients) send({ kind: 'ready' });
  });
  req.on('error', (err) => {
    if (finished < clients) fail(err);
  });
  requests.push(req);
}
// The parent going away ends the run.
process.on('disconnect', () => process.exit(finished === clients ? 0 : 1));
