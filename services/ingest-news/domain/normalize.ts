import { articleId } from '../../../shared/contracts/ids.ts';
import type { NewsRaw } from '../../../shared/contracts/events.ts';

export interface FeedItem {
  guid?: string;
  link?: string;
  title?: string;
  contentSnippet?: string;
  content?: string;
  summary?: string;
  isoDate?: string;
  pubDate?: string;
}

export type NormalizeResult = { ok: true; article: NewsRaw } | { ok: false; reason: string };

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Titles and summaries are shown as text: tags, scripts and entities must not survive. */
export function toPlainText(html: string, maxLength: number): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
      }
      return ENTITY[e.toLowerCase()] ?? m;
    })
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength);
}

/** A missing, unparsable or future date falls back to the fetch time: an article cannot be published after we saw it. */
export function publicationTime(item: FeedItem, fetchedAt: number): { ts: number; precision: 'time' | 'date'; fallback: boolean } {
  const raw = item.isoDate ?? item.pubDate;
  if (raw) {
    const trimmed = raw.trim();
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(trimmed);
    const ts = Date.parse(dateOnly ? `${trimmed}T00:00:00Z` : trimmed);
    if (Number.isFinite(ts) && ts <= fetchedAt + 5 * 60_000 && ts > Date.UTC(1990, 0, 1)) {
      return { ts: Math.min(ts, fetchedAt), precision: dateOnly ? 'date' : 'time', fallback: false };
    }
  }
  return { ts: fetchedAt, precision: 'time', fallback: true };
}

export function normalizeItem(item: FeedItem, feed: { name: string; tags: string[] }, fetchedAt: number): NormalizeResult {
  const title = toPlainText(item.title ?? '', 1000);
  const summary = toPlainText(item.contentSnippet ?? item.summary ?? item.content ?? '', 4000);
  if (!title && !summary) return { ok: false, reason: 'empty_item' };
  const link = item.link?.trim() || null;
  const url = link && /^https?:\/\//i.test(link) ? link.slice(0, 4096) : null;
  if (!item.guid && !url && !title) return { ok: false, reason: 'no_identity' };
  const when = publicationTime(item, fetchedAt);
  return {
    ok: true,
    article: {
      schema: 'news.raw/v1',
      id: articleId({ guid: item.guid, link: url, title, source: feed.name }),
      source: feed.name,
      url,
      title: title || summary.slice(0, 300),
      summary,
      published_at: new Date(when.ts).toISOString(),
      published_precision: when.precision,
      fetched_at: new Date(fetchedAt).toISOString(),
      tags: feed.tags,
    },
  };
}
