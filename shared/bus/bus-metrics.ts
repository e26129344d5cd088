/**
 * The bus's own metrics, on the process registry when one is given (a private one otherwise,
 * so tests can read them). Looked up before created: two buses on one registry share them.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export interface BusMetrics {
  registry: Registry;
  retries: Counter<'group' | 'topic' | 'code'>;
  deadLetters: Counter<'group' | 'topic' | 'reason' | 'code'>;
  consumerFailures: Counter<'group' | 'topic' | 'reason'>;
  outageWaits: Gauge<'group' | 'topic'>;
  retainedMessages: Gauge<'topic'>;
  retainedBytes: Gauge<'topic'>;
  journalBytes: Gauge;
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  return (registry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}

export function busMetrics(registry: Registry = new Registry()): BusMetrics {
  return {
    registry,
    retries: counter(registry, 'oilwire_bus_handler_retries_total', 'Failed batches the bus retries after a backoff, by consumer group, topic and error code', ['group', 'topic', 'code']),
    deadLetters: counter(
      registry,
      'oilwire_bus_dead_letters_total',
      'Messages the bus moved to <topic>.dlq: reason non_retryable (the handler threw a final error) or retries_exhausted',
      ['group', 'topic', 'reason', 'code'],
    ),
    consumerFailures: counter(registry, 'oilwire_bus_consumer_failures_total', 'Consumers stopped on a fault they must not paper over (offset_out_of_range)', ['group', 'topic', 'reason']),
    outageWaits: gauge(
      registry,
      'oilwire_bus_outage_waits',
      'Partitions whose batch waits out a dependency outage (the store or the broker away): retried with capped backoff without spending its delivery attempts, nothing fetched behind it',
      ['group', 'topic'],
    ),
    retainedMessages: gauge(registry, 'oilwire_bus_retained_messages', 'Messages the in-process bus holds in memory (unacked plus the replay window), by topic', ['topic']),
    retainedBytes: gauge(registry, 'oilwire_bus_retained_bytes', 'Approximate bytes of the messages the in-process bus holds, by topic', ['topic']),
    journalBytes: gauge(registry, 'oilwire_bus_journal_bytes', 'Size of the in-process bus journal file on disk (0 without a journal)', []),
  };
}
