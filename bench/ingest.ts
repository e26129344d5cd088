/**
 * Feed ingestion throughput: items/s through our whole path (HTTP fetch from a local server,
 * charset detection and decoding, XML sanitizing, rss-parser, normalization to news.raw) beside
 * rss-parser's parseString alone on the same feed text, measured in the same run.
 * Run alone: `node bin/run-ts.mjs bench/ingest.ts`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import Parser from 'rss-parser';
import { HttpFeedFetcher, RssParserFeedParser, decodeFeed, normalizeItem, sanitizeFeedXml } from '../services/ingest-news/index.ts';
import { opsPerSecond } from './report.ts';

type Report = (row: { name: string; value: number; unit: string; baseline?: string; ratio?: number }) => void;

const SUBJECTS = ['Qatar', 'Oman', 'Iran', 'OPEC+', 'Saudi Arabia', 'US Treasury', 'Houthi rebels', 'EIA'];
const VERBS = ['says talks on', 'warns over', 'announces cut to', 'denies reports of', 'signals progress on', 'imposes sanctions on'];
const OBJECTS = ['ceasefire framework', 'crude exports', 'Hormuz shipping', 'output quotas', 'nuclear deal', 'inventory levels'];

/** An RSS 2.0 feed shaped like a news desk's: escaped HTML descriptions, tracking links, RFC 822 dates. */
export function syntheticFeed(items: number): string {
  const start = Date.UTC(2026, 5, 1, 9);
  const body = Array.from({ length: items }, (_, i) => {
    const title = `${SUBJECTS[i % SUBJECTS.length]} ${VERBS[(i * 7) % VERBS.length]} ${OBJECTS[(i * 13) % OBJECTS.length]} (${i})`;
    return `    <item>
      <title>${title} &amp; markets react</title>
      <link>https://www.news.example/world/story-${i}?utm_source=rss&amp;utm_medium=feed</link>
      <guid isPermaLink="false">bench-${i}</guid>
      <pubDate>${new Date(start + i * 60_000).toUTCString()}</pubDate>
      <description>&lt;p&gt;${title}. Brent moved as traders weighed the news; analysts said the &lt;b&gt;market&lt;/b&gt; would watch the next meeting closely.&lt;/p&gt;&lt;img src="https://img.news.example/${i}.jpg"/&gt;</description>
      <category>Energy</category>
    </item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Bench wire</title>
    <link>https://news.example/</link>
    <description>Synthetic feed for the ingest benchmark</description>
    <ttl>5</ttl>
${body}
  </channel>
</rss>
`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function benchIngest(report: Report, options: { items?: number; minMs?: number } = {}): Promise<void> {
  const n = options.items ?? 500;
  const minMs = options.minMs ?? 2000;
  const xml = syntheticFeed(n);
  const bytes = Buffer.from(xml, 'utf8');
  const server = createServer((req, res) => {
    if (req.headers['if-none-match'] === '"bench"') return void res.writeHead(304, { etag: '"bench"' }).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"bench"', 'content-length': String(bytes.length) }).end(bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
  try {
    const limits = { maxItemBytes: 1 << 20, maxDepth: 64 };
    const fetcher = new HttpFeedFetcher({ timeoutMs: 20_000, maxBytes: 8 << 20, maxRedirects: 5, userAgent: 'oilwire-bench', allowPrivate: ['127.0.0.1'] });
    const parser = new RssParserFeedParser();
    const bare = new Parser();
    const feed = { name: 'bench', tags: [] as string[] };

    const fullPath = async () => {
      const res = await fetcher.fetch({ url });
      const text = decodeFeed(res.body!, res.headers.contentType).text;
      const parsed = await parser.parse(sanitizeFeedXml(text, limits).xml);
      const now = Date.now();
      for (const item of parsed.items) normalizeItem(item, feed, now);
    };
    // Baseline (the same text parsed by rss-parser alone: what the feed costs at minimum) and our
    // whole path alternate in short rounds, and the medians are compared, so load from other
    // processes hits both alike.
    const base: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < 7; round++) {
      base.push(await opsPerSecond(() => bare.parseString(xml), { minMs: minMs / 4, batch: n }));
      ours.push(await opsPerSecond(fullPath, { minMs: minMs / 4, batch: n }));
    }
    const baseline = median(base);
    const full = median(ours);
    report({ name: `rss-parser parseString alone (${n} items, ${(bytes.length / 1024).toFixed(0)} KiB)`, value: baseline, unit: 'items/s' });
    report({ name: 'fetch + decode + sanitize + parse + normalize', value: full, unit: 'items/s', baseline: 'rss-parser parseString alone', ratio: full / baseline });

    const prep = await opsPerSecond(() => sanitizeFeedXml(decodeFeed(bytes, 'application/rss+xml').text, limits), { minMs, batch: n });
    report({ name: 'decode + sanitize only', value: prep, unit: 'items/s', baseline: 'rss-parser parseString alone', ratio: prep / baseline });

    const latin1 = Buffer.from(xml.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace(/markets react/g, 'marchés réagissent'), 'latin1');
    const fallback = await opsPerSecond(() => decodeFeed(latin1, 'text/xml'), { minMs, batch: n });
    report({ name: 'decode only, ISO-8859-1 body', value: fallback, unit: 'items/s', baseline: 'rss-parser parseString alone', ratio: fallback / baseline });

    const notModified = await opsPerSecond(() => fetcher.fetch({ url, etag: '"bench"' }), { minMs });
    report({ name: 'conditional GET answered 304 (local server)', value: notModified, unit: 'polls/s' });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchIngest((row) => {
    const ratio = row.ratio === undefined ? '' : `  (${row.ratio.toFixed(2)}x ${row.baseline})`;
    console.log(`${row.name.padEnd(60)} ${row.value.toFixed(0).padStart(10)} ${row.unit}${ratio}`);
  });
}
