import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_HEADLINES, DEMO_HORIZONS, DEMO_TICKS } from '../../../cli/demo/sample.ts';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'oilwire-cli-demo-'));
// The demo keeps its rows in a folder of its own beside the user's store.
const demoDir = `${dataDir}-demo`;
const cliOn = (dir: string, ...args: string[]) => run(process.execPath, ['bin/oilwire.mjs', '--data', dir, '--log-level', 'warn', ...args], { cwd: process.cwd(), timeout: 90_000 });
const cli = (...args: string[]) => cliOn(dataDir, ...args);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(demoDir, { recursive: true, force: true });
});

async function counts(dir: string = demoDir): Promise<Record<string, number>> {
  const { stdout } = await cliOn(dir, 'sql', '--format', 'json', 'SELECT (SELECT count() FROM news) AS news, (SELECT count() FROM ticks) AS ticks, (SELECT count() FROM impact) AS impact');
  const [row] = JSON.parse(stdout) as Record<string, string>[];
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

describe('oilwire demo, then oilwire sql', () => {
  it('leaves impact rows that sql counts, and a second demo leaves the same counts', async () => {
    const first = await cli('demo');
    // One row per headline and horizon; one tick per simulated step.
    const impacts = DEMO_HEADLINES.length * DEMO_HORIZONS.length;
    expect(first.stdout).toContain(`${DEMO_HEADLINES.length} headlines, ${impacts}/${impacts} impact rows`);
    expect(first.stdout).toMatch(/Qatar-mediated US-Iran talks/);
    expect(first.stdout).toContain(`the demo's own store: ${demoDir}`);
    const after1 = await counts();
    expect(after1).toEqual({ news: DEMO_HEADLINES.length, ticks: DEMO_TICKS.count, impact: impacts });
    // The user's store is untouched: a later `oilwire start` never shows the demo's tape as prices.
    expect(readdirSync(dataDir)).toEqual([]);

    const { stdout } = await cliOn(demoDir, 'sql', 'SELECT count() FROM impact');
    expect(stdout.trim().split('\n').pop()!.trim()).toBe(String(impacts));

    await cli('demo');
    expect(await counts()).toEqual(after1);
  });

  it('prints help for every command and a clear error for a bad one', async () => {
    const { stdout } = await cli('--help');
    for (const c of ['start', 'run', 'demo', 'sql', 'migrate']) expect(stdout).toContain(c);
    const err = await cli('run', 'nonsense').catch((e: { stderr: string; code: number }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toMatch(/unknown service "nonsense"/);
    // Alone, a service needs Kafka to reach the others: it says so instead of waiting for ever.
    const alone = await run(process.execPath, ['bin/oilwire.mjs', '--data', dataDir, 'run', 'scorer'], { cwd: process.cwd(), timeout: 30_000, env: { PATH: process.env.PATH } }).catch((e: { stderr: string; code: number }) => e);
    expect((alone as { code: number }).code).toBe(2);
    expect((alone as { stderr: string }).stderr).toMatch(/oilwire run scorer .* no Kafka is configured: pass --kafka host:port/);
    const badSql = await cli('sql', 'SELECT * FROM no_such_table').catch((e: { stderr: string; code: number }) => e);
    expect((badSql as { code: number }).code).toBe(1);
    expect((badSql as { stderr: string }).stderr).toMatch(/no_such_table/);
  });
});
