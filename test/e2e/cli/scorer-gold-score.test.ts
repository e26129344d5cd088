import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'oilwire-cli-gold-'));
const ARGS = ['bin/oilwire.mjs', '--log-level', 'warn'];
const cli = (...args: string[]) => run(process.execPath, [...ARGS, ...args], { cwd: process.cwd(), timeout: 120_000, maxBuffer: 10_000_000 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOLD = `story,headline,topics,oil_direction,price_report,relevance,sentiment
a,Oil falls 3% as Gaza ceasefire holds,ceasefire,bearish,1,95,neutral
b,Houthis attack commercial ship in Red Sea,military;shipping,bullish,0,88,negative
c,Disney merger talks with Comcast collapse over price,,neutral,0,5,negative
d,US economy grew at 3.3% rate in fourth quarter,macro,bullish,0,45,positive
`;

describe('oilwire eval --format gold and oilwire score', () => {
  it('reports every field of the domain model against a gold CSV as JSON', async () => {
    const input = join(dir, 'gold.csv');
    writeFileSync(input, GOLD);
    const { stdout } = await cli('eval', '--format', 'gold', '--input', input, '--json');
    const r = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    expect(r.n).toBe(4);
    expect(Object.keys(r).sort()).toEqual(['n', 'oil_direction', 'price_report', 'relevance', 'sentiment', 'topics']);
    expect(r.topics.microF1).toEqual(expect.any(Number));
    expect(Object.keys(r.topics.perTopic as object)).toHaveLength(8);
    expect(r.oil_direction.nonReportN).toBe(3);
    expect(r.price_report.support).toBe(1);
    expect(r.relevance.spearman).toEqual(expect.any(Number));
    const text = await cli('eval', '--format', 'gold', '--input', input);
    expect(text.stdout).toMatch(/topics\s+micro-F1 \d\.\d{3}/);
    expect(text.stdout).toMatch(/price_report\s+F1/);
  });

  it('scores a CSV into one row per input row, passing the id through', async () => {
    const input = join(dir, 'mine.csv');
    writeFileSync(input, 'id,headline\nx1,Oil jumps after tanker seized in Strait of Hormuz\nx2,"Bakery wins award, again"\nx3,\n');
    const { stdout } = await cli('score', '--input', input);
    const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.id)).toEqual(['x1', 'x2', 'x3']);
    expect(rows[0]).toMatchObject({ price_report: true, oil_direction: 'bullish', topics: expect.arrayContaining(['shipping']) });
    expect(Object.keys(rows[0]).sort()).toEqual(['entities', 'headline', 'id', 'oil_direction', 'oil_strength', 'price_report', 'relevance', 'sentiment', 'sentiment_score', 'topics']);
    const csv = await cli('score', '--input', input, '--format', 'csv');
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('id,headline,topics,oil_direction,oil_strength,price_report,relevance,sentiment,sentiment_score,entities');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^x2,"Bakery wins award, again",/);
  });

  it('reads NDJSON from stdin with another column name', async () => {
    const child = spawn(process.execPath, [...ARGS, 'score', '--input', '-', '--column', 'title'], { cwd: process.cwd() });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end('{"id":7,"title":"OPEC+ agrees to extend output cuts"}\n{"title":"Local bakery wins award"}\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).toMatchObject({ id: '7', topics: ['opec'], oil_direction: 'bullish' });
    expect(rows[1].id).toBeUndefined();
  });

  // Four CLI runs (train, then three evals of the whole test split): a deadline for a loaded 2-core box, not a timing.
  it('trains per-field models on the gold corpus and evaluates them blended with the rules', { timeout: 180_000 }, async () => {
    const out = join(dir, 'fields.json');
    const trained = await cli('train', '--format', 'gold', '--input', 'services/scorer/data/corpus', '--out', out);
    expect(trained.stdout).toMatch(/trained on \d+ rows \(split train\): oil_direction, sentiment, relevance, topic:mediation/);
    const args = ['eval', '--format', 'gold', '--input', 'services/scorer/data/corpus', '--split', 'test', '--json'];
    const rules = JSON.parse((await cli(...args)).stdout) as { n: number; sentiment: { macroF1: number } };
    const blended = JSON.parse((await cli(...args, '--learned', out, '--weight', '0.7', '--learned-fields', 'sentiment')).stdout) as { n: number; sentiment: { macroF1: number }; topics: unknown };
    expect(blended.n).toBe(rules.n);
    expect(blended.sentiment.macroF1).not.toBe(rules.sentiment.macroF1);
    const err = (await cli(...args, '--learned', out, '--weight', '2').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.stderr).toMatch(/--weight must be between 0 and 1/);
  });

  it('refuses a gold file without a headline column', async () => {
    const input = join(dir, 'bad.csv');
    writeFileSync(input, 'text_x,topics\nfoo,macro\n');
    const err = (await cli('eval', '--format', 'gold', '--input', input).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBeGreaterThan(0);
    expect(err.stderr).toMatch(/headline/);
  });
});
