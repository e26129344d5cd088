// Worker threads and forked processes do not inherit tsx's loader from the parent; this
// plain-JS entry registers it and then loads the TypeScript module it was given.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData?.entry ?? process.env.OILWIRE_WORKER_ENTRY);
