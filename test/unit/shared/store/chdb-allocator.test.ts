import { describe, expect, it } from 'vitest';

describe("chDB's allocator options (JE_MALLOC_CONF, read when libchdb.so loads)", () => {
  it('sets thread caches of at most 4 KiB when the environment has no options of its own', async () => {
    const { CHDB_JEMALLOC_OPTIONS, setAllocatorOptions } = await import('../../../../shared/store/chdb-allocator.ts');
    expect(CHDB_JEMALLOC_OPTIONS).toBe('tcache_max:4096');
    const env: Record<string, string | undefined> = { MALLOC_CONF: 'narenas:1' };
    setAllocatorOptions(env);
    expect(env).toEqual({ MALLOC_CONF: 'narenas:1', JE_MALLOC_CONF: 'tcache_max:4096' });
  });

  it("leaves an operator's own options as they are, an empty value included", async () => {
    const { setAllocatorOptions } = await import('../../../../shared/store/chdb-allocator.ts');
    const profiling: Record<string, string | undefined> = { JE_MALLOC_CONF: 'prof:true,prof_active:true' };
    setAllocatorOptions(profiling);
    expect(profiling.JE_MALLOC_CONF).toBe('prof:true,prof_active:true');
    const empty: Record<string, string | undefined> = { JE_MALLOC_CONF: '' };
    setAllocatorOptions(empty);
    expect(empty.JE_MALLOC_CONF).toBe('');
  });

  it('is applied to this process when the module loads', async () => {
    const had = process.env.JE_MALLOC_CONF;
    await import('../../../../shared/store/chdb-allocator.ts');
    expect(process.env.JE_MALLOC_CONF).toBe(had ?? 'tcache_max:4096');
  });
});
