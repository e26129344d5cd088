import Parser from 'rss-parser';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AppError, wrapError } from '../../../shared/errors.ts';
import type { FeedReader, FetchedFeed } from '../ports.ts';

export class RssParserReader implements FeedReader {
  private readonly parser = new Parser();

  constructor(private readonly options: { timeoutMs?: number; maxBytes?: number; userAgent?: string } = {}) {}

  async read(url: string): Promise<FetchedFeed> {
    const body = await this.fetchBody(url);
    try {
      const feed = await this.parser.parseString(body);
      return { title: feed.title, items: feed.items as FetchedFeed['items'] };
    } catch (err) {
      throw wrapError('FEED_PARSE_FAILED', err, `cannot parse feed ${url}`);
    }
  }

  private async fetchBody(url: string): Promise<string> {
    const maxBytes = this.options.maxBytes ?? 10 * 1024 * 1024;
    if (!/^https?:\/\//i.test(url)) {
      const path = url.startsWith('file:') ? fileURLToPath(url) : url;
      const buf = await readFile(path).catch((err) => {
        throw wrapError('FEED_FETCH_FAILED', err, `cannot read feed file ${path}`);
      });
      if (buf.length > maxBytes) throw new AppError('INPUT_TOO_LARGE', `feed ${url} is ${buf.length} bytes, over the ${maxBytes} limit`);
      return buf.toString('utf8');
    }
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { 'user-agent': this.options.userAgent ?? 'oilwire/0.1 (+https://github.com/oilwire/oilwire)' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000),
      });
    } catch (err) {
      throw wrapError('FEED_FETCH_FAILED', err, `cannot fetch ${url}`);
    }
    if (!res.ok) throw new AppError('FEED_FETCH_FAILED', `feed ${url} answered HTTP ${res.status}`, { retryable: res.status >= 500 || res.status === 429 });
    const text = await res.text();
    if (text.length > maxBytes) throw new AppError('INPUT_TOO_LARGE', `feed ${url} is over the ${maxBytes} byte limit`);
    return text;
  }
}
