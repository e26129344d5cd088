/**
 * One headline alert per story, whatever ids it arrives under. The correlator already measures a
 * copy of a stored story only once (shared/contracts/content-id.ts); two correlators handed the
 * two copies at the same moment can still both measure it, and then the alert rules would fire
 * twice for one story. This remembers, per rule and symbol, the stories alerted recently.
 */
import { CONTENT_WINDOW_MS, normalizedTitle } from '../../../shared/contracts/content-id.ts';
import type { Alert } from './alert-rules.ts';

interface Seen {
  articleId: string;
  publishedMs: number;
}

export class SameStoryFilter {
  private readonly seen = new Map<string, Seen[]>();
  private size = 0;

  constructor(
    private readonly windowMs = CONTENT_WINDOW_MS,
    private readonly maxEntries = 50_000,
  ) {}

  private key(a: Alert): string | undefined {
    const source = typeof a.data.source === 'string' ? a.data.source : '';
    const title = normalizedTitle(a.title);
    return title ? `${a.ruleId}\u0000${a.symbol}\u0000${source}\u0000${title}` : undefined;
  }

  /** Headline alerts of a story already alerted under another article id are dropped; the others are remembered and kept. */
  admit(alerts: Alert[]): { kept: Alert[]; dropped: Alert[] } {
    const kept: Alert[] = [];
    const dropped: Alert[] = [];
    for (const a of alerts) {
      const key = a.kind === 'headline' && a.articleId ? this.key(a) : undefined;
      if (!key) {
        kept.push(a);
        continue;
      }
      const list = this.seen.get(key) ?? [];
      if (list.some((s) => s.articleId !== a.articleId && Math.abs(s.publishedMs - a.eventTs) <= this.windowMs)) {
        dropped.push(a);
        continue;
      }
      if (!list.some((s) => s.articleId === a.articleId)) {
        list.push({ articleId: a.articleId!, publishedMs: a.eventTs });
        this.seen.set(key, list);
        this.size++;
      }
      kept.push(a);
    }
    // Oldest stories first out: a Map keeps insertion order.
    for (const [k, list] of this.seen) {
      if (this.size <= this.maxEntries) break;
      this.seen.delete(k);
      this.size -= list.length;
    }
    return { kept, dropped };
  }
}
