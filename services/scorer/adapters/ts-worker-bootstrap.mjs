// Worker threads do not inherit tsx's loader from the parent; this plain-JS entry registers it
// in the worker and then loads the TypeScript module named in workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
