import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TalliedHistogram, apiMetrics } from '../../../../services/api/metrics.ts';

const BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Seeded, so a failure repeats (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values on, just below and just above every bound, zero, negatives, past the last bound, and random ones over the whole range. */
function values(seed: number, n: number): number[] {
  const r = random(seed);
  const edges = BOUNDS.flatMap((b) => [b, b - 1e-9, b + 1e-9, b * (1 + Number.EPSILON)]);
  const spread = Array.from({ length: n }, () => (r() < 0.05 ? -r() : Math.exp(r() * 20 - 12)));
  return [0, -0, -1, 3601, 1e12, Number.MAX_VALUE / 4, ...edges, ...spread];
}

function both(name: string) {
  const ours = new Registry();
  const theirs = new Registry();
  const tallied = new TalliedHistogram(name, 'latency between stages', ['path'], BOUNDS);
  ours.registerMetric(tallied as never);
  const reference = new Histogram({ name, help: 'latency between stages', labelNames: ['path'], buckets: BOUNDS, registers: [theirs] });
  return { ours, theirs, tallied, reference };
}

describe('TalliedHistogram', () => {
  it('writes exactly what prom-client writes for the same observations, series by series', async () => {
    const { ours, theirs, tallied, reference } = both('oilwire_test_latency_seconds');
    const paths = ['fetch_to_scored', 'scored_to_api', 'fetch_to_api', 'impact_to_api'];
    const children = paths.map((path) => [tallied.labels({ path }), reference.labels({ path })] as const);
    const r = random(7);
    for (const v of values(11, 4000)) {
      const [a, b] = children[Math.floor(r() * children.length)];
      a.observe(v);
      b.observe(v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
    const [oursOpen, theirsOpen] = [new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>(), new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>()];
    oursOpen.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    theirsOpen.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    oursOpen.registerMetric(tallied as never);
    theirsOpen.registerMetric(reference);
    expect(await oursOpen.metrics()).toBe(await theirsOpen.metrics());
  });

  it('resets as prom-client resets (a series shows again on its next observe), and the children it handed out keep counting', async () => {
    const { ours, theirs, tallied, reference } = both('oilwire_test_reset_seconds');
    const [a, q, unused] = ['p', 'q', 'unused'].map((path) => [tallied.labels({ path }), reference.labels({ path })]);
    expect(unused).toHaveLength(2);
    for (const [x, y] of [a, q]) {
      x.observe(0.3);
      y.observe(0.3);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    ours.resetMetrics();
    theirs.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
    for (const [x, y] of [q, a, a]) {
      x.observe(7);
      y.observe(7);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toMatch(/oilwire_test_reset_seconds_count\{path="p"\} 2\n/);
    expect(text).toMatch(/oilwire_test_reset_seconds_count\{path="q"\} 1\n/);
    expect(text).not.toMatch(/unused/);
  });

  it('refuses what prom-client refuses: a value that is not finite, a label set that is not its own', () => {
    const tallied = new TalliedHistogram('oilwire_test_refuse_seconds', 'h', ['path'], BOUNDS);
    const child = tallied.labels({ path: 'p' });
    for (const v of [NaN, Infinity, -Infinity]) expect(() => child.observe(v)).toThrow(TypeError);
    expect(() => tallied.labels({ route: 'x' } as never)).toThrow(/labels route, expected path/);
    expect(() => tallied.labels({ path: 'p', route: 'x' } as never)).toThrow(/expected path/);
  });

  it('is the one the API registers for oilwire_pipeline_latency_seconds, and is found again when the app is built twice on a registry', async () => {
    const registry = new Registry();
    const first = apiMetrics(registry);
    const second = apiMetrics(registry);
    expect(first.e2eLatency).toBeInstanceOf(TalliedHistogram);
    expect(second.e2eLatency).toBe(first.e2eLatency);
    first.e2eLatency.labels({ path: 'fetch_to_api' }).observe(4);
    second.e2eLatency.labels({ path: 'fetch_to_api' }).observe(6);
    const text = await registry.metrics();
    expect(text).toMatch(/# TYPE oilwire_pipeline_latency_seconds histogram\n/);
    expect(text).toMatch(/oilwire_pipeline_latency_seconds_bucket\{le="5",path="fetch_to_api"\} 1\n/);
    expect(text).toMatch(/oilwire_pipeline_latency_seconds_sum\{path="fetch_to_api"\} 10\n/);
    expect(text).toMatch(/oilwire_pipeline_latency_seconds_count\{path="fetch_to_api"\} 2\n/);
  });
});
