import { describe, expect, it } from 'vitest';
import { createProgressBar, renderBar } from '../../../../../services/ingest-prices/adapters/progress-bar.ts';

describe('progress bar', () => {
  it('renders a fraction', () => {
    expect(renderBar(0.45, 20)).toBe('[#########...........]  45%');
    expect(renderBar(2, 4)).toBe('[####] 100%');
    expect(renderBar(NaN, 4)).toBe('[....]   0%');
  });

  it('redraws in place on a terminal, throttled, and ends with a new line', () => {
    const out: string[] = [];
    let t = 0;
    const bar = createProgressBar({ isTTY: true, columns: 80, write: (s: string) => out.push(s) }, 'prices', { minIntervalMs: 100, now: () => t });
    bar.update(10, 100);
    t = 50;
    bar.update(20, 100);
    t = 200;
    bar.update(50, 100, '5 ticks');
    bar.finish('done');
    expect(out).toHaveLength(4);
    expect(out[0]).toMatch(/^\rprices \[#+\.+\] {2}10%$/);
    expect(out[1]).toMatch(/ 50% {2}5 ticks$/);
    expect(out[2]).toMatch(/100% {2}done/);
    expect(out[3]).toBe('\n');
  });

  it('stays silent when the stream is not a terminal', () => {
    const out: string[] = [];
    const bar = createProgressBar({ isTTY: false, write: (s: string) => out.push(s) }, 'prices');
    bar.update(1, 2);
    bar.finish();
    expect(out).toEqual([]);
  });
});
