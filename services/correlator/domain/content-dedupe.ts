/**
 * Which articles of a batch are new stories, given what the store already has under the same
 * content (see shared/contracts/content-id.ts). Pure: the store lookup happens before.
 */
import { normalizedTitle, sameContent } from '../../../shared/contracts/content-id.ts';
import type { NewsScored } from '../../../shared/contracts/events.ts';
import { toMs } from '../../../shared/contracts/time.ts';

export interface StoredContent {
  id: string;
  source: string;
  title: string;
  publishedMs: number;
}

export interface ContentVerdict {
  fresh: NewsScored[];
  /** Copies of a story known under another id: the article and the id it copies. */
  duplicates: { article: NewsScored; of: string }[];
}

const input = (a: NewsScored) => ({ source: a.source, title: a.title, publishedMs: toMs(a.published_at) });

export function splitByContent(articles: NewsScored[], stored: StoredContent[]): ContentVerdict {
  const fresh: NewsScored[] = [];
  const duplicates: ContentVerdict['duplicates'] = [];
  // Known stories grouped by source and normalised title (each title normalised once), so an
  // article is compared only with stories that can be the same: comparing each with every known
  // story made a batch quadratic (12% of `oilwire start`'s CPU at 30k headlines, bench/start-memory.ts).
  const known = new Map<string, StoredContent[]>();
  const keyOf = (source: string, title: string) => `${source}\u0000${normalizedTitle(title)}`;
  const remember = (key: string, k: StoredContent) => {
    const list = known.get(key);
    if (list) list.push(k);
    else known.set(key, [k]);
  };
  for (const k of stored) remember(keyOf(k.source, k.title), k);
  for (const a of articles) {
    const me = input(a);
    const key = keyOf(me.source, me.title);
    // A redelivered article is itself, not a copy: only another id with the same content counts.
    const original = known.get(key)?.find((k) => k.id !== a.id && sameContent(me, k));
    if (original) {
      duplicates.push({ article: a, of: original.id });
      continue;
    }
    fresh.push(a);
    remember(key, { id: a.id, ...me });
  }
  return { fresh, duplicates };
}
