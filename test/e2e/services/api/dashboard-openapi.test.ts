/** `GET /openapi.json`: generated from the routes, it lists every route with the parameters its schema declares. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import { migrate } from '../../../../shared/store/migrate.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import { apiConfigSchema, start, type ApiService } from '../../../../services/api/index.ts';
import { randomName } from '../../../helpers/pipeline.ts';

let store: Store;
let api: ApiService;

beforeAll(async () => {
  store = await openStore({ path: ':memory:', database: randomName() });
  await migrate(store);
  api = await start({ bus: new MemoryBus(), store, config: apiConfigSchema.parse({ port: 0, alerts: { enabled: false } }), logger: silentLogger, clock: systemClock, metrics: new Registry() });
}, 60_000);

afterAll(async () => {
  await api?.stop();
  await store?.command(`DROP DATABASE IF EXISTS ${store.database}`).catch(() => undefined);
  await store?.close();
});

describe('GET /openapi.json', () => {
  it('describes the routes from their schemas', async () => {
    const res = await fetch(`${api.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; info: { title: string }; paths: Record<string, Record<string, { summary?: string; parameters?: { name: string; in: string }[] }>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('oilwire API');
    for (const path of ['/sql', '/stream', '/metrics', '/healthz', '/api/headlines', '/api/prices', '/api/sources', '/api/topics']) expect(Object.keys(doc.paths), path).toContain(path);
    const headlines = doc.paths['/api/headlines'].get;
    expect(headlines.summary).toMatch(/headlines/);
    expect(headlines.parameters?.filter((p) => p.in === 'query').map((p) => p.name).sort()).toEqual(['from', 'limit', 'symbol', 'to']);
    expect(doc.paths['/openapi.json'].get.summary).toMatch(/OpenAPI/);
    // Routes that parse their own requests are described by their schemas too, which do not validate (routes/schemas.ts DOCUMENTED_ONLY).
    expect(doc.paths['/sql'].post.summary).toMatch(/read-only SQL/);
    expect(doc.paths['/sql'].post.parameters?.map((p) => p.name)).toEqual(['format']);
    expect(Object.keys((doc.paths['/sql'].post as { requestBody?: { content: object } }).requestBody?.content ?? {})).toEqual(['application/sql', 'application/json']);
    expect(doc.paths['/stream'].get.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['query:topics', 'query:last_event_id', 'header:Last-Event-ID']);
    expect(doc.paths['/webhooks/{id}/enable'].post.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id']);
    expect(doc.paths['/healthz'].get.summary).toMatch(/liveness/);
  });
});
