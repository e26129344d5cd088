#!/usr/bin/env node
// Runs the compiled tree (dist/, `npm run build`) when it is up to date with the sources, else the
// TypeScript sources through tsx's loader, so a fresh clone needs no build step but a built one
// does not pay for on-the-fly transpilation (nor for the `__name` wrappers tsx's keepNames adds
// to every function, a third of the correlator's CPU in a profile). OILWIRE_RUNTIME=tsx|dist|auto.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { chooseRuntime } from './dist.mjs';

let runtime;
try {
  runtime = chooseRuntime();
} catch (err) {
  console.error(`oilwire: ${err.message}`);
  process.exit(2);
}
let main;
if (runtime.kind === 'dist') {
  ({ main } = await import(pathToFileURL(join(runtime.dir, 'cli', 'main.js')).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
await main(process.argv);
