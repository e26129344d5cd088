import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../../shared/runtime/clock.ts';

describe('ManualClock', () => {
  it('stands still until set or advanced', () => {
    const c = new ManualClock(1000);
    expect(c.now()).toBe(1000);
    expect(c.now()).toBe(1000);
    c.advance(250);
    expect(c.now()).toBe(1250);
    c.advance(-50);
    expect(c.now()).toBe(1200);
    c.set(5);
    expect(c.now()).toBe(5);
  });
});

describe('systemClock', () => {
  it('reads the wall clock', () => {
    const before = Date.now();
    const t = systemClock.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});
