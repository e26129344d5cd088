/**
 * Inference off the main thread, behind the `SentimentClassifier` port. A batch is sorted
 * by length and split across workers; a worker that dies fails its in-flight requests with
 * a retryable error and is replaced.
 *
 * Workers are child processes by default. `isolation: 'thread'` runs one worker thread
 * instead, but onnxruntime-node 1.21 may be loaded by only one JS thread per process for the
 * life of the process (see ort-owner.ts), so a thread that dies is replaced by a process.
 * Parallelism inside one session comes from `intraOpThreads`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../../shared/errors.ts';
import type { Logger } from '../../../shared/runtime/logger.ts';
import type { SentimentClassifier, SentimentProbs } from '../ports.ts';
import { claimOnnxRuntime } from './ort-owner.ts';
import type { ClassifierOptions } from './transformers-classifier.ts';

const BOOTSTRAP = new URL('./ts-worker-bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./transformers-worker.ts', import.meta.url).href;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** A worker thread or a child process, seen the same way. */
interface Host {
  post(msg: unknown): void;
  on(event: 'message', fn: (msg: never) => void): void;
  on(event: 'error', fn: (err: unknown) => void): void;
  on(event: 'exit', fn: (code: number | null) => void): void;
  terminate(): Promise<unknown>;
}

function threadHost(options: ClassifierOptions): Host {
  const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY, options } });
  return {
    post: (msg) => worker.postMessage(msg),
    on: (event: string, fn: (x: never) => void) => void worker.on(event, fn as (x: unknown) => void),
    terminate: () => worker.terminate(),
  };
}

function processHost(options: ClassifierOptions): Host {
  const child: ChildProcess = fork(fileURLToPath(BOOTSTRAP), [], {
    env: { ...process.env, OILWIRE_WORKER_ENTRY: ENTRY, OILWIRE_WORKER_OPTIONS: JSON.stringify(options) },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    post: (msg) => void child.send(msg as object),
    on: (event: string, fn: (x: never) => void) => void child.on(event, fn as (x: unknown) => void),
    terminate: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

interface Slot {
  worker: Host;
  ready: Promise<string>;
  pending: Map<number, Pending>;
  busy: number;
}

export interface PoolOptions extends ClassifierOptions {
  workers: number;
  isolation?: 'process' | 'thread';
  logger?: Logger;
}

export class TransformersPool implements SentimentClassifier {
  name = 'transformers';
  version = '1';
  private slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(private readonly options: PoolOptions) {}

  static async start(options: PoolOptions): Promise<TransformersPool> {
    const pool = new TransformersPool(options);
    const n = Math.max(1, options.workers);
    if (options.isolation === 'thread') {
      if (n !== 1) throw new AppError('CONFIG_INVALID', 'isolation "thread" runs exactly one worker');
      claimOnnxRuntime('thread');
    }
    pool.slots = Array.from({ length: n }, (_, i) => pool.spawn(options.isolation === 'thread' && i === 0 ? 'thread' : 'process'));
    try {
      const ids = await Promise.all(pool.slots.map((s) => s.ready));
      [pool.name, pool.version] = ids[0].split('\u0000');
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  private spawn(kind: 'thread' | 'process'): Slot {
    const { logger, workers: _workers, isolation: _isolation, ...classifierOptions } = this.options;
    const worker = kind === 'thread' ? threadHost(classifierOptions) : processHost(classifierOptions);
    const pending = new Map<number, Pending>();
    let settleReady: { resolve: (n: string) => void; reject: (e: unknown) => void } | undefined;
    const ready = new Promise<string>((resolve, reject) => (settleReady = { resolve, reject }));
    const slot: Slot = { worker, ready, pending, busy: 0 };
    worker.on('message', (msg: { type: string; id?: number; value?: unknown; name?: string; version?: string; code?: ErrorCode; message?: string }) => {
      if (msg.type === 'ready') settleReady?.resolve(`${msg.name ?? 'transformers'}\u0000${msg.version ?? '1'}`);
      else if (msg.type === 'result' && msg.id !== undefined) {
        pending.get(msg.id)?.resolve(msg.value);
        pending.delete(msg.id);
      } else if (msg.type === 'error') {
        const err = new AppError(msg.code ?? 'INTERNAL', msg.message ?? 'worker error');
        if (msg.id === undefined) settleReady?.reject(err);
        else {
          pending.get(msg.id)?.reject(err);
          pending.delete(msg.id);
        }
      }
    });
    const fail = (err: unknown) => {
      const e = new AppError('INTERNAL', `transformers worker stopped: ${err instanceof Error ? err.message : String(err)}`, { retryable: true });
      settleReady?.reject(e);
      for (const p of pending.values()) p.reject(e);
      pending.clear();
      if (!this.closed) {
        logger?.warn({ err }, 'transformers worker stopped; starting a new one');
        const i = this.slots.indexOf(slot);
        // A replacement is always a process: the dead thread's onnxruntime cannot be loaded again in this process.
        if (i >= 0) this.slots[i] = this.spawn('process');
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code: number | null) => {
      if (!this.closed && (pending.size > 0 || code !== 0)) fail(new Error(`exit code ${code}`));
    });
    return slot;
  }

  private async call<T>(slot: Slot, type: 'classify' | 'tokenize', texts: string[]): Promise<T> {
    await slot.ready;
    const id = this.nextId++;
    slot.busy++;
    try {
      return await new Promise<T>((resolve, reject) => {
        slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        slot.worker.post({ type, id, texts });
      });
    } finally {
      slot.busy--;
    }
  }

  private leastBusy(): Slot {
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  async classify(texts: string[]): Promise<SentimentProbs[]> {
    if (this.closed) throw new AppError('INTERNAL', 'transformers pool is closed');
    if (texts.length === 0) return [];
    // Sorting by length before splitting keeps each worker's padding small.
    const order = texts.map((t, i) => i).sort((a, b) => texts[a].length - texts[b].length || a - b);
    const parts = Math.min(this.slots.length, Math.ceil(texts.length / (this.options.batchSize ?? 32)));
    const size = Math.ceil(order.length / parts);
    const out = new Array<SentimentProbs>(texts.length);
    await Promise.all(
      Array.from({ length: parts }, async (_, p) => {
        const idx = order.slice(p * size, (p + 1) * size);
        const res = await this.call<SentimentProbs[]>(this.leastBusy(), 'classify', idx.map((i) => texts[i]));
        idx.forEach((i, k) => (out[i] = res[k]));
      }),
    );
    return out;
  }

  async tokenize(texts: string[]): Promise<number[][]> {
    return this.call<number[][]>(this.leastBusy(), 'tokenize', texts);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
