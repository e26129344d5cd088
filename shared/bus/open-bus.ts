/**
 * One place that turns bus configuration into a Bus: the in-process bus for a single process,
 * Kafka when services run apart. Services depend on the Bus port only.
 */
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Logger } from '../runtime/logger.ts';
import { DEFAULT_RETENTION_BYTES } from './dev-broker.ts';
import { KafkaBus, type TopicCreator } from './kafka-bus.ts';
import { MemoryBus } from './memory-bus.ts';
import type { Bus } from './port.ts';

const brokerAddress = z.string().regex(/^[^\s,]+:\d{1,5}$/, 'expected host:port');

/**
 * `{kind: 'memory'}` (the default, every other key optional) or `{kind: 'kafka', brokers: ['host:port', ...]}`.
 * Flat rather than a union so that layered config (file, then environment) can set keys one by one.
 */
export const busConfigSchema = z
  .object({
    kind: z.enum(['memory', 'kafka']).default('memory'),
    /** Bootstrap brokers; a comma-separated string is accepted (`KAFKA_BROKERS=a:9092,b:9092`). */
    brokers: z
      .preprocess(
        (v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : v,
        z.array(brokerAddress),
      )
      .default([]),
    clientId: z.string().min(1).max(200).default('oilwire'),
    /** Hard deadline for one send to Kafka: past it the publish fails with BUS_TIMEOUT instead of hanging. */
    sendTimeoutMs: z.number().int().positive().max(600_000).default(10_000),
    /** Idempotent producer: for a real cluster; the dev broker cannot serve it. */
    idempotent: z.boolean().default(false),
    /** Consumer group timing (kafkajs defaults 30 s, 3 s, 60 s): a shorter session hands a dead member's partitions over sooner. */
    sessionTimeoutMs: z.number().int().min(1000).max(600_000).optional(),
    heartbeatIntervalMs: z.number().int().min(100).max(60_000).optional(),
    rebalanceTimeoutMs: z.number().int().min(1000).max(600_000).optional(),
    /**
     * Attempts of a batch whose handler fails with retryable errors about the message before it goes to `<topic>.dlq`;
     * final errors go there at once. An outage (the store or the broker away) is waited out and spends none of them.
     */
    maxDeliveryAttempts: z.number().int().min(1).max(100_000).default(100),
    /**
     * In-process bus only: folder of its durable journal (publishes are fsync'd there before they resolve, and
     * read back at start). The CLI sets `<data folder>/bus` for an on-disk store; unset, nothing survives the process.
     */
    journalDir: z.string().min(1).optional(),
    /** In-process bus only: fsync each publish (turn off only for throwaway data). */
    fsync: z.boolean().default(true),
    /** `--kafka embedded` only: log the dev broker keeps per partition, in bytes (0: unlimited); older batches are deleted. */
    devBrokerRetentionBytes: z.number().int().min(0).default(DEFAULT_RETENTION_BYTES),
    /** In-process bus only: acked messages kept per partition behind the slowest group (memory is bounded by this plus what is unacked). */
    replayWindow: z.number().int().min(0).max(10_000_000).default(1000),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind === 'kafka' && c.brokers.length === 0) ctx.addIssue({ code: 'custom', path: ['brokers'], message: 'kafka needs at least one broker (host:port)' });
  });

export type BusConfig = z.infer<typeof busConfigSchema>;
export type BusConfigInput = z.input<typeof busConfigSchema>;

export interface OpenBusDeps {
  /** Topic creation behind `ensureTopics` on Kafka: the dev broker's `ensureTopics`; default kafkajs admin. */
  createTopics?: TopicCreator;
  /** Registry for the bus's metrics (retries, dead letters, retained size, consumer failures). */
  metrics?: Registry;
}

/** Validates the config (throwing CONFIG_INVALID) and opens the bus it names. Kafka connects lazily, on first use. */
export async function openBus(config: BusConfigInput = {}, logger?: Logger, deps: OpenBusDeps = {}): Promise<Bus> {
  const parsed = busConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `bus.${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('CONFIG_INVALID', `invalid bus config: ${issues}`);
  }
  const c = parsed.data;
  if (c.kind === 'memory') {
    return MemoryBus.open({ journalDir: c.journalDir, fsync: c.fsync, replayWindow: c.replayWindow, maxDeliveryAttempts: c.maxDeliveryAttempts, logger, metrics: deps.metrics });
  }
  return new KafkaBus({
    brokers: c.brokers,
    clientId: c.clientId,
    sendTimeoutMs: c.sendTimeoutMs,
    idempotent: c.idempotent,
    sessionTimeoutMs: c.sessionTimeoutMs,
    heartbeatIntervalMs: c.heartbeatIntervalMs,
    rebalanceTimeoutMs: c.rebalanceTimeoutMs,
    maxDeliveryAttempts: c.maxDeliveryAttempts,
    logger,
    metrics: deps.metrics,
    createTopics: deps.createTopics,
  });
}
