import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_SOURCES, ingestPricesConfigSchema, priceSourceSchema } from '../../../../services/ingest-prices/config.ts';
import { PRICE_SOURCES } from '../../../../services/ingest-prices/sources/registry.ts';

const issues = (input: unknown) => {
  const r = priceSourceSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, keys: 'keys' in i ? i.keys : undefined }));
};

describe('ingestPrices.sources, assembled from the registry', () => {
  it('accepts exactly the registered kinds, each with its own defaults as source name', () => {
    expect(PRICE_SOURCES.map((c) => c.kind)).toEqual(['csv', 'ndjson', 'simulator', 'yahoo', 'websocket']);
    const minimal: Record<string, object> = { csv: { path: 'a.csv' }, ndjson: { path: 'a.ndjson' }, simulator: {}, yahoo: {}, websocket: { url: 'wss://feed.example/ticks' } };
    for (const { kind } of PRICE_SOURCES) expect(priceSourceSchema.parse({ kind, ...minimal[kind] })).toMatchObject({ kind, source: kind, symbol: 'BRENT' });
    expect(issues({ kind: 'bloomberg' })).toEqual([{ path: 'kind', code: 'invalid_union', keys: undefined }]);
  });

  it('keeps each kind strict: an unknown key is refused at its path, and a key of another kind is unknown here', () => {
    expect(issues({ kind: 'yahoo', symbl: 'X' })).toEqual([{ path: '', code: 'unrecognized_keys', keys: ['symbl'] }]);
    expect(issues({ kind: 'csv', path: 'a.csv', yahooSymbol: 'BZ=F' })).toEqual([{ path: '', code: 'unrecognized_keys', keys: ['yahooSymbol'] }]);
    const r = ingestPricesConfigSchema.safeParse({ sources: [{ kind: 'simulator' }, { kind: 'websocket', url: 'wss://x', fields: { prise: 'p' } }] });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['sources.1.fields']);
    expect(issues({ kind: 'websocket', url: 'https://x' })).toEqual([{ path: 'url', code: 'invalid_format', keys: undefined }]);
  });

  it('defaults to Yahoo BZ=F with the documented polling', () => {
    expect(DEFAULT_PRICE_SOURCES).toEqual([
      { kind: 'yahoo', symbol: 'BRENT', yahooSymbol: 'BZ=F', baseUrl: 'https://query1.finance.yahoo.com', interval: '1m', range: '1d', backfillRange: '5d', pollIntervalSec: 60, timeoutMs: 10_000, maxBackoffSec: 300, source: 'yahoo', allowPrivate: [] },
    ]);
    expect(ingestPricesConfigSchema.parse({}).sources).toEqual(DEFAULT_PRICE_SOURCES);
  });
});
