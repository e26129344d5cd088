/**
 * Which articles of a batch are new stories, given what the store already has under the same
 * content (see shared/contracts/content-id.ts). Pure: the store lookup happens before.
 */
import { sameContent } from '../../../shared/contracts/content-id.ts';
import type { NewsScored } from '../../../shared/contracts/events.ts';

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

const input = (a: NewsScored) => ({ source: a.source, title: a.title, publishedMs: Date.parse(a.published_at) });

export function splitByContent(articles: NewsScored[], stored: StoredContent[]): ContentVerdict {
  const fresh: NewsScored[] = [];
  const duplicates: ContentVerdict['duplicates'] = [];
  const known: StoredContent[] = [...stored];
  for (const a of articles) {
    const me = input(a);
    // A redelivered article is itself, not a copy: only another id with the same content counts.
    const original = known.find((k) => k.id !== a.id && sameContent(me, k));
    if (original) {
      duplicates.push({ article: a, of: original.id });
      continue;
    }
    fresh.push(a);
    known.push({ id: a.id, ...me });
  }
  return { fresh, duplicates };
}
