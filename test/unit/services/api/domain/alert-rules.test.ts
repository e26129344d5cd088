import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alertId, round } from '../../../../../services/api/domain/alert-rules.ts';

describe('alertId', () => {
  it('is alr_ and the first 32 hex digits of the SHA-256 of the parts joined by NUL', () => {
    const hex = createHash('sha256').update('rule-1\u0000art_9').digest('hex');
    expect(alertId('rule-1', 'art_9')).toBe(`alr_${hex.slice(0, 32)}`);
    expect(alertId('rule-1', 'art_9')).toMatch(/^alr_[0-9a-f]{32}$/);
  });

  it('is the same for the same parts and differs when the parts are split differently', () => {
    expect(alertId('a', 'b')).toBe(alertId('a', 'b'));
    expect(alertId('a', 'b')).not.toBe(alertId('ab'));
    expect(alertId('a', 'b')).not.toBe(alertId('b', 'a'));
  });
});

describe('round', () => {
  it('keeps two decimals by default and the given number otherwise', () => {
    expect(round(1.23456)).toBe(1.23);
    expect(round(1.235, 0)).toBe(1);
    expect(round(-12.3456, 3)).toBe(-12.346);
    expect(round(12.5, 0)).toBe(13);
    expect(round(0.1 + 0.2)).toBe(0.3);
  });
});
