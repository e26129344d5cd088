import http from 'node:http';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { apiConfigSchema, start, type ApiService } from '../../../../services/api/index.ts';
import { ClickHouseImpactRepository } from '../../../../services/correlator/index.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { dropTestStore, openTestStore } from './helpers.ts';
import { scoredEvent } from './fixtures.ts';

const T0 = Date.parse('2026-06-01T09:00:00Z');
let store: Store;
let bus: MemoryBus;
let api: ApiService;
const replay = { queries: 0, aborted: 0 };

/** The store the API gets: its isolated connection (the replays') answers the first query and holds every later one until it is aborted. */
function withHeldReplay(inner: Store): Store {
  const delegate = (s: Store, query: Store['query']): Store => ({
    kind: s.kind,
    database: s.database,
    table: (name) => s.table(name),
    query,
    queryText: (sql, format, options) => s.queryText(sql, format, options),
    insert: (table, rows, options) => s.insert(table, rows, options),
    command: (sql, options) => s.command(sql, options),
    ping: () => s.ping(),
    isolated: () => s.isolated(),
    close: () => s.close(),
  });
  const outer = delegate(inner, ((sql: string, options?: Parameters<Store['query']>[1]) => inner.query(sql, options)) as Store['query']);
  outer.isolated = async () => {
    const own = await inner.isolated();
    return delegate(own, ((sql: string, options?: Parameters<Store['query']>[1]) => {
      if (++replay.queries === 1) return own.query(sql, options);
      return new Promise((_, reject) => {
        options?.signal?.addEventListener('abort', () => {
          replay.aborted++;
          reject(new Error('aborted'));
        });
      });
    }) as Store['query']);
  };
  return outer;
}

beforeAll(async () => {
  store = await openTestStore();
  await new ClickHouseImpactRepository(store).saveNews(Array.from({ length: 1000 }, (_, i) => scoredEvent(i)));
  bus = new MemoryBus();
  const config = apiConfigSchema.parse({ port: 0, stream: { storeReplayOverlapSec: 0 }, alerts: { enabled: false } });
  api = await start({ bus, store: withHeldReplay(store), config, logger: silentLogger, clock: systemClock, metrics: new Registry() });
});

afterAll(async () => {
  await api?.stop();
  await bus?.close();
  await dropTestStore(store);
});

describe('a store replay whose client goes away', () => {
  it('cancels the read in flight and starts no other', async () => {
    let stored = 0;
    const req = http.get(`${api.url}/stream?topics=news.scored`, { headers: { accept: 'text/event-stream', 'last-event-id': `${T0 - 60_000}-1-0ldpr0c` } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (stored += chunk.split('\n').filter((l) => l.startsWith('id: ') && l.endsWith('-store')).length));
    });
    req.on('error', () => undefined);
    // The first page (100 rows) arrives; the second page's read is in flight and held.
    await waitFor(() => stored === 100 && replay.queries === 2, { message: () => JSON.stringify({ stored, ...replay }) });
    req.destroy();
    await waitFor(() => replay.aborted === 1, { message: () => JSON.stringify(replay) });
    expect(replay.queries).toBe(2);
  });
});
