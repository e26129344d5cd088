/**
 * `GET /stream`: Server-Sent Events of `news.scored`, `news.impact` and `alert` as the
 * API receives them. Each event's `id` can be handed back in `Last-Event-ID` (or
 * `?last_event_id=`) to resume: from the replay buffer when it still holds the id, else
 * from the store starting a little before the id's time (at-least-once: a resumed client
 * may see an event twice and can drop it by its key, never miss one).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { AppError } from '../../../shared/errors.ts';
import type { Logger } from '../../../shared/runtime/logger.ts';
import type { Store } from '../../../shared/store/port.ts';
import { replayStoredEvents } from '../adapters/store-event-reader.ts';
import type { ApiConfig } from '../config.ts';
import type { StreamEvent } from '../domain/replay-buffer.ts';
import type { ApiMetrics } from '../metrics.ts';
import { sseFrame, type StreamHub } from '../stream/hub.ts';
import { sendError } from './errors.ts';
import { DOCUMENTED_ONLY, errors, streamEventSchema } from './schemas.ts';
import { toIso } from '../../../shared/contracts/time.ts';

export const STREAM_TOPICS = ['news.scored', 'news.impact', 'alert'] as const;

/** The request as the handler reads it (DOCUMENTED_ONLY: it parses the topics and the id itself); the answer is one stream of events. */
const STREAM_SCHEMA = {
  summary: 'Server-Sent Events of news.scored, news.impact and alert as the API receives them, resumable from an event id (docs/api.md, GET /stream)',
  tags: ['stream'],
  querystring: {
    type: 'object',
    properties: {
      topics: { type: 'string', description: `comma-separated subset of ${STREAM_TOPICS.join(', ')} (default: all)` },
      last_event_id: { type: 'string', description: 'resume after this event id (a first connection; the Last-Event-ID header wins)' },
    },
  },
  headers: { type: 'object', properties: { 'Last-Event-ID': { type: 'string', description: 'resume after this event id (EventSource sends it on reconnect)' } } },
  response: {
    200: {
      description: 'text/event-stream: `retry:`, then frames of `id:`, `event:` and one line of JSON `data:`, and `: keep-alive` comments; the schema is one event as {event, id, data} (infra/schemas/stream.event.schema.json)',
      content: { 'text/event-stream': { schema: streamEventSchema } },
    },
    ...errors({ 400: 'INPUT_INVALID: an unknown topic', 429: 'RATE_LIMITED: this client already holds api.stream.maxPerClient streams (Retry-After)', 503: 'BUS_UNAVAILABLE: the live stream is not running in this process' }),
  },
};

/**
 * A store replay writes until this much is waiting on the socket, then waits for it to drain:
 * a slow client slows its own replay down instead of being dropped past maxClientBufferBytes.
 */
const REPLAY_HIGH_WATER_BYTES = 256 * 1024;

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function registerStream(app: FastifyInstance, deps: { hub?: StreamHub; store: Store; config: ApiConfig; metrics: ApiMetrics; logger: Logger }): void {
  const open = new Set<ServerResponse>();
  /** Open streams per token (per client address without tokens): one client cannot hold every socket. */
  const perClient = new Map<string, number>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  // Store replays read on a connection of their own, one for all of them: however many clients resume at once,
  // the pipeline's connection (tick and impact inserts) never queues behind their reads.
  let replayStore: Promise<Store> | undefined;
  const replayConnection = (): Promise<Store> => {
    replayStore ??= deps.store.isolated().catch((err: unknown) => {
      replayStore = undefined;
      throw err;
    });
    return replayStore;
  };
  app.addHook('onClose', async () => {
    const s = replayStore;
    replayStore = undefined;
    await s?.then((store) => store.close()).catch(() => undefined);
  });

  app.get('/stream', { schema: STREAM_SCHEMA, ...DOCUMENTED_ONLY }, async (req, reply) => {
    const hub = deps.hub;
    if (!hub) return sendError(reply, new AppError('BUS_UNAVAILABLE', 'the live stream is not running in this process'));
    const q = req.query as { topics?: string; last_event_id?: string };
    const topics = new Set<string>(q.topics ? q.topics.split(',').map((t) => t.trim()).filter(Boolean) : STREAM_TOPICS);
    const unknown = [...topics].filter((t) => !(STREAM_TOPICS as readonly string[]).includes(t));
    if (unknown.length > 0) return sendError(reply, new AppError('INPUT_INVALID', `unknown topics ${unknown.join(', ')}: choose from ${STREAM_TOPICS.join(', ')}`));
    const headerId = req.headers['last-event-id'];
    const lastId = (Array.isArray(headerId) ? headerId[0] : headerId) ?? q.last_event_id;
    const client = req.principal === 'anonymous' ? `ip:${req.ip}` : `token:${req.principal}`;
    const held = perClient.get(client) ?? 0;
    if (held >= deps.config.stream.maxPerClient) {
      deps.metrics.rateLimited.inc({ token: req.principal });
      const who = req.principal === 'anonymous' ? 'this client' : `token ${req.principal}`;
      return sendError(reply, new AppError('RATE_LIMITED', `${who} already holds ${held} streams (api.stream.maxPerClient); close one first`), {
        'retry-after': String(Math.ceil(deps.config.stream.retryMs / 1000)),
      });
    }
    perClient.set(client, held + 1);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${deps.config.stream.retryMs}\n\n`);
    open.add(res);
    deps.metrics.streamClients.inc();

    let closed = false;
    let replaying = true;
    const queued: StreamEvent[] = [];
    let lastSeq = 0;
    const cfg = deps.config.stream;

    let corked = false;
    const send = (e: StreamEvent) => {
      if (closed || !topics.has(e.topic)) return;
      // Live and buffered events carry the frame the hub built once for every client; only store replays build their own.
      write(e.frame ?? sseFrame(e));
    };
    const write = (chunk: string | Uint8Array) => {
      // Events come in batches from one bus delivery: one socket write per batch, not per event.
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(() => {
          corked = false;
          res.uncork();
        });
      }
      res.write(chunk);
      // A client that does not read is dropped rather than buffered without bound; it resumes from its last id.
      if (res.writableLength > cfg.maxClientBufferBytes) {
        deps.metrics.streamDropped.inc();
        res.destroy();
      }
    };
    const listener = (events: StreamEvent[], frames: Uint8Array, topic: string | undefined) => {
      if (replaying) {
        for (const e of events) queued.push(e);
        return;
      }
      // A client that takes the whole batch writes the hub's one buffer of it (seqs grow within a batch). A batch of one
      // topic (a bus batch) is looked up once, not once per event and client.
      if (!closed && events[0].seq > lastSeq && (topic !== undefined ? topics.has(topic) : events.every((e) => topics.has(e.topic)))) {
        lastSeq = events[events.length - 1].seq;
        write(frames);
        return;
      }
      for (const e of events) {
        if (e.seq > lastSeq) {
          lastSeq = e.seq;
          send(e);
        }
      }
    };
    // Registered before the buffer is read, in the same tick: nothing can fall between replay and live.
    const unsubscribe = hub.subscribe(listener);
    const heartbeat = setInterval(() => {
      if (!closed) res.write(`: keep-alive\n\n`);
    }, cfg.heartbeatSec * 1000);
    heartbeat.unref();
    const replayAbort = new AbortController();
    const cleanup = () => {
      if (closed) return;
      closed = true;
      replayAbort.abort();
      const n = (perClient.get(client) ?? 1) - 1;
      if (n > 0) perClient.set(client, n);
      else perClient.delete(client);
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
      deps.metrics.streamClients.dec();
    };
    res.on('close', cleanup);
    res.on('error', cleanup);

    const plan = hub.buffer.plan(lastId);
    try {
      if (plan.kind === 'buffer') {
        for (const e of plan.events) {
          lastSeq = e.seq;
          send(e);
        }
      } else if (plan.kind === 'store' || plan.kind === 'unknown') {
        const buffered = plan.buffered;
        if (plan.kind === 'store') {
          const inBuffer = new Set(buffered.map((e) => e.key));
          const fromMs = plan.fromMs - cfg.storeReplayOverlapSec * 1000;
          let replayed = 0;
          // Paged and pulled: the next page is read only once the socket has taken the last one, and not at all once the client is gone.
          for await (const s of replayStoredEvents(await replayConnection(), fromMs, topics, { maxEvents: cfg.storeReplayMaxEvents, signal: replayAbort.signal })) {
            if (closed) break;
            replayed++;
            if (inBuffer.has(s.key)) continue;
            // Ids of stored events carry their time, so a client resuming from one goes back to the store from there.
            send({ id: `${s.t}-0-store`, seq: 0, t: s.t, topic: s.topic, key: s.key, data: s.data });
            if (res.writableLength > REPLAY_HIGH_WATER_BYTES) await drained(res);
          }
          if (replayed >= cfg.storeReplayMaxEvents && !closed) {
            res.write(`event: stream.gap\ndata: ${JSON.stringify({ reason: `more than ${cfg.storeReplayMaxEvents} events since the requested id; query /sql for the rest`, from: toIso(fromMs) })}\n\n`);
          }
        } else {
          res.write(`event: stream.gap\ndata: ${JSON.stringify({ reason: `unrecognised Last-Event-ID ${JSON.stringify(lastId)}; continuing live` })}\n\n`);
        }
        for (const e of buffered) {
          lastSeq = e.seq;
          send(e);
        }
      }
    } catch (err) {
      deps.logger.warn({ err }, 'stream replay failed');
      res.write(`event: stream.gap\ndata: ${JSON.stringify({ reason: 'replay from the store failed; continuing live' })}\n\n`);
    }
    replaying = false;
    for (const e of queued.splice(0)) {
      if (e.seq > lastSeq) {
        lastSeq = e.seq;
        send(e);
      }
    }
  });
}
