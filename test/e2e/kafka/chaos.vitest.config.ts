// The five-process Kafka chaos run (`npm run chaos:kafka5`): minutes of child processes, so it is not
// part of `npm test` (whose `include` is `*.test.ts`); the root configuration with only this file included.
import { defineConfig } from 'vitest/config';
import base from '../../../vitest.config.ts';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/e2e/kafka/five-process.chaos.ts'] },
});
