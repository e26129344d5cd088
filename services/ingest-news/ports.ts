import type { FeedItem } from './domain/normalize.ts';

export interface FetchedFeed {
  title?: string;
  items: FeedItem[];
}

/** Reads one feed (URL or local file) and returns its parsed items. */
export interface FeedReader {
  read(url: string): Promise<FetchedFeed>;
}
