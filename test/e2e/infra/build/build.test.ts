/**
 * `npm run build` (infra/build/build.mjs) and the bin running what it made. The test copies what
 * the Docker image holds (package.json, bin, cli, shared, services, infra/clickhouse, infra/build)
 * into a temporary folder, with a link to node_modules, and builds there: the dist/ of whoever runs
 * it is never replaced, and an edit made meanwhile in the working tree cannot make the copy's build
 * stale. OILWIRE_RUNTIME=dist makes the bin fail rather than fall back to tsx.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST } from '../../../../bin/dist.mjs';
import { freePort, waitFor } from '../../../integration/services/api/helpers.ts';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'oilwire-build-'));
const dist = join(work, 'dist');
const env: NodeJS.ProcessEnv = { ...process.env, OILWIRE_RUNTIME: 'dist' };
delete env.OILWIRE_DIST;
const children: ChildProcess[] = [];
const cli = (...args: string[]) => run(process.execPath, ['bin/oilwire.mjs', ...args], { cwd: work, env, timeout: 50_000 });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}

beforeAll(async () => {
  for (const p of ['package.json', 'bin', 'cli', 'shared', 'services', 'infra/clickhouse', 'infra/build']) cpSync(p, join(work, p), { recursive: true, preserveTimestamps: true });
  symlinkSync(join(process.cwd(), 'node_modules'), join(work, 'node_modules'), 'dir');
  await run(process.execPath, ['infra/build/build.mjs', '--quiet'], { cwd: work, env, timeout: 50_000 });
}, 60_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('the compiled build', () => {
  it('has one .js module per TypeScript module, the data files, static files and migrations beside them, and no keepNames wrappers', () => {
    // Declarations (.d.ts) have nothing to run.
    const sources = ['cli', 'shared', 'services'].flatMap((d) => filesUnder(join(work, d))).filter((f) => !f.endsWith('.d.ts'));
    for (const f of sources) {
      const rel = relative(work, f);
      const out = rel.endsWith('.ts') ? rel.replace(/\.ts$/, '.js') : rel;
      expect(existsSync(join(dist, out)), `${out} in the build`).toBe(true);
    }
    expect(readdirSync(join(dist, 'infra', 'clickhouse')).sort()).toEqual(readdirSync(join(work, 'infra/clickhouse')).sort());
    // tsx's keepNames wraps functions in __name(); the compiled engine must not pay for it.
    const engine = readFileSync(join(dist, 'services/correlator/domain/impact-engine.js'), 'utf8');
    expect(engine).toMatch(/class _?ImpactEngine/);
    expect(engine).not.toMatch(/__name\(/);
    expect(readFileSync(join(dist, 'services/scorer/adapters/transformers-pool.js'), 'utf8')).toContain('./transformers-worker.js');
  });

  it('runs --help from the build', async () => {
    expect((await cli('--help')).stdout).toContain('Usage: oilwire');
  });

  it('runs the demo (migrations, scorer data, correlator) and serves the dashboard with its vendored chart from the build', async () => {
    const port = await freePort();
    let out = '';
    const child = spawn(process.execPath, ['bin/oilwire.mjs', '--data', join(work, 'serve-data'), '--log-level', 'warn', 'demo', '--keep', '--port', String(port)], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes(`dashboard at http://127.0.0.1:${port}`) || child.exitCode !== null, { timeoutMs: 50_000, message: () => out });
    expect(child.exitCode, out).toBeNull();
    expect(out).toMatch(/8 headlines, 40\/40 impact rows/);
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/`)).text()).toContain('/static/dashboard.js');
    expect((await fetch(`${base}/static/dashboard.js`)).status).toBe(200);
    expect((await fetch(`${base}/static/vendor/uPlot.iife.min.js`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 55_000);

  it('is not run once its manifest no longer matches the sources (OILWIRE_RUNTIME=dist says why)', async () => {
    const file = join(dist, MANIFEST);
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { files: Record<string, [number, number]> };
    manifest.files['cli/main.ts'] = [manifest.files['cli/main.ts'][0] + 1, manifest.files['cli/main.ts'][1]];
    writeFileSync(file, JSON.stringify(manifest));
    const err = await cli('--help').then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('cli/main.ts changed after the build');
  });
});
