import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The lint config itself under test: each case lints a small snippet as if it stood at `filePath`.
const root = fileURLToPath(new URL('../../../../', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: `${root}eslint.config.js` });
});

const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-properties', 'no-restricted-syntax']);

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return result!.messages.filter((m) => m.ruleId !== null && BOUNDARY_RULES.has(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('services never import each other', () => {
  it.each([
    ['services/scorer/main.ts', "import { start } from '../api/index.ts';\nvoid start;\n"],
    ['services/scorer/domain/x.ts', "import { x } from '../../correlator/domain/impact-engine.ts';\nvoid x;\n"],
    ['services/api/alerts/x.ts', "import { x } from '../../../services/ingest-news/index.ts';\nvoid x;\n"],
    ['services/ingest-prices/x.ts', "import { x } from '../ingest-news/config.ts';\nvoid x;\n"],
  ])('%s: %s is an error', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([expect.stringMatching(/must not import another service/)]);
  });

  it.each([
    ['services/scorer/main.ts', "import { x } from './domain/analyze.ts';\nimport { y } from '../../shared/errors.ts';\nvoid x; void y;\n"],
    ['services/scorer/domain/x.ts', "import { x } from '../ports.ts';\nimport { y } from '../../../shared/contracts/events.ts';\nimport { z } from './lexicon.ts';\nvoid x; void y; void z;\n"],
    ['services/api/alerts/x.ts', "import { x } from '../adapters/http-webhook-sender.ts';\nvoid x;\n"],
  ])('%s: own folder and shared/ are allowed', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});

describe('outside a service, only its index.ts', () => {
  it.each([
    ['cli/commands/x.ts', "import { x } from '../../services/scorer/domain/analyze.ts';\nvoid x;\n"],
    ['bench/x.ts', "import { x } from '../services/ingest-prices/main.ts';\nvoid x;\n"],
    ['test/e2e/x.test.ts', "import { x } from '../../services/api/config.ts';\nvoid x;\n"],
    ['test/unit/services/api/x.test.ts', "import { x } from '../../../../services/scorer/ports.ts';\nvoid x;\n"],
  ])('%s: %s is an error', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([expect.stringMatching(/only through its index\.ts/)]);
  });

  it('shared/ imports no service at all, not even its index', async () => {
    expect(await boundaryErrors('shared/bus/x.ts', "import { x } from '../../services/api/index.ts';\nvoid x;\n")).toEqual([expect.stringMatching(/shared\/ never imports a service/)]);
  });

  it.each([
    ['cli/commands/x.ts', "import { x } from '../../services/scorer/index.ts';\nvoid x;\n"],
    ['test/e2e/x.test.ts', "import { x } from '../integration/services/api/helpers.ts';\nvoid x;\n"],
    ['test/unit/services/api/x.test.ts', "import { x } from '../../../../services/api/domain/sql-guard.ts';\nvoid x;\n"],
  ])('%s: an index, a test helper, or a test of the same service is allowed', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});

describe('domain/ stays pure', () => {
  it.each([
    ["import { x } from '../adapters/memory-novelty-store.ts';\nvoid x;\n", /imports no adapter/],
    ["import { x } from '../config.ts';\nvoid x;\n", /does not import the composition root or the zod config/],
    ["import { readFileSync } from 'node:fs';\nvoid readFileSync;\n", /does no I\/O/],
    ["import { createServer } from 'http';\nvoid createServer;\n", /does no I\/O/],
    ["import { spawn } from 'node:child_process';\nvoid spawn;\n", /does no I\/O/],
    ["import { Kafka } from 'kafkajs';\nvoid Kafka;\n", /vendor clients live in adapters/],
    ['export const t = Date.now();\n', /never reads the wall clock/],
    ['export const t = new Date();\n', /never reads the wall clock/],
    ['export const t = performance.now();\n', /never reads the wall clock/],
    ['export const t = Date();\n', /never reads the wall clock/],
    ['export const e = process.env.OILWIRE_X;\n', /never reads process\.env/],
  ])('services/scorer/domain/x.ts: %s is an error', async (code, message) => {
    expect(await boundaryErrors('services/scorer/domain/x.ts', code)).toEqual([expect.stringMatching(message)]);
  });

  it('applies in nested domain folders too', async () => {
    expect(await boundaryErrors('services/correlator/domain/sub/x.ts', "import { x } from '../../adapters/clickhouse-impact-store.ts';\nvoid x;\n")).toEqual([
      expect.stringMatching(/imports no adapter/),
    ]);
  });

  it('allows time as data, pure node modules and ports', async () => {
    const code = [
      "import { createHash } from 'node:crypto';",
      "import type { Clock } from '../../../shared/runtime/clock.ts';",
      "import type { Scorer } from '../ports.ts';",
      'export const at = (ms: number, clock: Clock) => [new Date(ms).toISOString(), Date.parse("2026-01-01T00:00:00Z"), Date.UTC(2026, 0, 1), clock.now()];',
      "export const h = createHash('sha256');",
      'export type S = Scorer;',
      '',
    ].join('\n');
    expect(await boundaryErrors('services/scorer/domain/x.ts', code)).toEqual([]);
  });

  it('the same reads are fine outside domain/ (adapters and composition roots may read the clock)', async () => {
    expect(await boundaryErrors('services/scorer/adapters/x.ts', "import { readFileSync } from 'node:fs';\nexport const t = Date.now();\nvoid readFileSync;\n")).toEqual([]);
  });
});
