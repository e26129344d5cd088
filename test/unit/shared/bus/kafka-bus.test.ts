import { Writable } from 'node:stream';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaBus, kafkajsLogCreator, wrapKafkaError } from '../../../../shared/bus/kafka-bus.ts';
import { AppError } from '../../../../shared/errors.ts';
import { createLogger } from '../../../../shared/runtime/logger.ts';

/** A protocol error as kafkajs builds it from a broker's error code. */
function protocolError(type: string, code: number, retriable: boolean): Error {
  // kafkajs builds these from its error-code table; the typings only admit the message.
  return new KafkaJSProtocolError({ type, code, retriable, message: `${type} from broker` } as unknown as Error);
}

describe('wrapKafkaError', () => {
  it('turns a connection failure into a retryable BUS_UNAVAILABLE keeping the cause', () => {
    const cause = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    const err = wrapKafkaError(cause, 'send to news.raw');
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: true });
    expect(err.message).toBe('send to news.raw: Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    expect(err.cause).toBe(cause);
  });

  it('marks an error the protocol calls final as not retryable, also when wrapped in retries', () => {
    const tooLarge = protocolError('MESSAGE_TOO_LARGE', 10, false);
    expect(wrapKafkaError(tooLarge, 'send')).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: false, details: { kafkaError: 'MESSAGE_TOO_LARGE' } });
    const exhausted = new KafkaJSNumberOfRetriesExceeded(protocolError('NOT_LEADER_FOR_PARTITION', 6, true), { retryCount: 5, retryTime: 1000 });
    expect(wrapKafkaError(exhausted, 'send')).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: true });
  });

  it('lets an AppError through unchanged', () => {
    const timeout = new AppError('BUS_TIMEOUT', 'no ack');
    expect(wrapKafkaError(timeout, 'send')).toBe(timeout);
  });
});

describe('kafkajsLogCreator', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ level: 'debug', destination });
    return { log: kafkajsLogCreator(logger)(), lines, flush: () => new Promise<void>((resolve) => setImmediate(resolve)) };
  }

  it('routes kafkajs entries through pino with their namespace and fields', async () => {
    const { log, lines, flush } = capture();
    log({ namespace: 'Consumer', level: logLevel.INFO, label: 'INFO', log: { timestamp: 'x', message: 'Starting', groupId: 'g1' } });
    log({ namespace: 'Producer', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 'x', message: 'Failed to send', retryCount: 2 } });
    await flush();
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, kafkajs: 'Consumer', groupId: 'g1', msg: 'Starting' }),
      expect.objectContaining({ level: 50, kafkajs: 'Producer', retryCount: 2, msg: 'Failed to send' }),
    ]);
    expect(lines[0]).not.toHaveProperty('timestamp');
  });

  it('logs protocol responses kafkajs retries itself, and rebalances, one level lower', async () => {
    const { log, lines, flush } = capture();
    log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 'x', message: 'Response Heartbeat(key: 12, version: 3)', error: 'The group is rebalancing' } });
    log({ namespace: 'Runner', level: logLevel.WARN, label: 'WARN', log: { timestamp: 'x', message: 'The group is rebalancing, re-joining' } });
    await flush();
    expect(lines.map((l) => l.level)).toEqual([40, 30]);
  });
});

describe('KafkaBus without a broker', () => {
  it('needs at least one broker', () => {
    expect(() => new KafkaBus({ brokers: [] })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('refuses work once closed, without ever connecting', async () => {
    const bus = new KafkaBus({ brokers: ['127.0.0.1:1'] });
    expect(bus.kind).toBe('kafka');
    await bus.close();
    await expect(bus.publish('t', [{ key: 'k', value: 'v' }])).rejects.toMatchObject({ code: 'BUS_CLOSED' });
    await expect(bus.subscribe({ groupId: 'g', topics: ['t'], handler: async () => {} })).rejects.toMatchObject({ code: 'BUS_CLOSED' });
    await expect(bus.ensureTopics([{ topic: 't', partitions: 1 }])).rejects.toMatchObject({ code: 'BUS_CLOSED' });
    expect(bus.health().ok).toBe(false);
  });

  it('publishes nothing (and connects nowhere) for an empty list', async () => {
    const bus = new KafkaBus({ brokers: ['127.0.0.1:1'] });
    await bus.publish('t', []);
    expect(bus.health().producer.connected).toBe(false);
    await bus.close();
  });

  it('sends ensureTopics through the injected creator and wraps its failure', async () => {
    const calls: unknown[] = [];
    const bus = new KafkaBus({ brokers: ['127.0.0.1:1'], createTopics: async (topics) => void calls.push(topics) });
    await bus.ensureTopics([{ topic: 'a', partitions: 3 }]);
    expect(calls).toEqual([[{ topic: 'a', partitions: 3 }]]);
    const failing = new KafkaBus({
      brokers: ['127.0.0.1:1'],
      createTopics: async () => {
        throw new Error('broker said no');
      },
    });
    await expect(failing.ensureTopics([{ topic: 'a', partitions: 3 }])).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', message: 'creating topics: broker said no' });
    await Promise.all([bus.close(), failing.close()]);
  });
});
