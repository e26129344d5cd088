import { describe, expect, it, vi } from 'vitest';
import type { NewsRaw } from '../../../../../shared/contracts/events.ts';
import { MemoryNoveltyStore } from '../../../../../services/scorer/adapters/memory-novelty-store.ts';
import type { ScoreInput, SentimentClassifier, SentimentProbs } from '../../../../../services/scorer/ports.ts';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { ArticleScorer, classifierText, DOMAIN_MODEL, toScoredEvent } from '../../../../../services/scorer/domain/domain-scorer.ts';
import { combine } from '../../../../../services/scorer/domain/ensemble.ts';
import { NoveltyTracker } from '../../../../../services/scorer/domain/novelty.ts';

// Headlines written for these tests (none taken from a data set).
const BULLISH = 'OPEC+ agrees surprise output cut of 1 million barrels per day';
const BEARISH = 'EIA reports unexpected crude inventory build of 5 million barrels';

const tracker = () => new NoveltyTracker(new MemoryNoveltyStore(100), { windowMs: 86_400_000, threshold: 0.4 });
const article = (id: string, title: string, summary = '', published_at = '2026-06-01T10:00:00.000Z'): ScoreInput => ({ id, title, summary, source: 'outlet', published_at });

/** A classifier that answers fixed probabilities per text and records what it was asked. */
function fakeClassifier(answer: (text: string) => SentimentProbs, name = 'finbert', version = '2'): SentimentClassifier & { calls: string[][]; closed: number } {
  const c = {
    name,
    version,
    calls: [] as string[][],
    closed: 0,
    classify: async (texts: string[]) => {
      c.calls.push(texts);
      return texts.map(answer);
    },
    close: async () => {
      c.closed++;
    },
  };
  return c;
}

const POSITIVE: SentimentProbs = { negative: 0.05, neutral: 0.05, positive: 0.9 };
const NEGATIVE: SentimentProbs = { negative: 0.9, neutral: 0.05, positive: 0.05 };

describe('ArticleScorer: the domain model alone', () => {
  it('names itself after the domain model', () => {
    const s = new ArticleScorer(tracker());
    expect(s.name).toBe('oilwire-domain');
    expect(s.version).toBe('1.0.0');
    expect(DOMAIN_MODEL).toEqual({ name: 'oilwire-domain', version: '1.0.0' });
  });

  it('gives one result per article, in order, with the analysis\'s fields and the model\'s name', async () => {
    const s = new ArticleScorer(tracker());
    const out = await s.score([article('article-1', BULLISH), article('article-2', BEARISH, 'Stocks rose in Cushing.')]);
    expect(out).toHaveLength(2);
    for (const [i, [title, summary]] of [[BULLISH, ''], [BEARISH, 'Stocks rose in Cushing.']].entries()) {
      const a = analyzeText(title, summary);
      expect(out[i]).toMatchObject({ sentiment: a.sentiment, oil_direction: a.oil_direction, topics: a.topics, entities: a.entities, relevance: a.relevance, price_report: a.price_report, novelty: 100, model: { name: 'oilwire-domain', version: '1.0.0' } });
    }
    expect(out[0].oil_direction.label).toBe('bullish');
    expect(out[1].oil_direction.label).toBe('bearish');
    expect(out[1].cluster_id).not.toBe(out[0].cluster_id);
    expect(await s.score([])).toEqual([]);
  });

  it('hands the novelty tracker the id, shingles, event time, reading, figures and frame; a time it cannot read is 0', async () => {
    const n = tracker();
    const assign = vi.spyOn(n, 'assign');
    const s = new ArticleScorer(n);
    await s.score([article('article-1', BULLISH, '', '2026-06-01T10:00:00.000Z'), article('article-2', BEARISH, '', 'not a time')]);
    const a = analyzeText(BULLISH, '');
    expect(assign).toHaveBeenNthCalledWith(1, 'article-1', a.shingles, Date.UTC(2026, 5, 1, 10), a.reading, a.figures, a.frame);
    expect(assign.mock.calls[1][0]).toBe('article-2');
    expect(assign.mock.calls[1][2]).toBe(0);
  });

  it('answers a repeated article as the tracker remembers it, same cluster, in input order', async () => {
    const s = new ArticleScorer(tracker());
    const [a, b] = await s.score([article('article-1', BULLISH), article('article-1', BULLISH)]);
    expect(b.cluster_id).toBe(a.cluster_id);
    expect(b.novelty).toBe(a.novelty);
  });

  it('closes without a classifier', async () => {
    await expect(new ArticleScorer(tracker()).close()).resolves.toBeUndefined();
  });
});

describe('ArticleScorer with a classifier (the ensemble)', () => {
  it('names itself after both models, cut to the contract\'s lengths', () => {
    const s = new ArticleScorer(tracker(), fakeClassifier(() => POSITIVE));
    expect(s.name).toBe('oilwire-domain+finbert');
    expect(s.version).toBe('1.0.0+2');
    const long = new ArticleScorer(tracker(), fakeClassifier(() => POSITIVE, 'n'.repeat(300), 'v'.repeat(300)));
    expect(long.name).toBe(`oilwire-domain+${'n'.repeat(200 - 15)}`);
    expect(long.version).toBe(`1.0.0+${'v'.repeat(100 - 6)}`);
  });

  it('sends only the readable articles to the classifier, in one call, and gives each its own answer', async () => {
    const clf = fakeClassifier((t) => (t === BULLISH ? NEGATIVE : POSITIVE));
    const s = new ArticleScorer(tracker(), clf);
    const out = await s.score([article('article-1', BULLISH), article('article-2', '', ''), article('article-3', BEARISH)]);
    expect(clf.calls).toEqual([[BULLISH, BEARISH]]);
    expect(out).toHaveLength(3);
    const a1 = analyzeText(BULLISH, '');
    const a3 = analyzeText(BEARISH, '');
    const empty = analyzeText('', '');
    // The default weight of the classifier is 0.6; each article is ensembled with its own probabilities.
    expect(out[0]).toMatchObject(combine(a1, NEGATIVE, 0.6, a1.evidence.threshold));
    expect(out[2]).toMatchObject(combine(a3, POSITIVE, 0.6, a3.evidence.threshold));
    expect(out[0].sentiment.label).toBe('negative');
    expect(out[2].sentiment.label).toBe('positive');
    // An empty article keeps the domain model's own answer.
    expect(out[1]).toMatchObject({ sentiment: empty.sentiment, oil_direction: empty.oil_direction, model: { name: 'oilwire-domain+finbert', version: '1.0.0+2' } });
  });

  it('does not call the classifier when no article is readable', async () => {
    const clf = fakeClassifier(() => POSITIVE);
    const out = await new ArticleScorer(tracker(), clf).score([article('article-1', '', '')]);
    expect(clf.calls).toEqual([]);
    expect(out[0].sentiment).toEqual(analyzeText('', '').sentiment);
  });

  it('weighs the classifier by the weight given', async () => {
    const a = analyzeText(BULLISH, '');
    const [w0] = await new ArticleScorer(tracker(), fakeClassifier(() => NEGATIVE), 0).score([article('article-1', BULLISH)]);
    const [w1] = await new ArticleScorer(tracker(), fakeClassifier(() => NEGATIVE), 1).score([article('article-1', BULLISH)]);
    expect(w0.sentiment).toEqual(combine(a, NEGATIVE, 0, a.evidence.threshold).sentiment);
    expect(w1.sentiment).toEqual(combine(a, NEGATIVE, 1, a.evidence.threshold).sentiment);
    expect(w1.sentiment.label).toBe('negative');
    expect(w0.sentiment.label).toBe(a.sentiment.label);
  });

  it('closes its classifier', async () => {
    const clf = fakeClassifier(() => POSITIVE);
    await new ArticleScorer(tracker(), clf).close();
    expect(clf.closed).toBe(1);
  });
});

describe('classifierText: what the transformer reads', () => {
  it('reads the headline, trimmed and cut to the title limit', () => {
    expect(classifierText({ title: '  Oil rises  ', summary: 'Summary text' })).toBe('Oil rises');
    expect(classifierText({ title: 'x'.repeat(2_100), summary: '' })).toBe('x'.repeat(2_000));
  });

  it('reads the start of the summary when there is no headline', () => {
    expect(classifierText({ title: '   ', summary: '  Brent climbs after the talks.  ' })).toBe('Brent climbs after the talks.');
    expect(classifierText({ title: '', summary: 'y'.repeat(1_200) })).toBe('y'.repeat(1_000));
    expect(classifierText({ title: '', summary: '' })).toBe('');
  });
});

describe('toScoredEvent', () => {
  it('carries the raw article, every scored field and the scoring time', () => {
    const raw: NewsRaw = { schema: 'news.raw/v1', id: 'article-0001', source: 'outlet', url: null, title: BULLISH, summary: '', published_at: '2026-06-01T10:00:00.000Z', published_precision: 'time', fetched_at: '2026-06-01T10:00:05.000Z', tags: ['energy'] };
    const result = { sentiment: { label: 'positive' as const, score: 0.5, confidence: 0.7 }, oil_direction: { label: 'bullish' as const, strength: 0.6 }, topics: ['opec' as const], entities: ['OPEC'], relevance: 97, price_report: false, novelty: 100, cluster_id: 'cluster-1', model: { name: 'm', version: 'v' } };
    expect(toScoredEvent(raw, result, Date.UTC(2026, 5, 1, 10, 0, 6))).toEqual({ ...raw, ...result, schema: 'news.scored/v1', scored_at: '2026-06-01T10:00:06.000Z' });
  });
});
