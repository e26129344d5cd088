import type { NewsRaw, NewsScored } from '../../../shared/contracts/events.ts';
import type { ScoreInput, ScoreResult, Scorer } from '../ports.ts';
import { analyzeText } from './analyze.ts';
import type { NoveltyTracker } from './novelty.ts';

export const DOMAIN_MODEL = { name: 'oilwire-domain', version: '1.0.0' } as const;

/** The default scorer: the domain model's reading of the text plus novelty from the tracker. */
export class DomainScorer implements Scorer {
  readonly name = DOMAIN_MODEL.name;
  readonly version = DOMAIN_MODEL.version;

  constructor(private readonly novelty: NoveltyTracker) {}

  async score(batch: ScoreInput[]): Promise<ScoreResult[]> {
    return batch.map((a) => this.scoreOne(a));
  }

  scoreOne(article: ScoreInput): ScoreResult {
    const analysis = analyzeText(article.title, article.summary);
    const at = Date.parse(article.published_at);
    const { novelty, clusterId } = this.novelty.assign(article.id, analysis.shingles, Number.isFinite(at) ? at : 0);
    return {
      sentiment: analysis.sentiment,
      oil_direction: analysis.oil_direction,
      topics: analysis.topics,
      entities: analysis.entities,
      relevance: analysis.relevance,
      novelty,
      cluster_id: clusterId,
      model: { name: this.name, version: this.version },
    };
  }

  async close(): Promise<void> {}
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
    novelty: result.novelty,
    cluster_id: result.cluster_id,
    model: result.model,
    scored_at: new Date(scoredAtMs).toISOString(),
  };
}
