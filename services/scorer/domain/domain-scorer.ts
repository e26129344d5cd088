import type { NewsRaw, NewsScored } from '../../../shared/contracts/events.ts';
import type { ScoreInput, ScoreResult, Scorer, SentimentClassifier, SentimentProbs } from '../ports.ts';
import { analyzeText, type Analysis } from './analyze.ts';
import { combine } from './ensemble.ts';
import type { NoveltyTracker } from './novelty.ts';
import { MAX_TITLE_CHARS, sanitize } from './text.ts';
import { toIso, toMs } from '../../../shared/contracts/time.ts';

export const DOMAIN_MODEL = { name: 'oilwire-domain', version: '1.0.0' } as const;

/**
 * Scores articles with the domain model, optionally ensembled with a transformer
 * classifier (see `ensemble.ts`), and assigns novelty clusters in input order.
 */
export class ArticleScorer implements Scorer {
  readonly name: string;
  readonly version: string;

  constructor(
    private readonly novelty: NoveltyTracker,
    private readonly classifier?: SentimentClassifier,
    private readonly weight = 0.6,
  ) {
    this.name = classifier ? `${DOMAIN_MODEL.name}+${classifier.name}`.slice(0, 200) : DOMAIN_MODEL.name;
    this.version = classifier ? `${DOMAIN_MODEL.version}+${classifier.version}`.slice(0, 100) : DOMAIN_MODEL.version;
  }

  async score(batch: ScoreInput[]): Promise<ScoreResult[]> {
    if (!this.classifier) {
      // Without a classifier each article is read and assigned in turn (the same order, so the same clusters), no arrays in between.
      const out = new Array<ScoreResult>(batch.length);
      for (let i = 0; i < batch.length; i++) out[i] = this.result(batch[i], analyzeText(batch[i].title, batch[i].summary), undefined);
      return out;
    }
    const analyses = batch.map((a) => analyzeText(a.title, a.summary));
    const want = analyses.map((an, i) => (an.empty ? -1 : i)).filter((i) => i >= 0);
    const texts = want.map((i) => classifierText(batch[i]));
    const got = want.length > 0 ? await this.classifier.classify(texts) : [];
    const probs: (SentimentProbs | undefined)[] = new Array(batch.length);
    want.forEach((i, k) => (probs[i] = got[k]));
    return batch.map((article, i) => this.result(article, analyses[i], probs[i]));
  }

  private result(article: ScoreInput, analysis: Analysis, probs: SentimentProbs | undefined): ScoreResult {
    const at = toMs(article.published_at);
    const { novelty, clusterId } = this.novelty.assign(article.id, analysis.shingles, Number.isFinite(at) ? at : 0, analysis.reading, analysis.figures, analysis.frame);
    const { sentiment, oil_direction } = probs ? combine(analysis, probs, this.weight, analysis.evidence.threshold) : analysis;
    return {
      sentiment,
      oil_direction,
      topics: analysis.topics,
      entities: analysis.entities,
      relevance: analysis.relevance,
      price_report: analysis.price_report,
      novelty,
      cluster_id: clusterId,
      model: { name: this.name, version: this.version },
    };
  }

  async close(): Promise<void> {
    await this.classifier?.close();
  }
}

/** What the transformer reads: the headline, or the start of the summary when there is no headline. */
export function classifierText(article: Pick<ScoreInput, 'title' | 'summary'>): string {
  const title = sanitize(article.title, MAX_TITLE_CHARS).trim();
  return title.length > 0 ? title : sanitize(article.summary, 1000).trim();
}

/** The outgoing event: the raw article, what the scorer found, and when. */
export function toScoredEvent(raw: NewsRaw, result: ScoreResult, scoredAtMs: number): NewsScored {
  return {
    ...raw,
    schema: 'news.scored/v1',
    sentiment: result.sentiment,
    oil_direction: result.oil_direction,
    topics: result.topics,
    entities: result.entities,
    relevance: result.relevance,
    price_report: result.price_report,
    novelty: result.novelty,
    cluster_id: result.cluster_id,
    model: result.model,
    scored_at: toIso(scoredAtMs),
  };
}
