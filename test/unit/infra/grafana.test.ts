/**
 * infra/grafana/oilwire-dashboard.json reads only metrics the code registers (a renamed metric
 * fails here, not as an empty panel in production), with the labels they carry.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Panel {
  title: string;
  type: string;
  targets: { expr: string; refId: string }[];
}
const dashboard = JSON.parse(readFileSync('infra/grafana/oilwire-dashboard.json', 'utf8')) as { uid: string; title: string; panels: Panel[]; templating: { list: { name: string }[] } };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}
const code = [...sources('services'), ...sources('shared')].join('\n');
// prom-client adds these to a histogram's name.
const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

describe('Grafana dashboard', () => {
  it('is importable: an id, a datasource variable and panels with queries', () => {
    expect(dashboard.uid).toBe('oilwire');
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'job']);
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(12);
    for (const p of dashboard.panels) expect(p.targets.length, p.title).toBeGreaterThan(0);
  });

  it('queries only metrics the code registers', () => {
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/oilwire_[a-z0-9_]+/g) ?? [])).map(base));
    expect(used.size).toBeGreaterThanOrEqual(15);
    for (const name of used) expect(code.includes(`'${name}'`), `${name} is registered somewhere in services/ or shared/`).toBe(true);
    expect(used).toContain('oilwire_ingest_prices_ticks_total');
    expect(used).toContain('oilwire_correlator_watermark_seconds');
  });
});
