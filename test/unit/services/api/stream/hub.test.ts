import { describe, expect, it } from 'vitest';
import { sseFrame, StreamHub } from '../../../../../services/api/stream/hub.ts';
import type { StreamEvent } from '../../../../../services/api/domain/replay-buffer.ts';

const text = (b: Uint8Array | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

describe('StreamHub.publishAll', () => {
  it('serialises a batch once: one buffer of every frame, each event a view of its own frame, multi-byte text included', () => {
    const hub = new StreamHub(10, 'abc', () => 1_000);
    const calls: { events: StreamEvent[]; frames: Uint8Array; topic: string | undefined }[] = [];
    hub.subscribe((events, frames, topic) => calls.push({ events, frames, topic }));
    const payloads = [
      { topic: 'news.scored', key: 'n:1', payload: { id: '1', title: 'Öl: Brent fällt — 油价' } },
      { topic: 'news.impact', key: 'i:1', payload: { id: '1', bps: -12.5 } },
      { topic: 'news.scored', key: 'n:2', payload: { id: '2', title: 'plain' } },
    ];
    const events = hub.publishAll(payloads.map(({ payload, ...rest }) => ({ ...rest, data: JSON.stringify(payload) })));
    expect(calls).toHaveLength(1);
    expect(calls[0].events).toBe(events);
    // Two topics in the batch: none is named for all of it.
    expect(calls[0].topic).toBeUndefined();
    expect(events.map((e) => e.data)).toEqual(payloads.map((p) => JSON.stringify(p.payload)));
    expect(events.map((e) => e.id)).toEqual(['1000-1-abc', '1000-2-abc', '1000-3-abc']);
    for (const e of events) expect(text(e.frame)).toBe(sseFrame(e));
    expect(text(events[0].frame)).toContain('油价');
    expect(text(calls[0].frames)).toBe(events.map((e) => sseFrame(e)).join(''));
    // The buffered events keep their frames for clients that resume from the buffer.
    expect(hub.buffer.all().map((e) => text(e.frame))).toEqual(events.map((e) => sseFrame(e)));
    // A batch of one topic (a bus batch) names it.
    const more = hub.publishAll([{ topic: 'news.impact', key: 'i:2', data: '{"id":"2"}' }, { topic: 'news.impact', key: 'i:3', data: '{"id":"油"}' }]);
    expect(calls[1].topic).toBe('news.impact');
    expect(more.map((e) => e.data)).toEqual(['{"id":"2"}', '{"id":"油"}']);
    expect(more.map((e) => text(e.frame))).toEqual(['id: 1000-4-abc\nevent: news.impact\ndata: {"id":"2"}\n\n', 'id: 1000-5-abc\nevent: news.impact\ndata: {"id":"油"}\n\n']);
  });

  it('an all-ASCII batch gets the same exact frames (offsets taken from lengths), escapes included', () => {
    const hub = new StreamHub(10, 'abc', () => 7);
    const payloads = [{ t: 'a' }, { t: 'line\nbreak "quoted" \\ tab\t' }, { t: '' }, { n: 12345678901234, list: [1, 2, 3] }];
    const events = hub.publishAll(payloads.map((payload, i) => ({ topic: i % 2 ? 'news.impact' : 'news.scored', key: `k${i}`, data: JSON.stringify(payload) })));
    expect(events.map((e) => text(e.frame))).toEqual(events.map((e) => sseFrame(e)));
    expect(events.map((e) => e.data)).toEqual(payloads.map((p) => JSON.stringify(p)));
    for (const e of events) expect(text(e.frame).split('\n')).toHaveLength(5);
  });

  it('publishes nothing for an empty batch and one event through publish', () => {
    const hub = new StreamHub(10, 'abc', () => 5);
    let calls = 0;
    hub.subscribe(() => calls++);
    expect(hub.publishAll([])).toEqual([]);
    expect(calls).toBe(0);
    const e = hub.publish('alert', 'a:1', { alert_id: '1' });
    expect(calls).toBe(1);
    expect(text(e.frame)).toBe('id: 5-1-abc\nevent: alert\ndata: {"alert_id":"1"}\n\n');
  });
});
