import { describe, expect, it } from 'vitest';
import { Watermarks } from '../../../../../services/correlator/domain/watermarks.ts';

describe('Watermarks', () => {
  it('is the newest tick minus the out-of-orderness bound minus 1 ms, and never goes back', () => {
    const w = new Watermarks({ maxOutOfOrdernessMs: 5_000, idleTimeoutMs: 60_000 });
    expect(w.current('B', 0)).toBe(-Infinity);
    w.observe('B', 'feed', 100_000, 0);
    expect(w.current('B', 0)).toBe(100_000 - 5_000 - 1);
    // An older tick (out of order) does not move it back.
    w.observe('B', 'feed', 97_000, 1);
    expect(w.current('B', 1)).toBe(94_999);
    w.observe('B', 'feed', 110_000, 2);
    expect(w.current('B', 2)).toBe(104_999);
  });

  it('is held back by the slowest active source, and released when that source goes idle', () => {
    const w = new Watermarks({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 10_000 });
    w.observe('B', 'fast', 200_000, 0);
    w.observe('B', 'slow', 150_000, 0);
    expect(w.current('B', 0)).toBe(149_999);
    // 'slow' silent for more than 10 s of wall time (a feed at the weekend, a dead socket); 'fast' still talking.
    w.observe('B', 'fast', 210_000, 15_000);
    expect(w.current('B', 15_000)).toBe(209_999);
    // Back from idle with old data: the watermark does not regress (its ticks are late instead).
    w.observe('B', 'slow', 160_000, 16_000);
    expect(w.current('B', 16_000)).toBe(209_999);
  });

  it('calls a source idle only once it has been silent for longer than the timeout, by its latest arrival', () => {
    const w = new Watermarks({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 10_000 });
    w.observe('B', 'a', 100_000, 5_000);
    // A batch that was stamped earlier (a replayed or delayed delivery) does not make the source older.
    w.observe('B', 'a', 90_000, 1_000);
    expect(w.bySource('B', 15_000)).toEqual([{ source: 'a', maxTs: 100_000, watermark: 99_999, idle: false }]);
    expect(w.bySource('B', 15_001)[0].idle).toBe(true);
  });

  it('takes the highest source when every source is idle', () => {
    const w = new Watermarks({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 10_000 });
    w.observe('B', 'a', 300_000, 0);
    w.observe('B', 'b', 250_000, 0);
    expect(w.current('B', 0)).toBe(249_999);
    expect(w.current('B', 20_000)).toBe(299_999);
  });

  it('applies a per-source bound', () => {
    const w = new Watermarks({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 10_000, perSource: { ws: { maxOutOfOrdernessMs: 2_000 } } });
    w.observe('B', 'ws', 100_000, 0);
    expect(w.bySource('B', 0)).toEqual([{ source: 'ws', maxTs: 100_000, watermark: 97_999, idle: false }]);
  });

  it('keeps symbols apart', () => {
    const w = new Watermarks({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 10_000 });
    w.observe('B', 'a', 100, 0);
    w.observe('W', 'a', 500, 0);
    expect([w.current('B', 0), w.current('W', 0)]).toEqual([99, 499]);
  });

  it('restored from stored state, gives the watermark the live sources gave, and an idle source stays idle', () => {
    const opts = { maxOutOfOrdernessMs: 5_000, idleTimeoutMs: 60_000 };
    const live = new Watermarks(opts);
    live.observe('B', 'ws', 100_000, 1_000);
    live.observe('B', 'csv', 90_000, 1_000);
    live.observe('B', 'old', 50_000, -100_000);
    const restored = new Watermarks(opts);
    // Newest stored tick per source, and when it was stored.
    restored.restore('B', 'ws', 100_000, 1_000);
    restored.restore('B', 'csv', 90_000, 1_000);
    restored.restore('B', 'old', 50_000, -100_000);
    // 'old' was silent past the idle timeout before and after: the lowest active source (csv) decides.
    expect(restored.current('B', 2_000)).toBe(90_000 - 5_000 - 1);
    expect(restored.current('B', 2_000)).toBe(live.current('B', 2_000));
  });
});
