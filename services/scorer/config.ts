import { z } from 'zod';

/** Transformer backend: a local folder in the Hugging Face layout (config.json, tokenizer.json, onnx/model*.onnx). */
const transformersSchema = z
  .object({
    /** Absolute or relative path to the model folder (or a hub id when `allowRemote` is on). */
    path: z.string().min(1),
    dtype: z.enum(['fp32', 'q8', 'fp16', 'int8', 'uint8', 'q4']).default('fp32'),
    /** Off by default: oilwire never reaches a model hub unless told to. */
    allowRemote: z.boolean().default(false),
    /** Inference workers; 0 runs the model on the main thread. */
    workers: z.number().int().min(0).max(32).default(1),
    /**
     * `process` (default): each worker is a child process. `thread`: one worker thread
     * (workers must be 1), for when nothing else in the process loads onnxruntime: its
     * Node binding supports one JS thread per process.
     */
    isolation: z.enum(['process', 'thread']).default('process'),
    batchSize: z.number().int().min(1).max(512).default(32),
    /** Token limit per text; longer texts are truncated by the tokenizer. */
    maxLength: z.number().int().min(8).max(4096).default(128),
    /** Maps the model's own label names onto negative|neutral|positive (case-insensitive); FinBERT's and SST-2's names work without it. */
    labelMap: z.record(z.string(), z.enum(['negative', 'neutral', 'positive'])).default({}),
    /** Weight of the transformer in the ensemble (0..1); the domain model gets the rest. */
    weight: z.number().min(0).max(1).default(0.6),
    /** Threads per ONNX session inside each worker. */
    intraOpThreads: z.number().int().min(1).max(64).default(1),
  })
  .strict()
  .refine((t) => t.isolation === 'process' || t.workers === 1, { message: 'isolation "thread" runs exactly one worker (workers: 1)', path: ['workers'] });

export const scorerConfigSchema = z
  .object({
    groupId: z.string().min(1).default('oilwire-scorer'),
    fromBeginning: z.boolean().default(true),
    maxBatchSize: z.number().int().min(1).max(10_000).default(256),
    /** `null` (default): the domain model alone. */
    transformers: transformersSchema.nullable().default(null),
    novelty: z
      .object({
        windowHours: z.number().positive().max(24 * 30).default(24),
        /** Upper bound on clusters kept in memory; the least recently touched go first. */
        maxClusters: z.number().int().min(16).max(10_000_000).default(50_000),
        /** Jaccard similarity of content words above which two headlines are the same story. */
        threshold: z.number().min(0.1).max(1).default(0.4),
      })
      .strict()
      .default({ windowHours: 24, maxClusters: 50_000, threshold: 0.4 }),
  })
  .strict();

export type ScorerConfig = z.infer<typeof scorerConfigSchema>;
export type TransformersConfig = z.infer<typeof transformersSchema>;
