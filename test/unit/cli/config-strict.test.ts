import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../cli/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'oilwire-strict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refuse = (overrides: Record<string, unknown>) => () => loadConfig({ env: {}, cwd: dir, overrides });

describe('unknown configuration keys', () => {
  it('are refused in every section, by their full path, with the nearest known key', () => {
    expect(refuse({ ingestPrices: { source: [] } })).toThrow(/ingestPrices\.source: unknown key \(did you mean sources\?\)/);
    expect(refuse({ store: { pth: './x' } })).toThrow(/store\.pth: unknown key \(did you mean path\?\)/);
    expect(refuse({ bus: { brokr: ['k:9092'] } })).toThrow(/bus\.brokr: unknown key \(did you mean brokers\?\)/);
    expect(refuse({ log: { levl: 'info' } })).toThrow(/log\.levl: unknown key \(did you mean level\?\)/);
    expect(refuse({ ingestNews: { feed: [] } })).toThrow(/ingestNews\.feed: unknown key \(did you mean feeds\?\)/);
    expect(refuse({ correlator: { calendar: { opn: '23:00' } } })).toThrow(/correlator\.calendar\.opn: unknown key \(did you mean open\?\)/);
    expect(refuse({ scorer: { transformer: {} } })).toThrow(/scorer\.transformer: unknown key/);
    expect(refuse({ api: { prot: 1 } })).toThrow(/api\.prot: unknown key \(did you mean port\?\)/);
    expect(refuse({ ingestPrices: { sources: [{ kind: 'yahoo', symbl: 'X' }] } })).toThrow(/ingestPrices\.sources\.0\.symbl: unknown key \(did you mean symbol\?\)/);
    expect(refuse({ nonsense: true })).toThrow(/nonsense: unknown key/);
  });

  it('name the file or the variable they came from', () => {
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ ingestPrices: { source: [] } }));
    expect(() => loadConfig({ file, env: {} })).toThrow(new RegExp(`ingestPrices\\.source: unknown key .*\\(in ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)`));
    expect(() => loadConfig({ env: { OILWIRE_STORE__PTH: './x' }, cwd: dir })).toThrow(/store\.pth: unknown key .*\(from OILWIRE_STORE__PTH\)/);
  });

  it('leave a configuration without typos as it was', () => {
    const c = loadConfig({ env: {}, cwd: dir, overrides: { ingestPrices: { sources: [{ kind: 'yahoo', pollIntervalSec: 30 }] }, store: { path: join(dir, 'd') } } });
    expect(c.ingestPrices.sources[0]).toMatchObject({ kind: 'yahoo', yahooSymbol: 'BZ=F', pollIntervalSec: 30 });
  });
});
