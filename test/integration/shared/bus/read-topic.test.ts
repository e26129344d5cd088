import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDeadLetters, replayDeadLetters } from '../../../../cli/commands/dlq.ts';
import { startDevBroker, type DevBroker } from '../../../../shared/bus/dev-broker.ts';
import { KafkaBus } from '../../../../shared/bus/kafka-bus.ts';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import type { Bus, IncomingMessage } from '../../../../shared/bus/port.ts';
import { AppError } from '../../../../shared/errors.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

/**
 * `readTopic` (what `oilwire dlq` reads with) on both buses: everything a topic holds, read as
 * often as asked, with no group's offsets moved; and a dead letter the bus itself wrote, replayed
 * to its source topic, reaching the group that dead-lettered it, without the dead-letter headers.
 */
const dirs: string[] = [];
let broker: DevBroker | undefined;
afterAll(async () => {
  await broker?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function suite(bus: Bus): Promise<void> {
  const topic = `read-${randomBytes(4).toString('hex')}`;
  await bus.ensureTopics?.([
    { topic, partitions: 2 },
    { topic: `${topic}.dlq`, partitions: 1 },
  ]);
  expect(await bus.readTopic!(`${topic}.dlq`)).toEqual([]);
  expect(await bus.readTopic!(`${topic}-never-created.dlq`)).toEqual([]);

  // A handler that refuses `poison` with a final error until the fix is in.
  let fixed = false;
  const handled: IncomingMessage[] = [];
  const sub = await bus.subscribe({
    groupId: `g-${randomBytes(4).toString('hex')}`,
    topics: [topic],
    handler: async (batch) => {
      for (const m of batch) {
        if (m.key === 'poison' && !fixed) throw new AppError('SCHEMA_INVALID', 'cannot read this yet');
        handled.push(m);
      }
    },
  });
  await bus.publish(topic, [
    { key: 'a', value: 'one' },
    { key: 'poison', value: 'two', headers: { trace: 't-1' } },
    { key: 'c', value: 'three' },
  ]);
  await waitFor(async () => handled.length === 2 && (await bus.readTopic!(`${topic}.dlq`)).length === 1, { timeoutMs: 30_000, message: () => `handled ${handled.length}` });

  // Read twice: reading consumes nothing.
  for (let i = 0; i < 2; i++) {
    const all = await bus.readTopic!(topic);
    expect(all.map((m) => m.value.toString()).sort()).toEqual(['one', 'three', 'two']);
  }
  const [letter] = await readDeadLetters(bus, [`${topic}.dlq`]);
  expect(letter).toMatchObject({ id: `${topic}.dlq:0:0`, source: topic, key: 'poison', code: 'SCHEMA_INVALID', reason: 'non_retryable', attempts: 1, error: 'cannot read this yet' });

  fixed = true;
  expect(await replayDeadLetters(bus, [letter])).toEqual({ [topic]: 1 });
  await waitFor(() => handled.length === 3, { timeoutMs: 30_000, message: () => `handled ${handled.length}` });
  expect(handled[2].value.toString()).toBe('two');
  expect(handled[2].headers).toEqual({ trace: 't-1', 'x-replayed-from': `${topic}.dlq:0:0` });
  await sub.close();
}

describe('reading a topic without consuming it, and replaying a dead letter', () => {
  it('on the journaled in-process bus', async () => {
    const journalDir = mkdtempSync(join(tmpdir(), 'oilwire-read-topic-'));
    dirs.push(journalDir);
    const bus = await MemoryBus.open({ journalDir });
    try {
      await suite(bus);
    } finally {
      await bus.close();
    }
  });

  it('on Kafka (dev broker)', async () => {
    broker = await startDevBroker({ brokers: 1, topics: [] });
    const b = broker;
    const bus = new KafkaBus({ brokers: b.brokers, clientId: 'read-topic', createTopics: (t) => b.ensureTopics(t), logger: silentLogger, heartbeatIntervalMs: 200, sessionTimeoutMs: 3_000, rebalanceTimeoutMs: 5_000, maxWaitTimeMs: 100 });
    try {
      await suite(bus);
    } finally {
      await bus.close();
    }
  }, 90_000);
});
