import { describe, expect, it } from 'vitest';
import { baseDelayMs, describeSchedule, retryDelayMs, type RetrySchedule } from '../../../../../services/api/domain/retry-schedule.ts';
import { apiConfigSchema } from '../../../../../services/api/config.ts';

const schedule: RetrySchedule = apiConfigSchema.parse({}).alerts.delivery;

describe('retry schedule', () => {
  it('is the documented default: 5 s growing x3, capped at 6 h, 12 attempts', () => {
    expect(describeSchedule(schedule).map((r) => r.delaySec)).toEqual([5, 15, 45, 135, 405, 1215, 3645, 10935, 21600, 21600, 21600]);
    const total = describeSchedule(schedule).at(-1)!.cumulativeSec;
    expect(total).toBe(81_200);
  });

  it('jitters within the band and never past the cap', () => {
    expect(retryDelayMs(schedule, 1, 0)).toBe(4000);
    expect(retryDelayMs(schedule, 1, 0.5)).toBe(5000);
    expect(retryDelayMs(schedule, 1, 0.999999)).toBe(6000);
    expect(retryDelayMs(schedule, 11, 0.999999)).toBe(6 * 3600 * 1000);
    expect(baseDelayMs(schedule, 40)).toBe(6 * 3600 * 1000);
  });

  it('lets Retry-After push an attempt later, never earlier, and no further than its cap', () => {
    expect(retryDelayMs(schedule, 1, 0.5, 120_000)).toBe(120_000);
    expect(retryDelayMs(schedule, 5, 0.5, 1000)).toBe(405_000);
    expect(retryDelayMs({ ...schedule, maxRetryAfterSec: 600 }, 1, 0.5, 86_400_000)).toBe(600_000);
  });
});
