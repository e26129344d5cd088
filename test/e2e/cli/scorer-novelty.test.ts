import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'oilwire-cli-novelty-'));
const cli = (...args: string[]) => run(process.execPath, ['bin/oilwire.mjs', '--log-level', 'warn', ...args], { cwd: process.cwd(), timeout: 120_000, maxBuffer: 10_000_000 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('oilwire eval --format gold --novelty', () => {
  it('prints the novelty figures of a gold CSV as JSON, and refuses --novelty without --format gold', async () => {
    const input = join(dir, 'gold.csv');
    writeFileSync(input, 'story,headline\na,Houthis attack tanker in Red Sea\na,Houthis attack tanker in the Red Sea - Reuters\nb,OPEC+ agrees to cut output\n');
    const { stdout } = await cli('eval', '--format', 'gold', '--novelty', '--input', input, '--json');
    expect(JSON.parse(stdout)).toMatchObject({ n: 3, sameStory: { pairs: 1, joined: 1 }, differentStory: { pairs: 2, joined: 0 } });
    const err = (await cli('eval', '--novelty', '--input', input).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBeGreaterThan(0);
    expect(err.stderr).toMatch(/--format gold/);
  });
});
