import { isMainThread } from 'node:worker_threads';
import { AppError } from '../../../shared/errors.ts';

/**
 * onnxruntime-node 1.21 may be loaded by one JS thread per process, for the life of the
 * process: a second thread (even after the first has ended) aborts the process ("Cannot
 * create a handle without a HandleScope", "free(): invalid next size"), both seen here.
 * This records, in the parent, which thread owns it so oilwire fails with a clear error
 * instead of crashing.
 */
const KEY = Symbol.for('oilwire.onnxruntime.owner');
type Owner = 'main' | 'thread';

function current(): Owner | undefined {
  return (globalThis as Record<symbol, Owner | undefined>)[KEY];
}

export function claimOnnxRuntime(owner: Owner): void {
  if (!isMainThread) return;
  const held = current();
  if (held === undefined) {
    (globalThis as Record<symbol, Owner | undefined>)[KEY] = owner;
    return;
  }
  if (held === owner && owner === 'main') return;
  throw new AppError(
    'MODEL_LOAD_FAILED',
    held === 'thread'
      ? 'onnxruntime is already owned by an inference worker thread of this process; use transformers.isolation "process"'
      : 'onnxruntime is already loaded on the main thread of this process; use transformers.isolation "process"',
  );
}

export function onnxRuntimeOwner(): Owner | undefined {
  return current();
}
