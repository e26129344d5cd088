import { z } from 'zod';

export const apiConfigSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8787),
  /** Bearer tokens; with none configured the server refuses to bind anything but loopback. */
  tokens: z.array(z.string().min(16)).default([]),
  sql: z
    .object({
      maxExecutionTimeSec: z.number().positive().default(10),
      maxResultRows: z.number().int().positive().default(100_000),
      maxResultBytes: z.number().int().positive().default(50_000_000),
      maxQueryBytes: z.number().int().positive().default(100_000),
    })
    .default({ maxExecutionTimeSec: 10, maxResultRows: 100_000, maxResultBytes: 50_000_000, maxQueryBytes: 100_000 }),
});
export type ApiConfig = z.infer<typeof apiConfigSchema>;
