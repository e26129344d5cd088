/**
 * Body of an inference worker (a worker thread or a forked process): owns one
 * TransformersClassifier and answers requests.
 * In: {type:'classify'|'tokenize', id, texts}. Out: {type:'ready', name, version} |
 * {type:'result', id, value} | {type:'error', id?, code, message}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../../../shared/errors.ts';
import { TransformersClassifier, type ClassifierOptions } from './transformers-classifier.ts';

type Request = { type: 'classify' | 'tokenize'; id: number; texts: string[] };

const thread = parentPort;
const post = (msg: unknown) => (thread ? thread.postMessage(msg) : process.send?.(msg));
const onMessage = (fn: (msg: Request) => void) => (thread ? thread.on('message', fn) : process.on('message', fn));
const options: ClassifierOptions = thread ? (workerData as { options: ClassifierOptions }).options : JSON.parse(process.env.OILWIRE_WORKER_OPTIONS ?? '{}');
// A forked worker goes when its parent goes.
if (!thread) process.on('disconnect', () => process.exit(0));

const errorOf = (err: unknown) => ({ code: isAppError(err) ? err.code : 'INTERNAL', message: err instanceof Error ? err.message : String(err) });

let classifier: TransformersClassifier | undefined;
try {
  classifier = await TransformersClassifier.load(options);
  post({ type: 'ready', name: classifier.name, version: classifier.version });
} catch (err) {
  post({ type: 'error', ...errorOf(err) });
}

if (classifier) {
  const c = classifier;
  onMessage(async (msg) => {
    try {
      const value = msg.type === 'tokenize' ? c.tokenize(msg.texts) : await c.classify(msg.texts);
      post({ type: 'result', id: msg.id, value });
    } catch (err) {
      post({ type: 'error', id: msg.id, ...errorOf(err) });
    }
  });
}
