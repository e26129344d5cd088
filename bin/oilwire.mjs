#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so there is no build step between a clone and `npx oilwire`.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
