// The public surface of the scorer: what the CLI, benchmarks and end-to-end tests may use.
// Everything else in this folder is internal; lint (eslint.config.js) rejects imports past this file.
export { start, createScorer } from './main.ts';
export { scorerConfigSchema, type ScorerConfig } from './config.ts';
export type { Scorer, ScoreInput, ScoreResult } from './ports.ts';
// `oilwire train` and `oilwire eval`.
export { runTrain, formatTrainReport, type TrainOptions, type TrainReport } from './train.ts';
export { runEval, formatEvalReport, evalReportJson, type EvalOptions, type EvalReport } from './eval.ts';
// `oilwire eval --format gold` and `oilwire score`.
export { runGoldEval, runGoldTrain, formatGoldResult, type GoldEvalOptions, type GoldEvalResult, type GoldTrainOptions } from './gold.ts';
export { runNoveltyEval, formatNoveltyReport, type NoveltyEvalOptions, type NoveltyReport } from './novelty-eval.ts';
export { LEARNED_FIELDS, type LearnedField } from './domain/field-models.ts';
export { runScoreFile, type ScoreFileOptions } from './score-file.ts';
// The stages of scoring, named so bench/scorer.ts can time each beside a raw baseline.
export { MemoryNoveltyStore } from './adapters/memory-novelty-store.ts';
export { TransformersClassifier } from './adapters/transformers-classifier.ts';
export { wordTokenizer } from './adapters/transformers-tokenizer.ts';
export { analyzeText } from './domain/analyze.ts';
export { ArticleScorer } from './domain/domain-scorer.ts';
export { NoveltyTracker } from './domain/novelty.ts';
export { csvField, parseCsv } from './domain/eval-core.ts';
