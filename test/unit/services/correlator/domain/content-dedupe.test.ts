import { describe, expect, it } from 'vitest';
import { splitByContent } from '../../../../../services/correlator/domain/content-dedupe.ts';
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
});
