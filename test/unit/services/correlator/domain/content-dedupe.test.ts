import { describe, expect, it } from 'vitest';
import { sameContent } from '../../../../../shared/contracts/content-id.ts';
import { splitByContent, type StoredContent } from '../../../../../services/correlator/domain/content-dedupe.ts';
import { seededRandom } from '../../../../../shared/runtime/seeded-random.ts';
import { scoredNews } from '../../../../helpers/events.ts';

const at = '2026-06-01T09:00:00.000Z';
const article = (id: string, title: string, published_at = at) => scoredNews({ id, title, source: 'wire', published_at });

describe('splitByContent', () => {
  it('drops a copy of a stored story under a new id, keeps the story itself when it is redelivered', () => {
    const stored = [{ id: 'a1', source: 'wire', title: 'OPEC+ agrees output cut', publishedMs: Date.parse(at) }];
    const { fresh, duplicates } = splitByContent([article('a1', 'OPEC+ agrees output cut'), article('a2', 'OPEC+ agrees output cut.'), article('b1', 'Ceasefire talks collapse')], stored);
    expect(fresh.map((a) => a.id)).toEqual(['a1', 'b1']);
    expect(duplicates.map((d) => [d.article.id, d.of])).toEqual([['a2', 'a1']]);
  });

  it('keeps the first of two copies in one batch', () => {
    const { fresh, duplicates } = splitByContent([article('x1', 'Hormuz tanker hit'), article('x2', 'HORMUZ tanker hit')], []);
    expect(fresh.map((a) => a.id)).toEqual(['x1']);
    expect(duplicates.map((d) => d.of)).toEqual(['x1']);
  });

  it('a headline repeated days later is a new story', () => {
    const stored = [{ id: 'old', source: 'wire', title: 'Brent settles higher', publishedMs: Date.parse(at) - 3 * 86_400_000 }];
    expect(splitByContent([article('new', 'Brent settles higher')], stored).fresh.map((a) => a.id)).toEqual(['new']);
  });

  it('gives what comparing each article with every known story gives (ties, sources, windows, punctuation, redeliveries)', () => {
    // The plain rule, one scan of everything known per article: the grouped lookup must agree with it.
    const reference = (articles: ReturnType<typeof article>[], stored: StoredContent[]) => {
      const known = [...stored];
      const out: [string, string | null][] = [];
      for (const a of articles) {
        const me = { source: a.source, title: a.title, publishedMs: Date.parse(a.published_at) };
        const original = known.find((k) => k.id !== a.id && sameContent(me, k));
        out.push([a.id, original?.id ?? null]);
        if (!original) known.push({ id: a.id, ...me });
      }
      return out;
    };
    const random = seededRandom(16);
    const titles = ['Brent rises', 'BRENT rises!', 'Brent  rises', 'Brent falls', '...', 'OPEC+ cut'];
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    for (let round = 0; round < 50; round++) {
      const when = () => new Date(Date.parse(at) + Math.floor(random() * 3) * 20 * 3_600_000).toISOString();
      const stored: StoredContent[] = Array.from({ length: Math.floor(random() * 4) }, (_, i) => ({ id: `s${i}`, source: pick(['wire', 'desk']), title: pick(titles), publishedMs: Date.parse(when()) }));
      const batch = Array.from({ length: 1 + Math.floor(random() * 12) }, () => scoredNews({ id: pick(['a', 'b', 'c', 'd', 's0', 's1']), title: pick(titles), source: pick(['wire', 'desk']), published_at: when() }));
      const { fresh, duplicates } = splitByContent(batch, stored);
      const got = batch.map((a) => [a.id, duplicates.find((d) => d.article === a)?.of ?? null]);
      expect(got, `round ${round}`).toEqual(reference(batch, stored));
      expect(fresh).toEqual(batch.filter((a) => !duplicates.some((d) => d.article === a)));
    }
  });
});
