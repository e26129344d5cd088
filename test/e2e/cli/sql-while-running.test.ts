/**
 * `oilwire sql` while `oilwire start` holds the embedded store's folder lock: the query goes
 * through the running API (read-only, with its limits) instead of failing on the engine's lock.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../integration/services/api/helpers.ts';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'oilwire-sql-running-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

async function sql(base: string[], query: string, format = 'json'): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/oilwire.mjs', ...base, 'sql', '--format', format, query], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('oilwire sql while oilwire start runs', () => {
  it('answers through the running API, refuses a write there without side effect, and opens the store directly once stopped', async () => {
    const port = await freePort();
    const configFile = join(work, 'oilwire.config.json');
    // No live feeds or price sources: this machine's network is closed, and the CLI is what is under test.
    writeFileSync(configFile, JSON.stringify({ api: { port }, ingestNews: { feeds: [] }, ingestPrices: { sources: [] } }));
    const base = ['--config', configFile, '--data', join(work, 'data'), '--log-level', 'warn'];
    let out = '';
    const child = spawn(process.execPath, ['bin/oilwire.mjs', ...base, 'start'], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => out.includes(`http://127.0.0.1:${port}`), { timeoutMs: 110_000, message: () => out });

    const read = await sql(base, 'SELECT count() AS n, 41 + 1 AS answer FROM news');
    expect(read.stderr).not.toMatch(/lock/i);
    expect(read.code).toBe(0);
    const rows = JSON.parse(read.stdout) as { n: unknown; answer: unknown }[];
    expect(rows.map((r) => [Number(r.n), Number(r.answer)])).toEqual([[0, 42]]);

    const write = await sql(base, 'CREATE TABLE oilwire.refused_while_running (a UInt8) ENGINE = Memory');
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/running oilwire API refused/);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // Stopped: the CLI opens the store itself (it could write here), and the refused table was never made.
    const direct = await sql(base, "SELECT count() AS n FROM system.tables WHERE database = 'oilwire' AND name = 'refused_while_running'");
    expect(direct.code).toBe(0);
    expect((JSON.parse(direct.stdout) as { n: unknown }[]).map((r) => Number(r.n))).toEqual([0]);
  }, 180_000);
});
