import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestNewsStateDir, loadConfig } from '../../../cli/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'oilwire-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('works with no file and no environment', () => {
    const c = loadConfig({ env: {}, cwd: dir });
    expect(c.store).toMatchObject({ path: './data', database: 'oilwire' });
    expect(c.store.url).toBeUndefined();
    expect(c.bus.kind).toBe('memory');
    expect(c.api.host).toBe('127.0.0.1');
  });

  it('layers file, then environment, then explicit overrides', () => {
    const file = join(dir, 'a.json');
    writeFileSync(file, JSON.stringify({ api: { port: 9000 }, store: { database: 'fromfile' } }));
    const c = loadConfig({ file, env: { OILWIRE_API__PORT: '9100', CLICKHOUSE_URL: 'http://ch:8123' }, overrides: { store: { database: 'cli' } } });
    expect(c.api.port).toBe(9100);
    expect(c.store.url).toBe('http://ch:8123');
    expect(c.store.database).toBe('cli');
  });

  it('turns KAFKA_BROKERS into a Kafka bus', () => {
    const c = loadConfig({ env: { KAFKA_BROKERS: 'k1:9092, k2:9092' }, cwd: dir });
    expect(c.bus.kind).toBe('kafka');
    expect(c.bus.brokers).toEqual(['k1:9092', 'k2:9092']);
  });

  it('names the bad key and where the value came from', () => {
    expect(() => loadConfig({ env: { OILWIRE_API__PORT: '"eighty"' }, cwd: dir })).toThrow(/api\.port: .*\(from OILWIRE_API__PORT\)/);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ correlator: { horizons: ['7m'] } }));
    expect(() => loadConfig({ file, env: {} })).toThrow(/correlator\.horizons\.0: .*bad\.json/);
  });

  it('refuses unknown top-level sections instead of ignoring a typo', () => {
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ aip: { port: 1 } }));
    expect(() => loadConfig({ file, env: {} })).toThrow(/aip/);
  });

  it('reports a file that is not JSON or does not exist', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ nope');
    expect(() => loadConfig({ file, env: {} })).toThrow(/not valid JSON/);
    expect(() => loadConfig({ file: join(dir, 'missing.json'), env: {} })).toThrow(/not found/);
  });
});

describe('ingestNewsStateDir', () => {
  it('sits beside the embedded store data unless set explicitly', () => {
    const c = loadConfig({ env: {}, cwd: dir, overrides: { store: { path: join(dir, 'store') } } });
    expect(ingestNewsStateDir(c)).toBe(join(dir, 'store', 'ingest-news'));
    const explicit = loadConfig({ env: {}, cwd: dir, overrides: { ingestNews: { stateDir: join(dir, 'elsewhere') } } });
    expect(ingestNewsStateDir(explicit)).toBe(join(dir, 'elsewhere'));
  });
});
