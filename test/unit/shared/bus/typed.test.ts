import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Bus, IncomingMessage, OutgoingMessage, SubscribeOptions, Subscription } from '../../../../shared/bus/port.ts';
import { decodeMessage, encodeEvent, publishEvents, subscribeEvents } from '../../../../shared/bus/typed.ts';

/** The typed helpers over any Bus: a recording bus stands in, so what reaches `publish` and the subscription's options is read directly. */
function recordingBus() {
  const published: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
  const subscriptions: SubscribeOptions[] = [];
  const subscription: Subscription = { close: async () => {}, assignments: () => [] };
  const bus: Bus = {
    kind: 'memory',
    publish: async (topic, messages) => void published.push({ topic, messages }),
    subscribe: async (options) => {
      subscriptions.push(options);
      return subscription;
    },
    close: async () => {},
  };
  return { bus, published, subscriptions, subscription };
}

const schema = z.object({ id: z.string(), n: z.number().int(), tags: z.array(z.string()).default([]) });

let offset = 0;
const incoming = (value: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
  topic: 'news.raw',
  partition: 1,
  offset: String(offset++),
  key: 'k',
  value: Buffer.from(value),
  headers: { origin: 'feed' },
  timestamp: 1,
  ...extra,
});

describe('encodeEvent and publishEvents', () => {
  it('encodes an event as its JSON text', () => {
    expect(encodeEvent({ a: 1, b: ['x'] }).toString('utf8')).toBe('{"a":1,"b":["x"]}');
  });

  it('publishes each event keyed, encoded and with the headers given; nothing at all for no events', async () => {
    const { bus, published } = recordingBus();
    await publishEvents(bus, 't', [], () => 'never');
    expect(published).toEqual([]);
    await publishEvents(bus, 't', [{ id: 'a' }, { id: 'b' }], (e) => `key-${e.id}`, { h: '1' });
    expect(published.map((p) => [p.topic, p.messages.map((m) => [m.key, m.value.toString(), m.headers])])).toEqual([
      [
        't',
        [
          ['key-a', '{"id":"a"}', { h: '1' }],
          ['key-b', '{"id":"b"}', { h: '1' }],
        ],
      ],
    ]);
  });
});

describe('decodeMessage', () => {
  it('returns the parsed event, with the schema applied', () => {
    expect(decodeMessage(schema, Buffer.from('{"id":"a","n":2}'))).toEqual({ ok: true, event: { id: 'a', n: 2, tags: [] } });
  });

  it('says why JSON does not parse', () => {
    const r = decodeMessage(schema, Buffer.from('{"id":'));
    expect(r.ok).toBe(false);
    let reason = '';
    try {
      JSON.parse('{"id":');
    } catch (err) {
      reason = (err as Error).message;
    }
    expect(r).toEqual({ ok: false, error: `invalid JSON: ${reason}` });
  });

  it('lists the schema issues with their paths, (root) for the value itself, at most five', () => {
    expect(decodeMessage(schema, Buffer.from('{"id":1,"n":2,"tags":["x",3]}'))).toEqual({
      ok: false,
      error: 'schema: id: Invalid input: expected string, received number; tags.1: Invalid input: expected string, received number',
    });
    expect(decodeMessage(schema, Buffer.from('7'))).toEqual({ ok: false, error: 'schema: (root): Invalid input: expected object, received number' });
    const wide = z.object(Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`f${i}`, z.string()])));
    const r = decodeMessage(wide, Buffer.from('{}'));
    expect(r.ok === false && r.error.split('; ')).toEqual(Array.from({ length: 5 }, (_, i) => `${i === 0 ? 'schema: ' : ''}f${i}: Invalid input: expected string, received undefined`));
  });
});

describe('subscribeEvents', () => {
  const handlerOf = (subscriptions: SubscribeOptions[]) => subscriptions[0]!.handler;

  it('subscribes to the one topic with the options given, and returns the subscription', async () => {
    const { bus, subscriptions, subscription } = recordingBus();
    const onFatal = () => {};
    const retries: Array<[unknown, number]> = [];
    const sub = await subscribeEvents(bus, { groupId: 'g', topic: 'news.raw', schema, handler: async () => {}, fromBeginning: false, maxBatchSize: 7, onFatal, onRetry: (err, attempt) => void retries.push([err, attempt]) });
    expect(sub).toBe(subscription);
    const o = subscriptions[0]!;
    expect([o.groupId, o.topics, o.fromBeginning, o.maxBatchSize, o.onFatal]).toEqual(['g', ['news.raw'], false, 7, onFatal]);
    const err = new Error('x');
    o.onRetry?.(err, 3, []);
    expect(retries).toEqual([[err, 3]]);
    const none = recordingBus();
    await subscribeEvents(none.bus, { groupId: 'g', topic: 't', schema, handler: async () => {} });
    expect(none.subscriptions[0]!.onRetry).toBeUndefined();
  });

  it('hands the valid events to the handler with their messages, and writes the invalid ones to <topic>.dlq with the reason in the shared headers', async () => {
    const { bus, published, subscriptions } = recordingBus();
    const handled: Array<[unknown, string]> = [];
    const invalid: Array<[string, string]> = [];
    await subscribeEvents(bus, {
      groupId: 'scorer',
      topic: 'news.raw',
      schema,
      handler: async (events) => void handled.push(...events.map((e): [unknown, string] => [e.event, e.message.offset])),
      onInvalid: (m, error) => void invalid.push([m.offset, error]),
    });
    const good = incoming('{"id":"a","n":1}');
    const notJson = incoming('nope', { key: 'kb', headers: { origin: 'feed', trace: 't1' } });
    const badSchema = incoming('{"id":"c"}');
    await handlerOf(subscriptions)([good, notJson, badSchema]);
    expect(handled).toEqual([[{ id: 'a', n: 1, tags: [] }, good.offset]]);
    expect(published).toHaveLength(1);
    expect(published[0]!.topic).toBe('news.raw.dlq');
    const [first, second] = published[0]!.messages;
    expect(first).toEqual({
      key: 'kb',
      value: notJson.value,
      headers: {
        origin: 'feed',
        trace: 't1',
        'x-error': expect.stringMatching(/^invalid JSON: /),
        'x-error-code': 'SCHEMA_INVALID',
        'x-error-retryable': 'false',
        'x-attempts': '1',
        'x-dead-letter-reason': 'non_retryable',
        'x-source-topic': 'news.raw',
        'x-source-partition': '1',
        'x-source-offset': notJson.offset,
        'x-consumer-group': 'scorer',
      },
    });
    expect(second?.headers?.['x-error']).toBe('schema: n: Invalid input: expected number, received undefined');
    expect(invalid).toEqual([
      [notJson.offset, first!.headers!['x-error']],
      [badSchema.offset, 'schema: n: Invalid input: expected number, received undefined'],
    ]);
  });

  it('cuts a long reason to 1,000 characters in the header', async () => {
    const { bus, published, subscriptions } = recordingBus();
    const wide = z.object(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`field_${'x'.repeat(300)}_${i}`, z.string()])));
    await subscribeEvents(bus, { groupId: 'g', topic: 't', schema: wide, handler: async () => {} });
    await handlerOf(subscriptions)([incoming('{}')]);
    const header = published[0]!.messages[0]!.headers!['x-error']!;
    expect(header).toHaveLength(1000);
    expect(header.startsWith('schema: field_x')).toBe(true);
  });

  it('publishes nothing for a batch with no invalid message, and calls no handler for a batch with no valid one', async () => {
    const { bus, published, subscriptions } = recordingBus();
    let calls = 0;
    await subscribeEvents(bus, { groupId: 'g', topic: 't', schema, handler: async () => void calls++ });
    await handlerOf(subscriptions)([incoming('{"id":"a","n":1}')]);
    expect([published.length, calls]).toEqual([0, 1]);
    await handlerOf(subscriptions)([incoming('bad')]);
    expect([published.length, calls]).toEqual([1, 1]);
  });

  it('dead-letters an invalid message once while its batch is retried, and again if the batch comes back after it went through', async () => {
    const { bus, published, subscriptions } = recordingBus();
    let fail = 2;
    const invalid: string[] = [];
    await subscribeEvents(bus, {
      groupId: 'g',
      topic: 't',
      schema,
      handler: async () => {
        if (fail-- > 0) throw new Error('store down');
      },
      onInvalid: (m) => void invalid.push(m.offset),
    });
    const batch = [incoming('{"id":"a","n":1}'), incoming('bad')];
    const handler = handlerOf(subscriptions);
    await expect(handler(batch)).rejects.toThrow('store down');
    await expect(handler(batch)).rejects.toThrow('store down');
    await handler(batch);
    expect(published).toHaveLength(1);
    expect(invalid).toEqual([batch[1]!.offset]);
    // Went through: forgotten, so a redelivery (a rebalance replaying it) writes it again.
    await handler(batch);
    expect(published).toHaveLength(2);
  });

  it('remembers at most 10,000 invalid messages of batches still being retried, forgetting the oldest first', async () => {
    const { bus, published, subscriptions } = recordingBus();
    await subscribeEvents(bus, {
      groupId: 'g',
      topic: 't',
      schema,
      handler: async () => {
        throw new Error('store down');
      },
    });
    const handler = handlerOf(subscriptions);
    const bad = Array.from({ length: 10_001 }, () => incoming('bad'));
    // A valid neighbour keeps each batch failing, so none is forgotten by going through.
    await expect(handler([incoming('{"id":"a","n":1}'), ...bad])).rejects.toThrow('store down');
    expect(published[0]!.messages).toHaveLength(10_001);
    await expect(handler([incoming('{"id":"a","n":1}'), bad[1]!, bad[10_000]!])).rejects.toThrow('store down');
    expect(published).toHaveLength(1);
    await expect(handler([incoming('{"id":"a","n":1}'), bad[0]!])).rejects.toThrow('store down');
    expect(published.map((p) => p.messages.map((m) => m.headers?.['x-source-offset']))[1]).toEqual([bad[0]!.offset]);
  });
});
