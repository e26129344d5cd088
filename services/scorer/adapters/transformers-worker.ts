/**
 * Worker thread body: owns one TransformersClassifier and answers classify requests.
 * Messages in: {type:'init', options} | {type:'classify', id, texts} | {type:'tokenize', id, texts}.
 * Messages out: {type:'ready', name} | {type:'result', id, value} | {type:'error', id?, code, message}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../../../shared/errors.ts';
import { TransformersClassifier, type ClassifierOptions } from './transformers-classifier.ts';

type Request = { type: 'classify' | 'tokenize'; id: number; texts: string[] };

const port = parentPort;
if (!port) throw new Error('transformers-worker must run in a worker thread');

const errorOf = (err: unknown) => ({ code: isAppError(err) ? err.code : 'INTERNAL', message: err instanceof Error ? err.message : String(err) });

let classifier: TransformersClassifier;
try {
  classifier = await TransformersClassifier.load((workerData as { options: ClassifierOptions }).options);
  port.postMessage({ type: 'ready', name: classifier.name, version: classifier.version });
} catch (err) {
  port.postMessage({ type: 'error', ...errorOf(err) });
  throw err;
}

port.on('message', async (msg: Request) => {
  try {
    const value = msg.type === 'tokenize' ? classifier.tokenize(msg.texts) : await classifier.classify(msg.texts);
    port.postMessage({ type: 'result', id: msg.id, value });
  } catch (err) {
    port.postMessage({ type: 'error', id: msg.id, ...errorOf(err) });
  }
});
