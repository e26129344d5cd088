import { z } from 'zod';
import { DEFAULT_FEEDS } from './default-feeds.ts';

export const feedSchema = z.strictObject({
  url: z.string().min(1).describe('http(s) URL, file:// URL or a local path'),
  name: z.string().min(1).max(200).optional(),
  tags: z.array(z.string().max(100)).max(50).default([]),
  /** Overrides the service-wide interval for this feed (the feed's <ttl> and Cache-Control may still lengthen it). */
  pollIntervalSec: z.number().positive().optional(),
  /** false keeps a feed in the file without polling it. */
  enabled: z.boolean().optional(),
});
export type FeedConfig = z.infer<typeof feedSchema>;

export const httpConfigSchema = z.strictObject({
  /** Whole request, body included: a server that trickles bytes is cut off here. */
  timeoutMs: z.number().int().positive().default(20_000),
  /** Decoded (decompressed) bytes, enforced while streaming. */
  maxBytes: z.number().int().positive().default(8 * 1024 * 1024),
  maxRedirects: z.number().int().min(0).max(20).default(5),
  userAgent: z.string().min(1).default('oilwire/0.1 (news-to-Brent research feed reader; conditional GET; +https://github.com/oilwire/oilwire)'),
  /**
   * Non-public addresses feeds may be fetched from (IPs or CIDRs, e.g. `10.0.0.0/8` for a feed on
   * the intranet). Everything else that is loopback, private, link-local, CGNAT, multicast... is
   * refused on every hop, redirects included (shared/net/address-policy.ts).
   */
  allowPrivate: z.array(z.string()).default([]),
  /** Fetches in flight at once over all feeds; one host is never fetched twice at the same time. */
  concurrency: z.number().int().positive().max(64).default(6),
});

export const scheduleConfigSchema = z.strictObject({
  /** No feed is polled more often than this, whatever its config says. */
  minIntervalSec: z.number().positive().default(60),
  /** A feed's <ttl>, Cache-Control or Retry-After never push its next poll further out than this. */
  maxIntervalSec: z.number().positive().default(6 * 3600),
  /** First delay after an error (or a 429/503 without Retry-After); doubles per consecutive error, with jitter. */
  backoffBaseSec: z.number().positive().default(60),
  backoffMaxSec: z.number().positive().default(3600),
  /** Share of an interval added at random so that feeds drift apart instead of firing together. */
  jitter: z.number().min(0).max(1).default(0.1),
});

export const ingestNewsConfigSchema = z.strictObject({
  feeds: z.array(feedSchema).default(DEFAULT_FEEDS),
  pollIntervalSec: z.number().positive().default(300),
  /** Read every feed once and stop (replays, demos, tests): nothing is read from or written to `stateDir`. */
  once: z.boolean().default(false),
  maxItemsPerFeed: z.number().int().positive().default(500),
  /** Per-feed validators, schedules and counters (feeds.json) and the seen-set (seen.log). */
  /** Where validators, schedules and the seen-set persist; default `<store.path>/ingest-news` (set by the composition root). */
  stateDir: z.string().min(1).optional(),
  /** How long an article id is remembered after it was last seen in any feed. */
  seenTtlDays: z.number().positive().default(30),
  /** An item bigger than this (bytes of XML) is dropped, the rest of the feed is kept. */
  maxItemBytes: z.number().int().positive().default(1024 * 1024),
  /** Element nesting deeper than this is refused (the XML parser recurses on depth). */
  maxDepth: z.number().int().positive().max(1000).default(64),
  http: httpConfigSchema.default(httpConfigSchema.parse({})),
  schedule: scheduleConfigSchema.default(scheduleConfigSchema.parse({})),
});
export type IngestNewsConfig = z.infer<typeof ingestNewsConfigSchema>;
