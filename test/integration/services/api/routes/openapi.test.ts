/**
 * `GET /openapi.json` is made from the routes' own `schema` options and nothing else: every route
 * buildApp registers (caught by an onRoute hook on the real app) is in the document with its method,
 * and each operation's summary, tags, security, parameters, body types and response codes are
 * exactly what that route's schema declares. Schemas describe without changing what the routes do:
 * responses are not reshaped by fast-json-stringify, and a route whose handler parses its own request
 * does not get its input coerced by a validator.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../../shared/store/port.ts';
import { buildApp } from '../../../../../services/api/app.ts';
import { apiConfigSchema } from '../../../../../services/api/config.ts';
import { dropTestStore, openTestStore } from '../helpers.ts';

/** Every route of every app created in this file, as fastify registered it. */
const registered = vi.hoisted(() => [] as RouteOptions[]);
vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  const wrapped = ((opts: Parameters<typeof mod.default>[0]) => {
    const app = mod.default(opts);
    app.addHook('onRoute', (route) => void registered.push(route as unknown as RouteOptions));
    return app;
  }) as unknown as typeof mod.default;
  return { ...mod, default: wrapped };
});

type Schema = Record<string, unknown> & { properties?: Record<string, unknown> };
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  responses?: Record<string, unknown>;
}
interface Doc {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, Operation>>;
}

let store: Store;
let app: FastifyInstance;
let doc: Doc;

beforeAll(async () => {
  store = await openTestStore();
  app = await buildApp({ store, config: apiConfigSchema.parse({ alerts: { enabled: false } }), logger: silentLogger, registry: new Registry() });
  // Added after buildApp, before ready: a response schema that lists one field of two, typed otherwise than the value.
  app.get('/probe', { schema: { summary: 'probe', response: { 200: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } } } }, async () => ({ a: 1, b: 2 }));
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json() as Doc;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await dropTestStore(store);
});

const methodsOf = (r: RouteOptions) => (Array.isArray(r.method) ? r.method : [r.method]).map((m) => m.toLowerCase());
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const keys = (s: unknown) => Object.keys((s as Schema | undefined)?.properties ?? {});

/** The routes a client calls: fastify adds a HEAD beside every GET itself, which the document leaves to the GET. */
const routes = () => registered.filter((r) => r.url !== '/probe' && !(methodsOf(r).join() === 'head' && registered.some((g) => g.url === r.url && methodsOf(g).includes('get'))));

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document of this API', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('oilwire API');
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('has every registered route with its method, and no path nobody registered', () => {
    expect(routes().length).toBeGreaterThanOrEqual(19);
    const expected = routes().flatMap((r) => methodsOf(r).map((m) => `${m} ${openApiPath(r.url)}`));
    expected.push('get /probe');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(expected.sort());
  });

  it('describes each route from its own schema and from nothing else', () => {
    for (const route of routes()) {
      const schema = route.schema as Schema | undefined;
      const where = `${methodsOf(route).join()} ${route.url}`;
      expect(schema, `${where} declares a schema`).toBeDefined();
      for (const method of methodsOf(route)) {
        const op = doc.paths[openApiPath(route.url)][method];
        expect(Object.keys(op).filter((k) => !['summary', 'description', 'tags', 'security', 'parameters', 'requestBody', 'responses'].includes(k)), where).toEqual([]);
        expect(op.summary, where).toBe(schema!.summary);
        expect(op.description, where).toBe(schema!.description);
        expect(String(op.summary).length, where).toBeGreaterThan(10);
        expect(op.tags, where).toEqual(schema!.tags);
        expect(op.security, where).toEqual(schema!.security);
        const params = (where: string) => (op.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
        expect(params('query'), where).toEqual(keys(schema!.querystring));
        expect(params('header'), where).toEqual(keys(schema!.headers));
        // Every path parameter is declared by the schema (none made up from the URL alone).
        expect(params('path'), where).toEqual(keys(schema!.params));
        expect(params('path').sort(), where).toEqual([...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]).sort());
        const body = schema!.body as { content?: Record<string, unknown> } | undefined;
        expect(Object.keys(op.requestBody?.content ?? {}), where).toEqual(body ? Object.keys(body.content ?? { 'application/json': 1 }) : []);
        const responses = Object.keys((schema!.response as object | undefined) ?? {}).map((c) => c.toUpperCase());
        expect(Object.keys(op.responses ?? {}).sort(), where).toEqual(responses.sort());
        expect(responses.length, `${where} documents its answers`).toBeGreaterThan(0);
      }
    }
  });

  it('describes the stream as text/event-stream of the published event schema', () => {
    const ok = doc.paths['/stream'].get.responses!['200'] as { content: Record<string, { schema: { oneOf: { properties: { event: { enum?: string[]; const?: string } } }[] } }> };
    expect(Object.keys(ok.content)).toEqual(['text/event-stream']);
    const events = ok.content['text/event-stream'].schema.oneOf.map((b) => b.properties.event.const ?? b.properties.event.enum?.[0]);
    expect(events).toEqual(['news.scored', 'news.impact', 'alert', 'stream.gap']);
    expect(doc.paths['/stream'].get.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['query:topics', 'query:last_event_id', 'header:Last-Event-ID']);
    expect(Object.keys(doc.paths['/sql'].post.requestBody!.content)).toEqual(['application/sql', 'application/json']);
  });
});

describe('/metrics is documented as api.publicMetrics configures it', () => {
  /** An app with a token configured; the routes it registers are left out of `registered` (the tests above are about the first app). */
  async function withTokens(publicMetrics: boolean) {
    const before = registered.length;
    const other = await buildApp({ store, config: apiConfigSchema.parse({ alerts: { enabled: false }, tokens: ['t'.repeat(24)], publicMetrics }), logger: silentLogger, registry: new Registry() });
    registered.splice(before);
    try {
      const document = (await other.inject({ method: 'GET', url: '/openapi.json', headers: { authorization: `Bearer ${'t'.repeat(24)}` } })).json() as Doc & { security: unknown };
      const anonymous = await other.inject({ method: 'GET', url: '/metrics' });
      return { metrics: document.paths['/metrics'].get, anonymous: anonymous.statusCode, global: document.security };
    } finally {
      await other.close();
    }
  }

  it('without it: the bearer token the document asks of every route, and a request without one is refused', async () => {
    const { metrics, anonymous, global } = await withTokens(false);
    expect(metrics.security).toBeUndefined();
    expect(global).toEqual([{ bearer: [] }]);
    expect(metrics.summary).toMatch(/a token unless api\.publicMetrics/);
    expect(anonymous).toBe(401);
  });

  it('with it: `security: []`, and a request without a token is answered', async () => {
    const { metrics, anonymous } = await withTokens(true);
    expect(metrics.security).toEqual([]);
    expect(metrics.summary).toMatch(/public \(api\.publicMetrics\)/);
    expect(anonymous).toBe(200);
  });
});

describe('schemas describe, they do not change what a route does', () => {
  it('a response schema does not reshape the body (no fast-json-stringify)', async () => {
    const res = await app.inject({ method: 'GET', url: '/probe' });
    expect(res.body).toBe('{"a":1,"b":2}');
  });

  it('/sql reads its own request: a JSON query that is not a string is refused, not coerced to one and run', async () => {
    const res = await app.inject({ method: 'POST', url: '/sql', headers: { 'content-type': 'application/json' }, payload: { query: ['SELECT 1'] } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'INPUT_INVALID', message: expect.stringMatching(/send the query as application\/sql/) });
    const upper = await app.inject({ method: 'POST', url: '/sql?format=CSV', headers: { 'content-type': 'application/sql' }, payload: 'SELECT 1 AS one' });
    expect(upper.statusCode).toBe(200);
    expect(upper.headers['content-type']).toMatch(/^text\/csv/);
    expect(upper.body).toBe('"one"\n1\n');
  });
});
