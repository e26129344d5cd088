/**
 * The compiled build against tsx, alternating tsx, compiled, tsx, compiled... so that both see the
 * same machine load, in child processes: from the TypeScript sources through tsx (as
 * `node bin/run-ts.mjs`, the way the bin ran everything before `npm run build`) and from a tree
 * built by infra/build/build.mjs --with-bench.
 *
 * - Always: bench/build-workload.ts, fixed correlator and scorer work timed by CPU time (what a
 *   busy shared machine moves least); rows in units per CPU-second, median over rounds, ratio
 *   compiled / tsx (above 1: the compiled tree is faster).
 * - With groups: those bench groups (e.g. correlator,scorer), each row the median over rounds of
 *   compiled / tsx for that row (for latency rows, below 1 is faster). Their figures are by wall
 *   clock: on a loaded machine they are noise.
 *
 *   npm run bench -- --only build                                  (5 rounds of the workloads)
 *   node bin/run-ts.mjs bench/build.ts [rounds] [group,group]      (alone, e.g. 3 correlator,scorer)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Workload } from './build-workload.ts';
import type { BenchRow, Report } from './report.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
// What the benches and the bin need of the package, copied so both sides run the same snapshot.
const COPIED = ['package.json', 'tsconfig.json', 'bin', 'cli', 'shared', 'services', 'bench', 'infra/clickhouse', 'infra/build', 'test/fixtures'];

interface Row extends BenchRow {
  bench: string;
}

function runGroups(cwd: string, command: string[], groups: string[], out: string, env: NodeJS.ProcessEnv): Row[] {
  execFileSync(process.execPath, [...command, '--only', groups.join(','), '--json', out], { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
  return (JSON.parse(readFileSync(out, 'utf8')) as { rows: Row[] }).rows;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runWorkloads(cwd: string, command: string[], env: NodeJS.ProcessEnv): Workload[] {
  return JSON.parse(execFileSync(process.execPath, command, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as Workload[];
}

export async function benchBuild(report: Report, options: { rounds?: number; groups?: string[] } = {}): Promise<void> {
  const rounds = options.rounds ?? 5;
  const groups = options.groups ?? [];
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-bench-build-'));
  try {
    // Both sides run one copy of the sources (with its dist/ and a link to node_modules): an edit in
    // the working tree during the run neither changes one side only nor makes the build stale.
    const src = join(dir, 'src');
    for (const p of COPIED) cpSync(join(ROOT, p), join(src, p), { recursive: true, preserveTimestamps: true });
    symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
    const dist = join(src, 'dist');
    const t0 = performance.now();
    execFileSync(process.execPath, [join(src, 'infra/build/build.mjs'), '--with-bench', '--quiet'], { cwd: src, stdio: 'inherit' });
    report({ name: 'build: infra/build/build.mjs --with-bench', value: performance.now() - t0, unit: 'ms' });
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.OILWIRE_DIST;
    const tsx: Row[][] = [];
    const compiled: Row[][] = [];
    const tsxWork: Workload[][] = [];
    const compiledWork: Workload[][] = [];
    for (let r = 0; r < rounds; r++) {
      process.stderr.write(`bench build: round ${r + 1}/${rounds}\n`);
      tsxWork.push(runWorkloads(src, [join(src, 'bin/run-ts.mjs'), join(src, 'bench/build-workload.ts')], env));
      compiledWork.push(runWorkloads(src, [join(dist, 'bench/build-workload.js')], env));
      if (groups.length === 0) continue;
      tsx.push(runGroups(src, [join(src, 'bin/run-ts.mjs'), join(src, 'bench/run.ts')], groups, join(dir, `tsx-${r}.json`), env));
      compiled.push(runGroups(src, [join(dist, 'bench/run.js')], groups, join(dir, `dist-${r}.json`), env));
    }
    // Start-up of the bin itself: what every short command (sql, --help) pays.
    const helpMs = (runtime: NodeJS.ProcessEnv) => {
      const t = performance.now();
      execFileSync(process.execPath, [join(src, 'bin/oilwire.mjs'), '--help'], { cwd: src, env: { ...env, ...runtime }, stdio: 'ignore' });
      return performance.now() - t;
    };
    const helps = Array.from({ length: Math.max(rounds, 5) }, () => [helpMs({ OILWIRE_RUNTIME: 'tsx' }), helpMs({ OILWIRE_RUNTIME: 'dist' })]);
    report({ name: 'tsx: oilwire --help, wall', value: median(helps.map((h) => h[0])), unit: 'ms' });
    report({ name: 'compiled: oilwire --help, wall', value: median(helps.map((h) => h[1])), unit: 'ms', baseline: 'tsx (below 1: faster)', ratio: median(helps.map((h) => h[1] / h[0])) });
    const perCpuSecond = (w: Workload) => w.units / (w.cpuMs / 1000);
    for (const [i, w] of tsxWork[0].entries()) {
      const unit = `${w.unit}/CPU-s`;
      report({ name: `tsx: ${w.name}`, value: median(tsxWork.map((t) => perCpuSecond(t[i]))), unit });
      report({ name: `compiled: ${w.name}`, value: median(compiledWork.map((c) => perCpuSecond(c[i]))), unit, baseline: 'tsx, same workload', ratio: median(tsxWork.map((t, r) => perCpuSecond(compiledWork[r][i]) / perCpuSecond(t[i]))) });
    }
    if (groups.length === 0) return;
    const key = (row: Row) => `${row.bench}\u0000${row.name}`;
    const find = (rows: Row[], row: Row) => {
      const hit = rows.find((x) => key(x) === key(row));
      if (!hit) throw new Error(`row ${row.bench} ${row.name} is missing from a run`);
      return hit;
    };
    for (const row of tsx[0]) {
      const ratios = tsx.map((t, r) => find(compiled[r], row).value / find(t, row).value);
      const values = compiled.map((c) => find(c, row).value);
      report({
        name: `compiled: ${row.bench} ${row.name}`,
        value: median(values),
        unit: row.unit,
        baseline: 'tsx, same row',
        ratio: median(ratios),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rounds = Number(process.argv[2] ?? 5);
  const groups = process.argv[3]?.split(',');
  await benchBuild(
    (row) => {
      const ratio = row.ratio === undefined ? '' : `  (${row.ratio.toFixed(2)}x ${row.baseline})`;
      console.log(`${row.name.padEnd(110)} ${row.value.toFixed(row.value < 100 ? 2 : 0).padStart(10)} ${row.unit}${ratio}`);
    },
    { rounds, groups },
  );
}
