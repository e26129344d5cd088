import { TOPICS, messageKey, newsRawV1, newsScoredV1 } from '../../shared/contracts/events.ts';
import { publishEvents, subscribeEvents } from '../../shared/bus/typed.ts';
import { AppError } from '../../shared/errors.ts';
import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import type { Logger } from '../../shared/runtime/logger.ts';
import { MemoryNoveltyStore } from './adapters/memory-novelty-store.ts';
import type { ScorerConfig } from './config.ts';
import { TransformersClassifier } from './adapters/transformers-classifier.ts';
import { TransformersPool } from './adapters/transformers-pool.ts';
import { ArticleScorer, toScoredEvent } from './domain/domain-scorer.ts';
import { NoveltyTracker } from './domain/novelty.ts';
import type { Scorer, SentimentClassifier } from './ports.ts';

/** Builds the scorer the config asks for: the domain model alone, or the ensemble with a local transformer model. */
export async function createScorer(config: ScorerConfig, logger?: Logger): Promise<Scorer> {
  const novelty = new NoveltyTracker(new MemoryNoveltyStore(config.novelty.maxClusters), {
    windowMs: config.novelty.windowHours * 3_600_000,
    threshold: config.novelty.threshold,
  });
  const tf = config.transformers;
  if (!tf) return new ArticleScorer(novelty);
  const options = { path: tf.path, dtype: tf.dtype, allowRemote: tf.allowRemote, maxLength: tf.maxLength, batchSize: tf.batchSize, labelMap: tf.labelMap, intraOpThreads: tf.intraOpThreads };
  const classifier: SentimentClassifier = tf.workers === 0 ? await TransformersClassifier.load(options) : await TransformersPool.start({ ...options, workers: tf.workers, isolation: tf.isolation, logger });
  logger?.info({ model: classifier.name, version: classifier.version, workers: tf.workers, isolation: tf.isolation }, 'transformer model loaded');
  return new ArticleScorer(novelty, classifier, tf.weight);
}

/**
 * Consumes `news.raw`, publishes one `news.scored/v1` per article keyed by article id.
 * A batch is acknowledged only when its scored events were accepted by the bus (the
 * handler returns after the publish); a failure leaves it unacked for redelivery.
 */
export async function start(deps: ServiceDeps<ScorerConfig>): Promise<RunningService> {
  const { bus, config, logger, clock } = deps;
  const log = logger.child({ service: 'scorer' });
  const scorer = await createScorer(config, log);
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const handle = async (articles: ReturnType<typeof newsRawV1.parse>[]): Promise<void> => {
    const results = await scorer.score(articles);
    if (results.length !== articles.length) throw new AppError('INTERNAL', `scorer returned ${results.length} results for ${articles.length} articles`);
    const scoredAt = clock.now();
    const events = articles.map((a, i) => {
      const parsed = newsScoredV1.safeParse(toScoredEvent(a, results[i], scoredAt));
      if (!parsed.success) throw new AppError('SCHEMA_INVALID', `scored event for ${a.id} does not match news.scored/v1: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
    await publishEvents(bus, TOPICS.newsScored, events, messageKey.newsScored);
  };

  const subscription = await subscribeEvents(bus, {
    groupId: config.groupId,
    topic: TOPICS.newsRaw,
    schema: newsRawV1,
    fromBeginning: config.fromBeginning,
    maxBatchSize: config.maxBatchSize,
    onInvalid: (message, error) => log.warn({ topic: message.topic, partition: message.partition, offset: message.offset, error }, 'invalid news.raw event sent to DLQ'),
    handler: async (decoded) => {
      const work = handle(decoded.map((d) => d.event));
      inFlight.add(work);
      try {
        await work;
      } finally {
        inFlight.delete(work);
      }
    },
  });
  log.info({ groupId: config.groupId, model: `${scorer.name}@${scorer.version}` }, 'scorer started');

  return {
    name: 'scorer',
    /** Resolves when no batch is being scored or published right now (the scorer has no source of its own to exhaust). */
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await subscription.close();
      await Promise.allSettled([...inFlight]);
      await scorer.close();
      log.info('scorer stopped');
    },
  };
}
