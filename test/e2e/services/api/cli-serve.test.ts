/**
 * `oilwire start --port N` and `oilwire demo --keep --port N` serve the API and the
 * dashboard on that port, and stop cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../../integration/services/api/helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'oilwire-cli-serve-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

function launch(args: string[]): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  let out = '';
  const child = spawn(process.execPath, ['bin/oilwire.mjs', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

/** Waits for the line announcing the URL; a process that exits first fails the test with its output. */
async function announced(run: ReturnType<typeof launch>, text: string): Promise<void> {
  const exitedEarly = run.exited.then((code) => {
    throw new Error(`oilwire exited with ${code} before serving:\n${run.out()}`);
  });
  await Promise.race([waitFor(() => run.out().includes(text), { timeoutMs: 110_000, message: () => run.out() }), exitedEarly]);
  exitedEarly.catch(() => undefined);
}

async function checkServes(base: string): Promise<void> {
  const page = await fetch(`${base}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toContain('/static/dashboard.js');
  expect((await fetch(`${base}/static/dashboard.js`)).status).toBe(200);
  expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  const sql = await fetch(`${base}/sql?format=csv`, { method: 'POST', headers: { 'content-type': 'application/sql' }, body: 'SELECT 1 AS one' });
  expect(await sql.text()).toBe('"one"\n1\n');
  // What a web page can send without a preflight is refused.
  expect((await fetch(`${base}/sql?format=csv`, { method: 'POST', body: 'SELECT 1 AS one' })).status).toBe(415);
}

describe('the CLI serves the API and dashboard on --port', () => {
  it('oilwire demo --keep --port N', async () => {
    const port = await freePort();
    const run = launch(['--data', join(work, 'demo-data'), '--log-level', 'warn', 'demo', '--keep', '--port', String(port)]);
    await announced(run, `dashboard at http://127.0.0.1:${port}`);
    const base = `http://127.0.0.1:${port}`;
    await checkServes(base);
    const headlines = (await (await fetch(`${base}/api/headlines?limit=100`)).json()) as unknown[];
    expect(headlines).toHaveLength(8);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 150_000);

  it('oilwire start --port N', async () => {
    const port = await freePort();
    // No live feeds or price sources: this machine's network is closed, and the API is what is under test.
    const configFile = join(work, 'oilwire.config.json');
    writeFileSync(configFile, JSON.stringify({ ingestNews: { feeds: [] }, ingestPrices: { sources: [] } }));
    const run = launch(['--config', configFile, '--data', join(work, 'start-data'), '--log-level', 'warn', 'start', '--port', String(port)]);
    await announced(run, `dashboard and API at http://127.0.0.1:${port}`);
    await checkServes(`http://127.0.0.1:${port}`);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 150_000);
});
