import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'oilwire-cli-scorer-'));
const cli = (...args: string[]) => run(process.execPath, ['bin/oilwire.mjs', '--log-level', 'warn', ...args], { cwd: process.cwd(), timeout: 120_000, maxBuffer: 10_000_000 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** text,label rows from the labeled headline fixture (its sentiment column). */
function textLabelCsv(): string {
  const lines = readFileSync('test/fixtures/scorer/labeled-headlines.csv', 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((line) => {
    const m = /^("(?:[^"]|"")*"|[^,]*),([a-z]+),/.exec(line);
    if (!m) throw new Error(`unexpected fixture line: ${line}`);
    return `${m[1]},${m[2]}`;
  });
  return ['text,label', ...rows].join('\n') + '\n';
}

describe('oilwire train and eval', () => {
  it('trains a model folder from text,label rows, and eval serves it through the transformers pipeline', async () => {
    const input = join(dir, 'labeled.csv');
    writeFileSync(input, textLabelCsv());
    const out = join(dir, 'model');
    const trained = await cli('train', '--input', input, '--out', out);
    expect(trained.stdout).toMatch(/labels/i);
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) expect(existsSync(join(out, f)), f).toBe(true);

    const { stdout } = await cli('eval', '--input', input, '--format', 'csv', '--model', out, '--json');
    const report = JSON.parse(stdout) as { accuracy: number; macroF1: number; perClass: Record<string, unknown>; confusion: Record<string, Record<string, number>>; n: number };
    expect(Object.keys(report).sort()).toEqual(['accuracy', 'confusion', 'macroF1', 'n', 'perClass']);
    const n = textLabelCsv().trim().split('\n').length - 1;
    expect(report.n).toBe(n);
    const confusionTotal = Object.values(report.confusion).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0);
    expect(confusionTotal).toBe(n);
    // A linear model scored on its own training rows must fit them well.
    expect(report.accuracy).toBeGreaterThan(0.8);
  });

  it('evaluates the domain model on a PhraseBank-format file and prints a readable table', async () => {
    const { stdout } = await cli('eval', '--input', 'test/fixtures/scorer/financial-sentences.fpb', '--format', 'fpb');
    expect(stdout).toMatch(/accuracy \d\.\d{3}\s+macro-F1 \d\.\d{3}/);
    expect(stdout).toMatch(/confusion/);
  });

  it('refuses a missing input with a clear message and a usage exit code', async () => {
    const err = (await cli('eval', '--input', join(dir, 'nope.csv')).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBeGreaterThan(0);
    expect(err.stderr).toMatch(/nope\.csv/);
  });
});
