import { describe, expect, it } from 'vitest';
import { DIRTY_PAGES_PURGE_BYTES, dirtyPagesPurgeRatio, engineMemoryBytes } from '../../../../shared/store/chdb-access.ts';

const GB = 1024 ** 3;

describe('chDB engine config: purge threshold of freed allocator pages', () => {
  it('puts the threshold at 48 MiB of the engine limit (0.9 of the memory), written with fixed decimals', () => {
    expect(DIRTY_PAGES_PURGE_BYTES).toBe(48 * 1024 * 1024);
    expect(dirtyPagesPurgeRatio(25_275_990_016)).toBe('0.002212537');
    expect(dirtyPagesPurgeRatio(8 * GB)).toBe('0.006510417');
    // 2^-10 of a 48 GiB limit: small enough that toString would have given an exponent at smaller ratios.
    expect(Number(dirtyPagesPurgeRatio(1024 * GB)) * 0.9 * 1024 * GB).toBeCloseTo(DIRTY_PAGES_PURGE_BYTES, -3);
    expect(dirtyPagesPurgeRatio(1024 * GB)).not.toMatch(/e/);
  });

  it('never raises the ratio above the engine default of 0.2 (a machine with under 267 MB)', () => {
    expect(dirtyPagesPurgeRatio(100 * 1024 * 1024)).toBe('0.200000000');
    expect(dirtyPagesPurgeRatio(DIRTY_PAGES_PURGE_BYTES / 0.18)).toBe('0.200000000');
  });

  it('sizes from a cgroup limit below the machine memory, ignores "max" and v1 no-limit values', () => {
    const files = (m: Record<string, string>) => (path: string) => m[path];
    expect(engineMemoryBytes(files({}), 16 * GB)).toBe(16 * GB);
    expect(engineMemoryBytes(files({ '/sys/fs/cgroup/memory.max': 'max\n' }), 16 * GB)).toBe(16 * GB);
    expect(engineMemoryBytes(files({ '/sys/fs/cgroup/memory.max': `${2 * GB}\n` }), 16 * GB)).toBe(2 * GB);
    expect(engineMemoryBytes(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n' }), 16 * GB)).toBe(16 * GB);
    expect(engineMemoryBytes(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': `${3 * GB}` }), 16 * GB)).toBe(3 * GB);
    expect(engineMemoryBytes(files({ '/sys/fs/cgroup/memory.max': `${4 * GB}`, '/sys/fs/cgroup/memory/memory.limit_in_bytes': `${3 * GB}` }), 16 * GB)).toBe(3 * GB);
    expect(engineMemoryBytes(files({ '/sys/fs/cgroup/memory.max': '0' }), 16 * GB)).toBe(16 * GB);
  });
});
