import { z } from 'zod';

export const feedSchema = z.object({
  url: z.string().min(1).describe('http(s) URL, file:// URL or a local path'),
  name: z.string().min(1).optional(),
  tags: z.array(z.string()).default([]),
  pollIntervalSec: z.number().positive().optional(),
});
export type FeedConfig = z.infer<typeof feedSchema>;

export const ingestNewsConfigSchema = z.object({
  feeds: z.array(feedSchema).default([]),
  pollIntervalSec: z.number().positive().default(300),
  /** Read every feed once and stop (replays, demos, tests). */
  once: z.boolean().default(false),
  maxItemsPerFeed: z.number().int().positive().default(500),
});
export type IngestNewsConfig = z.infer<typeof ingestNewsConfigSchema>;
