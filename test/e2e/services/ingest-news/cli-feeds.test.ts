import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../helpers/wait-for.ts';

const run = promisify(execFile);
const fixture = (name: string) => pathToFileURL(fileURLToPath(new URL(`../../../fixtures/feeds/${name}`, import.meta.url))).href;
const root = mkdtempSync(join(tmpdir(), 'oilwire-e2e-feeds-'));
const dataDir = join(root, 'data');
const stateDir = join(root, 'state');
const configFile = join(root, 'oilwire.config.json');
writeFileSync(
  configFile,
  JSON.stringify({
    log: { level: 'info' },
    ingestNews: {
      feeds: [
        { url: fixture('wire-v1.xml'), name: 'wire', tags: ['energy'] },
        { url: fixture('atom.xml'), name: 'atom', tags: ['middle-east'] },
      ],
      stateDir,
      // Short intervals so the restarted process polls again within the test.
      pollIntervalSec: 1,
      schedule: { minIntervalSec: 1, maxIntervalSec: 2 },
    },
  }),
);

const cli = (...args: string[]) => run(process.execPath, ['bin/oilwire.mjs', '--data', dataDir, '-c', configFile, ...args], { cwd: process.cwd(), timeout: 60_000 });
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  api: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startCli(): Promise<Started> {
  const child = spawn(process.execPath, ['bin/oilwire.mjs', '--data', dataDir, '-c', configFile, 'start', '--port', '0'], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const api = await waitFor(() => /API at (http:\/\/\S+)/.exec(out)?.[1], { timeoutMs: 60_000, message: () => `the CLI to start; stderr: ${err.slice(-2000)}` });
  return { child, api, stderr: () => err, exited };
}

async function sqlOverApi(api: string, query: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${api}/sql?format=json`, { method: 'POST', headers: { 'content-type': 'application/sql' }, body: query });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}

type StateFile = { feeds: Record<string, { name: string; fetches: number; itemsPublished: number; notModified: number }> };
const states = (): StateFile['feeds'] => (existsSync(join(stateDir, 'feeds.json')) ? (JSON.parse(readFileSync(join(stateDir, 'feeds.json'), 'utf8')) as StateFile).feeds : {});
const byName = (name: string) => Object.values(states()).find((s) => s.name === name);

describe('oilwire start on file:// feeds, then oilwire feeds', () => {
  it('ingests the feeds into the store, prints their status, and publishes nothing twice after a restart', async () => {
    const first = await startCli();
    await waitFor(async () => Number((await sqlOverApi(first.api, 'SELECT count() AS n FROM news'))[0].n) === 7, {
      timeoutMs: 60_000,
      message: () => `7 news rows; stderr: ${first.stderr().slice(-2000)}`,
    });
    const titles = (await sqlOverApi(first.api, 'SELECT title, source, tags FROM news ORDER BY title')) as { title: string; source: string; tags: string[] }[];
    expect(titles.filter((t) => t.source === 'atom').map((t) => t.title)).toEqual(['Brent rises 2%', 'Iran and Qatar meet in Doha']);
    expect(titles.find((t) => t.source === 'wire')!.tags).toEqual(['energy']);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const { stdout } = await cli('feeds');
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^feed\s+status\s+last_success\s+items\s+in_feed\s+not_modified\s+errors\s+in_a_row\s+next_poll\s+last_error$/);
    expect(lines.find((l) => l.startsWith('wire '))).toMatch(/^wire\s+ok (200|304)\s+\d+s ago\s+5\s+5\s+\d+%\s+0\s+0\s/);
    expect(lines.find((l) => l.startsWith('atom '))).toMatch(/^atom\s+ok (200|304)\s+\d+s ago\s+2\s+2\s+\d+%\s+0\s+0\s/);
    expect(stdout).toContain('2 feeds configured, 2 polled, 0 failing');
    const json = JSON.parse((await cli('feeds', '--format', 'json')).stdout) as { name: string; state: { itemsPublished: number } }[];
    expect(json.map((f) => [f.name, f.state.itemsPublished])).toEqual([
      ['wire', 5],
      ['atom', 2],
    ]);

    const before = { wire: byName('wire')!.fetches, atom: byName('atom')!.fetches };
    const second = await startCli();
    await waitFor(() => byName('wire')!.fetches > before.wire && byName('atom')!.fetches > before.atom, { timeoutMs: 60_000, message: 'a poll of each feed after the restart' });
    expect(byName('wire')!.itemsPublished).toBe(5);
    expect(byName('atom')!.itemsPublished).toBe(2);
    expect(byName('wire')!.notModified).toBeGreaterThan(0);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const sql = await cli('sql', '--format', 'json', 'SELECT count() AS n, uniqExact(id) AS ids FROM news');
    const [row] = JSON.parse(sql.stdout) as Record<string, string | number>[];
    expect([Number(row.n), Number(row.ids)]).toEqual([7, 7]);
  }, 240_000);
});
