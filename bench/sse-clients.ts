/**
 * The api-stream bench's SSE clients, in a process of their own (forked by bench/api.ts with an IPC channel):
 * real clients are remote, so their HTTP parsing and byte counting must not be charged to the server's CPU.
 * `node bin/run-ts.mjs bench/sse-clients.ts <stream url> <clients> <marker>`: opens the connections, says
 * `{ kind: 'ready' }` once every one has its response headers, then `{ kind: 'done', bytes, cpuUs }` once
 * every client has seen the marker (the end of the frame the bench adds after the events), and exits.
 */
import http from 'node:http';
import { endFrameWatcher } from './sse-end-marker.ts';

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
    // Each client counts bytes and watches for the end frame; the parent checks the byte counts against the frames the hub built.
    const ended = endFrameWatcher(marker);
    res.on('data', (chunk: Buffer) => {
      bytes[c] += chunk.length;
      if (complete[c]) return;
      if (ended(chunk)) {
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
