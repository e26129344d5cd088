import Parser from 'rss-parser';
import { AppError } from '../../../shared/errors.ts';
import type { FeedParser, ParsedFeed } from '../ports.ts';

/**
 * rss-parser (xml2js over sax, strict) parses text that `sanitizeFeedXml` has already made
 * safe: no DOCTYPE, no undeclared entities, bounded nesting. RSS 0.9x/1.0/2.0 and Atom.
 */
export class RssParserFeedParser implements FeedParser {
  private readonly parser = new Parser({ defaultRSS: 2 });

  async parse(xml: string): Promise<ParsedFeed> {
    try {
      const feed = (await this.parser.parseString(xml)) as { title?: string; ttl?: unknown; items?: unknown[] };
      return { title: feed.title, ttl: feed.ttl, items: (feed.items ?? []) as ParsedFeed['items'] };
    } catch (err) {
      throw new AppError('FEED_PARSE_FAILED', `cannot parse feed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err, details: { reason: 'parse_failed' } });
    }
  }
}
