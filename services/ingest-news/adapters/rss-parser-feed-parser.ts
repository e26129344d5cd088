import { availableParallelism } from 'node:os';
import Parser from 'rss-parser';
import { Piscina } from 'piscina';
import { AppError, isAppError, type ErrorCode } from '../../../shared/errors.ts';
import { decodeFeed } from '../domain/encoding.ts';
import { sanitizeFeedXml } from '../domain/sanitize-xml.ts';
import type { FeedBodyOptions, FeedParser, ParsedFeed, ParsedFeedBody } from '../ports.ts';

const parser = new Parser({ defaultRSS: 2 });

/**
 * rss-parser (xml2js over sax, strict) parses text that `sanitizeFeedXml` has already made
 * safe: no DOCTYPE, no undeclared entities, bounded nesting. RSS 0.9x/1.0/2.0 and Atom.
 */
export async function parseFeedXml(xml: string): Promise<ParsedFeed> {
  try {
    const feed = (await parser.parseString(xml)) as { title?: string; ttl?: unknown; items?: unknown[] };
    return { title: feed.title, ttl: feed.ttl, items: (feed.items ?? []) as ParsedFeed['items'] };
  } catch (err) {
    throw new AppError('FEED_PARSE_FAILED', `cannot parse feed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err, details: { reason: 'parse_failed' } });
  }
}

/** From the bytes of a 200 to items, on whatever thread calls it (the worker's task). */
export async function parseFeedBody(body: Uint8Array, options: FeedBodyOptions): Promise<ParsedFeedBody> {
  const decoded = decodeFeed(body, options.contentType);
  const sanitized = sanitizeFeedXml(decoded.text, { maxItemBytes: options.maxItemBytes, maxDepth: options.maxDepth, maxItems: options.maxItems });
  const feed = await parseFeedXml(sanitized.xml);
  return { ...feed, encoding: decoded.encoding, notes: decoded.notes, repairs: sanitized.repairs, dropped: sanitized.dropped };
}

interface TaskInput {
  body: Uint8Array;
  options: FeedBodyOptions;
}

/** What crosses back from the worker: an AppError's class does not survive structured cloning, so it travels as fields. */
export type TaskOutput = { ok: true; feed: ParsedFeedBody } | { ok: false; code: ErrorCode; message: string; details?: Record<string, unknown> };

/** The worker's entry (rss-parser-feed-parser.worker.mjs exports it). */
export async function runTask({ body, options }: TaskInput): Promise<TaskOutput> {
  try {
    return { ok: true, feed: await parseFeedBody(body, options) };
  } catch (err) {
    if (isAppError(err)) return { ok: false, code: err.code, message: err.message, details: err.details };
    return { ok: false, code: 'FEED_PARSE_FAILED', message: `cannot parse feed: ${err instanceof Error ? err.message : String(err)}`, details: { reason: 'parse_failed' } };
  }
}

export interface RssParserFeedParserOptions {
  /** Parse on the calling thread (tests of the parsing itself); default false: in a worker thread. */
  inline?: boolean;
  /** Worker threads (default: one, or two on a machine with more than four cores). */
  threads?: number;
}

/**
 * Parses feeds in a worker thread. Decoding, sanitizing and parsing a legal 7 MB feed of
 * 200,000 items took 2-3 s of the event loop, stalling every service in the process; in the
 * worker the loop only waits for the answer, and items past the cap never reach the parser.
 * Idle threads exit, so a process that has stopped polling is not kept alive by the pool.
 */
export class RssParserFeedParser implements FeedParser {
  private pool?: Piscina;

  constructor(private readonly options: RssParserFeedParserOptions = {}) {}

  /** Parses sanitized XML on this thread. */
  parse(xml: string): Promise<ParsedFeed> {
    return parseFeedXml(xml);
  }

  async parseBody(body: Uint8Array, options: FeedBodyOptions): Promise<ParsedFeedBody> {
    if (this.options.inline) return parseFeedBody(body, options);
    this.pool ??= new Piscina({
      filename: new URL('./rss-parser-feed-parser.worker.mjs', import.meta.url).href,
      minThreads: 0,
      maxThreads: this.options.threads ?? (availableParallelism() > 4 ? 2 : 1),
      idleTimeout: 30_000,
      // A hostile feed can make the parser allocate; the worker dies instead of the process.
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    let out: TaskOutput;
    try {
      out = (await this.pool.run({ body, options } satisfies TaskInput)) as TaskOutput;
    } catch (err) {
      throw new AppError('FEED_PARSE_FAILED', `feed parser worker failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err, details: { reason: 'parser_crashed' } });
    }
    if (!out.ok) throw new AppError(out.code, out.message, { details: out.details });
    return out.feed;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
