import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { busMetrics } from '../../../../shared/bus/bus-metrics.ts';

/** What /metrics shows of the bus: every metric on the registry it is given, with its labels, shared by two buses on one registry. */
describe('busMetrics', () => {
  it('registers every bus metric on the given registry, each with help and its labels', async () => {
    const registry = new Registry();
    const m = busMetrics(registry);
    m.retries.inc({ group: 'g', topic: 't', code: 'UNKNOWN' });
    m.deadLetters.inc({ group: 'g', topic: 't', reason: 'non_retryable', code: 'SCHEMA_INVALID' }, 2);
    m.consumerFailures.inc({ group: 'g', topic: 't', reason: 'offset_out_of_range' });
    m.outageWaits.inc({ group: 'g', topic: 't' });
    m.retainedMessages.set({ topic: 't' }, 5);
    m.retainedBytes.set({ topic: 't' }, 500);
    m.journalBytes.set(1234);
    const text = await registry.metrics();
    const samples = text.split('\n').filter((l) => l.startsWith('oilwire_'));
    expect(samples.sort()).toEqual(
      [
        'oilwire_bus_handler_retries_total{group="g",topic="t",code="UNKNOWN"} 1',
        'oilwire_bus_dead_letters_total{group="g",topic="t",reason="non_retryable",code="SCHEMA_INVALID"} 2',
        'oilwire_bus_consumer_failures_total{group="g",topic="t",reason="offset_out_of_range"} 1',
        'oilwire_bus_outage_waits{group="g",topic="t"} 1',
        'oilwire_bus_retained_messages{topic="t"} 5',
        'oilwire_bus_retained_bytes{topic="t"} 500',
        'oilwire_bus_journal_bytes 1234',
      ].sort(),
    );
    const help = Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l.startsWith('# HELP '))
        .map((l) => {
          const [, , name, ...words] = l.split(' ');
          return [name, words.join(' ')];
        }),
    );
    expect(Object.keys(help).sort()).toEqual(
      ['oilwire_bus_handler_retries_total', 'oilwire_bus_dead_letters_total', 'oilwire_bus_consumer_failures_total', 'oilwire_bus_outage_waits', 'oilwire_bus_retained_messages', 'oilwire_bus_retained_bytes', 'oilwire_bus_journal_bytes'].sort(),
    );
    expect(help['oilwire_bus_dead_letters_total']).toMatch(/<topic>\.dlq/);
    expect(help['oilwire_bus_outage_waits']).toMatch(/outage/);
    expect(help['oilwire_bus_journal_bytes']).toMatch(/journal/);
    for (const h of Object.values(help)) expect(h.length).toBeGreaterThan(20);
  });

  it('refuses labels a metric does not have', () => {
    const m = busMetrics(new Registry());
    expect(() => m.retries.inc({ group: 'g', topic: 't', code: 'X', reason: 'y' } as never)).toThrow();
    expect(() => m.consumerFailures.inc({ group: 'g', topic: 't', reason: 'r', code: 'c' } as never)).toThrow();
    expect(() => m.journalBytes.set({ topic: 't' } as never, 1)).toThrow();
  });

  it('shares the metrics of two buses on one registry, and keeps a bus without a registry to itself', async () => {
    const registry = new Registry();
    const a = busMetrics(registry);
    const b = busMetrics(registry);
    for (const key of ['retries', 'deadLetters', 'consumerFailures', 'outageWaits', 'retainedMessages', 'retainedBytes', 'journalBytes'] as const) expect(b[key]).toBe(a[key]);
    a.retries.inc({ group: 'g', topic: 't', code: 'UNKNOWN' });
    b.retries.inc({ group: 'g', topic: 't', code: 'UNKNOWN' });
    expect((await registry.getSingleMetric('oilwire_bus_handler_retries_total')!.get()).values[0]!.value).toBe(2);
    const own = busMetrics();
    expect(own.registry).not.toBe(registry);
    expect(own.retries).not.toBe(a.retries);
    expect(own.registry.getSingleMetric('oilwire_bus_handler_retries_total')).toBe(own.retries);
  });
});
