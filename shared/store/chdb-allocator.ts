/**
 * Options of chDB's allocator, set before libchdb.so loads: `clickhouse-store.ts` imports this module ahead of
 * `chdb`, whose import loads the library, and jemalloc reads its options once, when it starts with the library.
 * libchdb's jemalloc is built with the `je_` prefix, so the variable it reads is `JE_MALLOC_CONF`, not `MALLOC_CONF`
 * (which only glibc's malloc of Node itself would see, and ignores).
 *
 * `tcache_max:4096`: each engine thread caches freed blocks up to 4 KiB for its next allocations instead of up to
 * 32 KiB (chDB's default). Those caches count as allocated and no purge returns them: 40-43 MB of the allocator's
 * 120-140 MB in `oilwire start` after 60,000-100,000 headlines (`tcache_bytes` of `system.jemalloc_stats`), against
 * the 45-60 MB the engine's own tracker counts. With the cut, allocated 91-115 MB instead of 118-133 over four
 * paired runs of `bench/start-memory.ts`, with no loss of headlines per CPU-second (issue 16).
 *
 * An operator's own `JE_MALLOC_CONF` (jemalloc profiling, say) wins: it is left as it is.
 */
export const CHDB_JEMALLOC_OPTIONS = 'tcache_max:4096';

export function setAllocatorOptions(env: Record<string, string | undefined>): void {
  if (env.JE_MALLOC_CONF === undefined) env.JE_MALLOC_CONF = CHDB_JEMALLOC_OPTIONS;
}

setAllocatorOptions(process.env);
