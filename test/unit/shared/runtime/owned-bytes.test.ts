import { describe, expect, it } from 'vitest';
import { ownedBytes } from '../../../../shared/runtime/owned-bytes.ts';

describe('ownedBytes', () => {
  it('copies a short string into memory of its own, where Buffer.from would slice the shared pool', () => {
    const text = 'Brent rises as Hormuz tanker traffic slows — ministers meet in Doha';
    expect(Buffer.from(text).buffer.byteLength).toBeGreaterThan(Buffer.byteLength(text));
    const bytes = ownedBytes(text);
    expect(bytes.toString('utf8')).toBe(text);
    expect(bytes.length).toBe(Buffer.byteLength(text));
    expect(bytes.buffer.byteLength).toBe(bytes.length);
    expect(bytes.byteOffset).toBe(0);
  });

  it('copies bytes (a view into a larger buffer) into memory of its own, and later writes to the source do not show', () => {
    const big = Buffer.from('0123456789abcdef');
    const view = big.subarray(4, 10);
    const bytes = ownedBytes(view);
    expect(bytes.toString()).toBe('456789');
    expect(bytes.buffer.byteLength).toBe(6);
    big[4] = 0x58;
    expect(bytes.toString()).toBe('456789');
  });

  it('keeps empty values empty', () => {
    expect(ownedBytes('').length).toBe(0);
    expect(ownedBytes(new Uint8Array(0)).length).toBe(0);
  });
});
