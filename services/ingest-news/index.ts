// The public surface of ingest-news: what the CLI, benchmarks and end-to-end tests may use.
// Everything else in this folder is internal; lint (eslint.config.js) rejects imports past this file.
export { start, resolveFeeds, feedName, type IngestNewsService, type IngestNewsOverrides } from './main.ts';
export { ingestNewsConfigSchema, feedSchema, type IngestNewsConfig, type FeedConfig } from './config.ts';
// `oilwire feeds`: the per-feed state the service saves, and how it is summarised.
export { readFeedStates } from './adapters/file-state-store.ts';
export { notModifiedRatio, type FeedState } from './domain/feed-state.ts';
// The stages of one poll, named so bench/ingest.ts can time each beside a raw baseline.
export { HttpFeedFetcher } from './adapters/http-feed-fetcher.ts';
export { RssParserFeedParser } from './adapters/rss-parser-feed-parser.ts';
export { decodeFeed } from './domain/encoding.ts';
export { normalizeItem } from './domain/normalize.ts';
export { sanitizeFeedXml } from './domain/sanitize-xml.ts';
