/**
 * One behavioural suite for the Bus port, run against every bus (in-process and Kafka over the
 * wire): what services rely on must hold the same way on both.
 */
import { randomBytes } from 'node:crypto';
import { it as vitestIt } from 'vitest';
import { z } from 'zod';
import { dlqTopic } from '../../../../shared/contracts/events.ts';
import { AppError } from '../../../../shared/errors.ts';
import type { Bus, IncomingMessage, Subscription } from '../../../../shared/bus/port.ts';
import { subscribeEvents } from '../../../../shared/bus/typed.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

export interface BusUnderTest {
  bus: Bus;
  cleanup: () => Promise<void>;
}

export interface ConformanceOptions {
  /** Deadline for each awaited condition (Kafka group joins and rebalances take seconds). */
  waitMs?: number;
  /** Run the cases at the same time (each has its own bus, topic and groups): Kafka's group joins wait seconds each. */
  concurrent?: boolean;
}

interface Payload {
  key: string;
  seq: number;
}

const PARTITIONS = 4;

function rand(): string {
  return randomBytes(4).toString('hex');
}

function encode(p: Payload): string {
  return JSON.stringify(p);
}

function decode(m: IncomingMessage): Payload {
  return JSON.parse(m.value.toString('utf8')) as Payload;
}

const id = (p: Payload) => `${p.key}#${p.seq}`;

/** `keys` keys with `perKey` messages each, interleaved the way a producer would emit them. */
function stream(keys: string[], perKey: number, fromSeq = 0): Payload[] {
  const out: Payload[] = [];
  for (let seq = fromSeq; seq < fromSeq + perKey; seq++) for (const key of keys) out.push({ key, seq });
  return out;
}

async function publishAll(bus: Bus, topic: string, payloads: Payload[], chunk = 25): Promise<void> {
  for (let i = 0; i < payloads.length; i += chunk) {
    await bus.publish(
      topic,
      payloads.slice(i, i + chunk).map((p) => ({ key: p.key, value: encode(p), headers: { 'x-test': 'conformance' } })),
    );
  }
}

function allPartitions(topic: string): string[] {
  return Array.from({ length: PARTITIONS }, (_, p) => `${topic}:${p}`).sort();
}

function countBy<T>(items: T[], f: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(f(i), (m.get(f(i)) ?? 0) + 1);
  return m;
}

/** What a case may ask of the bus it gets: a small retry budget, to see it run out. */
export interface BusOptions {
  maxDeliveryAttempts?: number;
}

export function runBusConformance(name: string, makeBus: (options?: BusOptions) => Promise<BusUnderTest>, options: ConformanceOptions = {}): void {
  const waitMs = options.waitMs ?? 10_000;
  const it = options.concurrent ? vitestIt.concurrent : vitestIt;
  const until = (condition: () => boolean, message: string | (() => string)) => waitFor(condition, { timeoutMs: waitMs, intervalMs: 10, message });

  /** A bus, fresh topic names and a group per test; subscriptions are closed before the bus. */
  async function withBus(body: (ctx: { bus: Bus; topic: string; group: string; track: (s: Subscription) => Subscription }) => Promise<void>, busOptions?: BusOptions): Promise<void> {
    const { bus, cleanup } = await makeBus(busOptions);
    const subs: Subscription[] = [];
    const topic = `conf-${name}-${rand()}`;
    try {
      await bus.ensureTopics?.([
        { topic, partitions: PARTITIONS },
        { topic: dlqTopic(topic), partitions: 1 },
      ]);
      await body({ bus, topic, group: `g-${rand()}`, track: (s) => (subs.push(s), s) });
    } finally {
      await Promise.all(subs.map((s) => s.close()));
      await cleanup();
    }
  }

  it(`${name}: keeps per-key order across several keys and partitions, in batches of at most maxBatchSize`, async ({ expect }) => {
    await withBus(async ({ bus, topic, group, track }) => {
      const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
      const first = stream(keys, 20);
      const second = stream(keys, 20, 20);
      const batches: IncomingMessage[][] = [];
      await publishAll(bus, topic, first);
      const sub = track(
        await bus.subscribe({
          groupId: group,
          topics: [topic],
          maxBatchSize: 7,
          handler: async (batch) => {
            batches.push(batch);
          },
        }),
      );
      await publishAll(bus, topic, second);
      const total = first.length + second.length;
      const received = () => batches.flat();
      await until(() => received().length >= total, () => `${total} messages, got ${received().length}`);

      const messages = received();
      expect(messages).toHaveLength(total);
      for (const key of keys) {
        const seqs = messages.map(decode).filter((p) => p.key === key).map((p) => p.seq);
        expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i));
        expect(new Set(messages.filter((m) => m.key === key).map((m) => m.partition)).size).toBe(1);
      }
      expect(new Set(messages.map((m) => m.partition)).size).toBeGreaterThan(1);
      for (const batch of batches) {
        expect(batch.length).toBeGreaterThan(0);
        expect(batch.length).toBeLessThanOrEqual(7);
        expect(new Set(batch.map((m) => `${m.topic}:${m.partition}`)).size).toBe(1);
        const offsets = batch.map((m) => BigInt(m.offset));
        for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBe(offsets[i - 1] + 1n);
      }
      for (const m of messages) {
        expect(m.topic).toBe(topic);
        expect(m.headers['x-test']).toBe('conformance');
        expect(m.timestamp).toBeGreaterThan(0);
      }
      expect(sub.assignments()).toEqual(allPartitions(topic));
    });
  });

  it(`${name}: an acked batch is committed: a new member of the group after close gets only what came later`, async ({ expect }) => {
    await withBus(async ({ bus, topic, group, track }) => {
      const keys = Array.from({ length: 24 }, (_, i) => `acked-${i}`);
      const before = stream(keys, 2);
      const firstSeen: Payload[] = [];
      await publishAll(bus, topic, before);
      const a = track(await bus.subscribe({ groupId: group, topics: [topic], handler: async (b) => void firstSeen.push(...b.map(decode)) }));
      await until(() => firstSeen.length >= before.length, () => `first member: ${before.length}, got ${firstSeen.length}`);
      await a.close();
      expect(firstSeen).toHaveLength(before.length);

      // New messages on every partition: anything the group had not committed would come before them.
      const after = stream(keys, 1, 100);
      await publishAll(bus, topic, after);
      const secondSeen: IncomingMessage[] = [];
      track(await bus.subscribe({ groupId: group, topics: [topic], handler: async (b) => void secondSeen.push(...b) }));
      await until(() => secondSeen.length >= after.length, () => `second member: ${after.length}, got ${secondSeen.length}`);
      expect(new Set(secondSeen.map((m) => m.partition)).size).toBe(PARTITIONS);
      expect(secondSeen.map(decode).map(id).sort()).toEqual(after.map(id).sort());
    });
  });

  for (const failure of ['never resolves', 'always throws'] as const) {
    it(`${name}: redelivers every unacked message to another member after a consumer whose handler ${failure} is closed`, async ({ expect }) => {
      await withBus(async ({ bus, topic, group, track }) => {
        const keys = Array.from({ length: 12 }, (_, i) => `stuck-${i}`);
        const payloads = stream(keys, 3);
        await publishAll(bus, topic, payloads);
        let calls = 0;
        let retries = 0;
        const dead = track(
          await bus.subscribe({
            groupId: group,
            topics: [topic],
            onRetry: () => void retries++,
            handler: async () => {
              calls++;
              if (failure === 'never resolves') await new Promise<never>(() => {});
              throw new Error('sink is down');
            },
          }),
        );
        if (failure === 'never resolves') await until(() => calls >= 1, 'the stuck handler to be called');
        else await until(() => retries >= 2, 'the failing handler to be retried twice');
        await dead.close();

        const seen: IncomingMessage[] = [];
        const live = track(await bus.subscribe({ groupId: group, topics: [topic], handler: async (b) => void seen.push(...b) }));
        await until(() => seen.length >= payloads.length, () => `redelivery: ${payloads.length}, got ${seen.length}`);
        expect(seen.map(decode).map(id).sort()).toEqual(payloads.map(id).sort());
        expect(live.assignments()).toEqual(allPartitions(topic));
        expect(dead.assignments()).toEqual([]);
      });
    });
  }

  it(`${name}: a second member joining mid-stream takes over part of the partitions without losing a message`, async ({ expect }) => {
    await withBus(async ({ bus, topic, group, track }) => {
      const keys = Array.from({ length: 16 }, (_, i) => `rb-${i}`);
      const seenA: Payload[] = [];
      const seenB: Payload[] = [];
      const slow = () => new Promise((resolve) => setTimeout(resolve, 2));
      const a = track(
        await bus.subscribe({
          groupId: group,
          topics: [topic],
          maxBatchSize: 10,
          handler: async (batch) => {
            await slow();
            seenA.push(...batch.map(decode));
          },
        }),
      );
      const wave1 = stream(keys, 5);
      await publishAll(bus, topic, wave1);
      await until(() => seenA.length >= 1, 'the first member to start consuming');

      const joining = bus.subscribe({
        groupId: group,
        topics: [topic],
        maxBatchSize: 10,
        handler: async (batch) => {
          await slow();
          seenB.push(...batch.map(decode));
        },
      });
      // Keep producing while the second member joins.
      const wave2 = stream(keys, 5, 5);
      await publishAll(bus, topic, wave2, 8);
      const b = track(await joining);

      const split = () => {
        const [x, y] = [a.assignments(), b.assignments()];
        return x.length > 0 && y.length > 0 && x.every((tp) => !y.includes(tp)) && [...x, ...y].sort().join() === allPartitions(topic).join();
      };
      await until(split, () => `assignments split: a=${a.assignments().join(' ')} b=${b.assignments().join(' ')}`);
      // After the split, traffic on every partition reaches both members.
      const wave3 = stream(keys, 5, 10);
      await publishAll(bus, topic, wave3);

      const expected = [...wave1, ...wave2, ...wave3];
      const distinct = () => new Set([...seenA, ...seenB].map(id));
      await until(() => distinct().size >= expected.length, () => `union: ${expected.length}, got ${distinct().size}`);
      expect([...distinct()].sort()).toEqual(expected.map(id).sort());
      expect(seenB.length).toBeGreaterThan(0);
      // At-least-once: a message may be handled twice only if it was in flight when the partition moved,
      // at most one batch per partition (a broker may refuse commits once a rebalance has begun).
      const dupes = [...countBy([...seenA, ...seenB], id).values()].reduce((n, c) => n + c - 1, 0);
      expect(dupes).toBeLessThanOrEqual(PARTITIONS * 10);
      // Each member handles each key in order; a redelivery may only restart from an earlier point.
      for (const seen of [seenA, seenB]) {
        for (const key of keys) {
          const firstTimes = [...new Set(seen.filter((p) => p.key === key).map((p) => p.seq))];
          expect(firstTimes).toEqual([...firstTimes].sort((x, y) => x - y));
        }
      }
    });
  });

  it(`${name}: a handler failing a few times is retried with the same batch, without loss or reorder`, async ({ expect }) => {
    await withBus(async ({ bus, topic, group, track }) => {
      const keys = Array.from({ length: 6 }, (_, i) => `retry-${i}`);
      const payloads = stream(keys, 10);
      const poison = 'retry-3#4';
      let failuresLeft = 3;
      const attempts: number[] = [];
      const retriedBatches: string[][] = [];
      const seen: Payload[] = [];
      await publishAll(bus, topic, payloads);
      track(
        await bus.subscribe({
          groupId: group,
          topics: [topic],
          maxBatchSize: 5,
          onRetry: (_err, attempt, batch) => {
            attempts.push(attempt);
            retriedBatches.push(batch.map(decode).map(id));
          },
          handler: async (batch) => {
            const ids = batch.map(decode).map(id);
            if (ids.includes(poison) && failuresLeft > 0) {
              failuresLeft--;
              throw new Error('transient sink failure');
            }
            seen.push(...batch.map(decode));
          },
        }),
      );
      await until(() => seen.length >= payloads.length, () => `${payloads.length} messages, got ${seen.length}`);
      expect(seen).toHaveLength(payloads.length);
      expect(attempts).toEqual([1, 2, 3]);
      expect(retriedBatches[0]).toContain(poison);
      expect(retriedBatches[1]).toEqual(retriedBatches[0]);
      expect(retriedBatches[2]).toEqual(retriedBatches[0]);
      for (const key of keys) expect(seen.filter((p) => p.key === key).map((p) => p.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    });
  });

  it(`${name}: subscribeEvents routes invalid JSON and schema-invalid messages to <topic>.dlq with x-error, valid ones to the handler`, async ({ expect }) => {
    await withBus(async ({ bus, topic, group, track }) => {
      const schema = z.object({ schema: z.literal('conformance/v1'), id: z.string(), n: z.number() });
      const valid = Array.from({ length: 6 }, (_, n) => ({ schema: 'conformance/v1' as const, id: `ev-${n}`, n }));
      const events: z.infer<typeof schema>[] = [];
      const dlq: IncomingMessage[] = [];
      const invalid: string[] = [];
      track(
        await subscribeEvents(bus, {
          groupId: group,
          topic,
          schema,
          handler: async (batch) => void events.push(...batch.map((d) => d.event)),
          onInvalid: (_m, error) => void invalid.push(error),
        }),
      );
      track(await bus.subscribe({ groupId: `${group}-dlq`, topics: [dlqTopic(topic)], handler: async (b) => void dlq.push(...b) }));
      await bus.publish(topic, [
        ...valid.slice(0, 3).map((e) => ({ key: e.id, value: JSON.stringify(e) })),
        { key: 'bad-json', value: '{"schema": "conformance/v1", "id": ', headers: { origin: 'test' } },
        { key: 'bad-schema', value: JSON.stringify({ schema: 'conformance/v1', id: 'no-n' }) },
        ...valid.slice(3).map((e) => ({ key: e.id, value: JSON.stringify(e) })),
      ]);
      await until(() => events.length >= valid.length && dlq.length >= 2, () => `events ${events.length}/${valid.length}, dlq ${dlq.length}/2`);
      expect(events.sort((x, y) => x.n - y.n)).toEqual(valid);
      expect(dlq).toHaveLength(2);
      expect(invalid).toHaveLength(2);
      const byKey = Object.fromEntries(dlq.map((m) => [m.key, m]));
      expect(byKey['bad-json'].value.toString()).toBe('{"schema": "conformance/v1", "id": ');
      expect(byKey['bad-json'].headers['x-error']).toMatch(/^invalid JSON/);
      expect(byKey['bad-json'].headers.origin).toBe('test');
      expect(byKey['bad-schema'].headers['x-error']).toMatch(/^schema: n:/);
      for (const m of dlq) {
        expect(m.topic).toBe(dlqTopic(topic));
        expect(m.headers['x-source-topic']).toBe(topic);
        expect(m.headers['x-consumer-group']).toBe(group);
        expect(Number(m.headers['x-source-partition'])).toBeGreaterThanOrEqual(0);
        expect(m.headers['x-source-offset']).toMatch(/^\d+$/);
      }
    });
  });

  it(`${name}: subscribeEvents writes a schema-invalid message to <topic>.dlq once while its batch waits out an outage, and delivers its valid neighbours once`, async ({ expect }) => {
    await withBus(
      async ({ bus, topic, group, track }) => {
        const schema = z.object({ schema: z.literal('conformance/v1'), id: z.string(), n: z.number() });
        const valid = Array.from({ length: 4 }, (_, n) => ({ schema: 'conformance/v1' as const, id: `ev-${n}`, n }));
        let outageLeft = 8;
        const events: string[] = [];
        track(
          await subscribeEvents(bus, {
            groupId: group,
            topic,
            schema,
            handler: async (batch) => {
              if (outageLeft > 0) {
                outageLeft--;
                throw new AppError('STORE_UNAVAILABLE', 'injected outage');
              }
              events.push(...batch.map((d) => d.event.id));
            },
          }),
        );
        // One key and one publish: the invalid message sits in the batch the outage holds.
        await bus.publish(topic, [
          ...valid.slice(0, 2).map((e) => ({ key: 'one', value: JSON.stringify(e) })),
          { key: 'one', value: JSON.stringify({ schema: 'conformance/v1', id: 'no-n' }) },
          ...valid.slice(2).map((e) => ({ key: 'one', value: JSON.stringify(e) })),
        ]);
        await until(() => events.length >= valid.length, () => `events ${events.length}/${valid.length}, outage tries left ${outageLeft}`);
        expect(outageLeft).toBe(0);
        expect(events).toEqual(valid.map((e) => e.id));
        const letters = (await bus.readTopic?.(dlqTopic(topic))) ?? [];
        expect(letters.map((m) => [m.headers['x-error-code'], JSON.parse(m.value.toString()).id])).toEqual([['SCHEMA_INVALID', 'no-n']]);
      },
      { maxDeliveryAttempts: 3 },
    );
  });

  it(`${name}: a poison message (final error) goes to <topic>.dlq with the error code and attempt count, and its partition goes on`, async ({ expect }) => {
    await withBus(async ({ bus, topic, group, track }) => {
      // One key: every message on one partition, so the poison sits in front of the others.
      const payloads = stream(['one-key'], 30);
      const poison = 'one-key#7';
      const seen: string[] = [];
      const dlq: IncomingMessage[] = [];
      const retried: number[] = [];
      await publishAll(bus, topic, payloads, 30);
      track(await bus.subscribe({ groupId: `${group}-dlq`, topics: [dlqTopic(topic)], handler: async (b) => void dlq.push(...b) }));
      track(
        await bus.subscribe({
          groupId: group,
          topics: [topic],
          maxBatchSize: 10,
          onRetry: (_err, attempt) => void retried.push(attempt),
          handler: async (batch) => {
            const ids = batch.map(decode).map(id);
            if (ids.includes(poison)) throw new AppError('SCHEMA_INVALID', `cannot use ${poison}`);
            seen.push(...ids);
          },
        }),
      );
      await until(() => seen.length >= payloads.length - 1 && dlq.length >= 1, () => `handled ${seen.length}/${payloads.length - 1}, dlq ${dlq.length}/1`);
      expect(seen).toEqual(payloads.map(id).filter((i) => i !== poison));
      expect(retried).toEqual([]);
      expect(dlq).toHaveLength(1);
      const [letter] = dlq;
      expect(id(decode(letter))).toBe(poison);
      expect(letter.headers).toMatchObject({
        'x-test': 'conformance',
        'x-error-code': 'SCHEMA_INVALID',
        'x-error-retryable': 'false',
        'x-attempts': '1',
        'x-dead-letter-reason': 'non_retryable',
        'x-source-topic': topic,
        'x-consumer-group': group,
      });
      expect(letter.headers['x-error']).toContain(poison);
    });
  });

  it(`${name}: a message failing with retryable errors about itself past the retry budget goes to <topic>.dlq with the attempts made`, async ({ expect }) => {
    await withBus(
      async ({ bus, topic, group, track }) => {
        const payloads = stream(['budget'], 5);
        const stuck = 'budget#2';
        const seen: string[] = [];
        const dlq: IncomingMessage[] = [];
        const attempts: number[] = [];
        await publishAll(bus, topic, payloads, 5);
        track(await bus.subscribe({ groupId: `${group}-dlq`, topics: [dlqTopic(topic)], handler: async (b) => void dlq.push(...b) }));
        track(
          await bus.subscribe({
            groupId: group,
            topics: [topic],
            maxBatchSize: 1,
            onRetry: (_err, attempt) => void attempts.push(attempt),
            handler: async (batch) => {
              const ids = batch.map(decode).map(id);
              // Retryable but no outage: the worker that scores it dies on it every time.
              if (ids.includes(stuck)) throw new AppError('INTERNAL', `worker stopped on ${stuck}`, { retryable: true });
              seen.push(...ids);
            },
          }),
        );
        await until(() => seen.length >= payloads.length - 1 && dlq.length >= 1, () => `handled ${seen.length}/${payloads.length - 1}, dlq ${dlq.length}/1`);
        expect(seen).toEqual(payloads.map(id).filter((i) => i !== stuck));
        expect(attempts).toEqual([1, 2]);
        expect(dlq.map((m) => id(decode(m)))).toEqual([stuck]);
        expect(dlq[0].headers).toMatchObject({ 'x-error-code': 'INTERNAL', 'x-error-retryable': 'true', 'x-attempts': '3', 'x-dead-letter-reason': 'retries_exhausted' });
      },
      { maxDeliveryAttempts: 3 },
    );
  });

  it(`${name}: a dependency outage far past the retry budget is waited out: every message handled once, in order, nothing in <topic>.dlq; a poison message after it still goes there at once`, async ({ expect }) => {
    const BUDGET = 3;
    await withBus(
      async ({ bus, topic, group, track }) => {
        // One key: every message on one partition, the outage in front of all of them.
        const payloads = stream(['outage'], 8);
        const poison = 'outage#5';
        const OUTAGE_TRIES = BUDGET * 4;
        let outageLeft = OUTAGE_TRIES;
        const seen: string[] = [];
        const tries: number[] = [];
        const poisonTries: string[] = [];
        track(
          await bus.subscribe({
            groupId: group,
            topics: [topic],
            maxBatchSize: 3,
            onRetry: (_err, attempt) => void tries.push(attempt),
            handler: async (batch) => {
              // The store is away: whatever the batch holds, writing it fails, as ClickHouse refusing every insert would.
              if (outageLeft > 0) {
                outageLeft--;
                throw new AppError('STORE_UNAVAILABLE', 'injected outage: the store is unreachable');
              }
              const ids = batch.map(decode).map(id);
              if (ids.includes(poison)) {
                poisonTries.push(ids.join(' '));
                throw new AppError('SCHEMA_INVALID', `cannot use ${poison}`);
              }
              seen.push(...ids);
            },
          }),
        );
        await publishAll(bus, topic, payloads, 8);
        await until(() => seen.length >= payloads.length - 1, () => `handled ${seen.length}/${payloads.length - 1} (outage tries left ${outageLeft})`);
        expect(outageLeft).toBe(0);
        // Exactly once and in order: no batch was acked past the outage, none was handled twice.
        expect(seen).toEqual(payloads.map(id).filter((i) => i !== poison));
        // The first batch was tried through the whole outage, four times the budget, then once more.
        expect(tries.slice(0, OUTAGE_TRIES)).toEqual(Array.from({ length: OUTAGE_TRIES }, (_, i) => i + 1));
        // No retry of a final error: the poison alone was tried once (after its batch failed once, if it came in one).
        expect(poisonTries.filter((t) => t === poison)).toHaveLength(1);
        expect(poisonTries.length).toBeLessThanOrEqual(2);
        // What the dead-letter topic holds, read from the topic itself: the poison, tried once, and nothing the outage touched.
        const readTopic = bus.readTopic?.bind(bus);
        expect(readTopic, 'the bus must read a topic back (oilwire dlq uses it)').toBeTypeOf('function');
        const dlq = await waitFor(async () => {
          const letters = (await readTopic?.(dlqTopic(topic))) ?? [];
          return letters.length >= 1 && letters;
        }, { timeoutMs: waitMs, message: 'the poison in the dead-letter topic' });
        expect(dlq.map((m) => id(decode(m)))).toEqual([poison]);
        expect(dlq[0].headers).toMatchObject({ 'x-error-code': 'SCHEMA_INVALID', 'x-attempts': '1', 'x-dead-letter-reason': 'non_retryable', 'x-source-topic': topic });
      },
      { maxDeliveryAttempts: BUDGET },
    );
  });
}
