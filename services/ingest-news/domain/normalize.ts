import { Parser } from 'htmlparser2';
import { articleId } from '../../../shared/contracts/ids.ts';
import type { NewsRaw } from '../../../shared/contracts/events.ts';
import { isDateOnly, parseDateOrTime, toIso } from '../../../shared/contracts/time.ts';

/** An item as rss-parser hands it over; any field may be missing or, on hostile input, not a string. */
export interface FeedItem {
  guid?: unknown;
  id?: unknown;
  link?: unknown;
  title?: unknown;
  contentSnippet?: unknown;
  content?: unknown;
  summary?: unknown;
  isoDate?: unknown;
  pubDate?: unknown;
}

/**
 * `notes` are things worth counting that did not stop the item: `date_missing`, `date_invalid`,
 * `date_future`, `date_too_old` (the publication time fell back to or was bounded by the fetch time),
 * `no_guid` (identity from the link), `no_guid_link` (identity from title and source),
 * `markup_stripped` (tags or scripts in the title).
 */
export type NormalizeResult = { ok: true; article: NewsRaw; notes: string[] } | { ok: false; reason: string };

export const MAX_TITLE = 1000;
export const MAX_SUMMARY = 4000;
const MAX_URL = 4096;
/** A clock a little ahead of ours is tolerated; beyond this a date is "in the future". */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const EARLIEST = Date.UTC(1990, 0, 1);

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * Titles and summaries are shown as text (the dashboard, SSE, webhooks): tags, scripts,
 * comments and entities must not survive. The markup is read by htmlparser2, a real HTML
 * tokenizer, not by patterns of ours: a tag left open at the end (`<img src=x onerror=...`
 * with no `>`) is a tag to it and is dropped, as a browser would drop it.
 */
export function toPlainText(html: string, maxLength: number): string {
  // Bound the work: a giant field is cut long before it could matter.
  let text = html.length > maxLength * 20 ? html.slice(0, maxLength * 20) : html;
  // Control characters first: "<\u0000img>" must not become "<img>" after the markup pass.
  text = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, '');
  // Most titles are plain text already: the parser only runs where there is markup or an entity.
  // A decoded "&lt;script&gt;" is markup again: it goes through once more and is dropped like the real thing.
  for (let pass = 0; pass < 3 && (TAG_START.test(text) || (pass === 0 && text.includes('&'))); pass++) text = htmlToText(text);
  // Past three rounds of entity-encoded markup, whatever still opens a tag is cut out rather than passed on.
  if (TAG_START.test(text)) text = text.replace(TAG_START_ALL, '');
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength)
    .replace(/[\ud800-\udbff]$/, '');
}

/** What the HTML tokenizer takes as the start of a tag, a comment or a processing instruction. */
const TAG_START = /<[A-Za-z!/?]/;
const TAG_START_ALL = /<(?=[A-Za-z!/?])/g;

/** Elements whose content is never text to show (scripts, styles, embedded documents); an unclosed one swallows the rest. */
const SKIPPED = new Set(['script', 'style', 'iframe', 'noscript', 'template', 'textarea', 'title', 'xmp', 'noembed', 'noframes', 'plaintext', 'svg', 'math', 'object']);

function htmlToText(html: string): string {
  let out = '';
  let skipping = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (SKIPPED.has(name)) skipping++;
        out += ' ';
      },
      onclosetag(name) {
        if (SKIPPED.has(name) && skipping > 0) skipping--;
        out += ' ';
      },
      ontext(data) {
        if (skipping === 0) out += data;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(html);
  return out;
}

/** Month abbreviations that feeds in Portuguese, Spanish, German, French and Italian put into RFC 822 dates. */
const MONTHS: Record<string, string> = {
  fev: 'Feb', abr: 'Apr', mai: 'May', ago: 'Aug', set: 'Sep', out: 'Oct', dez: 'Dec',
  ene: 'Jan', dic: 'Dec', mrz: 'Mar', mär: 'Mar', okt: 'Oct',
  janv: 'Jan', févr: 'Feb', fevr: 'Feb', mars: 'Mar', avr: 'Apr', juin: 'Jun', juil: 'Jul', août: 'Aug', aout: 'Aug', sept: 'Sep', déc: 'Dec',
  gen: 'Jan', mag: 'May', giu: 'Jun', lug: 'Jul', ott: 'Oct',
};

/** "Seg, 24 Set 2018 19:42:40 -0300": the weekday is dropped and the month translated, the rest is RFC 822. */
function parseLocalizedRfc822(text: string): number {
  const m = /^(?:[^\d\s,]+\.?,?\s+)?(\d{1,2})\s+([^\d\s.]+)\.?\s+(\d{4})\s+(\d{1,2}:\d{2}(?::\d{2})?)\s*([+-]\d{4}|[A-Z]{1,4})?$/u.exec(text);
  if (!m) return NaN;
  const key = m[2].toLowerCase();
  const month = MONTHS[key] ?? MONTHS[key.slice(0, 3)] ?? (/^[a-z]{3}/.test(key) ? key.slice(0, 3) : undefined);
  if (!month) return NaN;
  return Date.parse(`${m[1]} ${month} ${m[3]} ${m[4]} ${m[5] ?? 'GMT'}`);
}

export interface PublicationTime {
  ts: number;
  precision: 'time' | 'date';
  /** Why the feed's date was not used as given, if it was not. */
  note?: 'date_missing' | 'date_invalid' | 'date_future' | 'date_too_old';
}

/** A missing, unparsable, ancient or future date falls back to the fetch time: an article cannot be published after we saw it. */
export function publicationTime(item: FeedItem, fetchedAt: number): PublicationTime {
  const raw = str(item.isoDate) ?? str(item.pubDate);
  if (!raw || !raw.trim()) return { ts: fetchedAt, precision: 'time', note: 'date_missing' };
  const trimmed = raw.trim();
  const dateOnly = isDateOnly(trimmed);
  let ts = parseDateOrTime(trimmed);
  if (!Number.isFinite(ts)) ts = parseLocalizedRfc822(trimmed);
  if (!Number.isFinite(ts)) return { ts: fetchedAt, precision: 'time', note: 'date_invalid' };
  if (ts < EARLIEST) return { ts: fetchedAt, precision: 'time', note: 'date_too_old' };
  if (ts > fetchedAt + FUTURE_TOLERANCE_MS) return { ts: fetchedAt, precision: 'time', note: 'date_future' };
  return { ts: Math.min(ts, fetchedAt), precision: dateOnly ? 'date' : 'time' };
}

export function normalizeItem(item: FeedItem, feed: { name: string; tags: string[] }, fetchedAt: number): NormalizeResult {
  const notes: string[] = [];
  const rawTitle = str(item.title) ?? '';
  const title = toPlainText(rawTitle, MAX_TITLE);
  if (/<[A-Za-z!/]/.test(rawTitle) || /&lt;[A-Za-z!/]/i.test(rawTitle)) notes.push('markup_stripped');
  const summary = toPlainText(str(item.contentSnippet) ?? str(item.summary) ?? str(item.content) ?? '', MAX_SUMMARY);
  if (!title && !summary) return { ok: false, reason: 'empty_item' };
  const link = str(item.link)?.trim() || null;
  const url = link && /^https?:\/\//i.test(link) && link.length <= MAX_URL ? link : null;
  const guid = (str(item.guid) ?? str(item.id))?.trim().slice(0, 2000) || null;
  if (!guid && !url && !title) return { ok: false, reason: 'no_identity' };
  if (!guid) notes.push(url ? 'no_guid' : 'no_guid_link');
  const when = publicationTime(item, fetchedAt);
  if (when.note) notes.push(when.note);
  return {
    ok: true,
    notes,
    article: {
      schema: 'news.raw/v1',
      id: articleId({ guid, link: url, title, source: feed.name }),
      source: feed.name.slice(0, 200),
      url,
      title: title || summary.slice(0, 300),
      summary,
      published_at: toIso(when.ts),
      published_precision: when.precision,
      fetched_at: toIso(fetchedAt),
      tags: feed.tags.slice(0, 50),
    },
  };
}
