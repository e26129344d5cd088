/**
 * The compiled build against tsx: the same bench groups (correlator and scorer by default) run in
 * child processes, once from the TypeScript sources through tsx (as `node bin/run-ts.mjs`, the
 * way the bin ran in production before `npm run build`) and once from a tree built by
 * infra/build/build.mjs --with-bench, alternating tsx, compiled, tsx, compiled... so both see the
 * same machine load. Each row is the median over rounds of compiled / tsx for that row (above 1:
 * the compiled tree is faster; for latency rows, below 1 is faster).
 *
 *   npm run bench -- --only build                                  (1 round of correlator,scorer)
 *   node bin/run-ts.mjs bench/build.ts [rounds] [group,group]      (alone, e.g. 3 correlator,scorer,pipeline)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow, Report } from './report.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

interface Row extends BenchRow {
  bench: string;
}

function runGroups(command: string[], groups: string[], out: string, env: NodeJS.ProcessEnv): Row[] {
  execFileSync(process.execPath, [...command, '--only', groups.join(','), '--json', out], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  return (JSON.parse(readFileSync(out, 'utf8')) as { rows: Row[] }).rows;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function benchBuild(report: Report, options: { rounds?: number; groups?: string[] } = {}): Promise<void> {
  const rounds = options.rounds ?? 1;
  const groups = options.groups ?? ['correlator', 'scorer'];
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-bench-build-'));
  try {
    // The compiled tree finds its packages in a node_modules folder above it, as dist/ does in the package.
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const dist = join(dir, 'dist');
    const t0 = performance.now();
    execFileSync(process.execPath, [join(ROOT, 'infra/build/build.mjs'), '--outdir', dist, '--with-bench', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
    report({ name: 'build: infra/build/build.mjs --with-bench', value: performance.now() - t0, unit: 'ms' });
    const env = { ...process.env };
    const tsx: Row[][] = [];
    const compiled: Row[][] = [];
    for (let r = 0; r < rounds; r++) {
      process.stderr.write(`bench build: round ${r + 1}/${rounds}, tsx...\n`);
      tsx.push(runGroups([join(ROOT, 'bin/run-ts.mjs'), join(ROOT, 'bench/run.ts')], groups, join(dir, `tsx-${r}.json`), env));
      process.stderr.write(`bench build: round ${r + 1}/${rounds}, compiled...\n`);
      compiled.push(runGroups([join(dist, 'bench/run.js')], groups, join(dir, `dist-${r}.json`), env));
    }
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
  const rounds = Number(process.argv[2] ?? 1);
  const groups = process.argv[3]?.split(',');
  await benchBuild(
    (row) => {
      const ratio = row.ratio === undefined ? '' : `  (${row.ratio.toFixed(2)}x ${row.baseline})`;
      console.log(`${row.name.padEnd(110)} ${row.value.toFixed(row.value < 100 ? 2 : 0).padStart(10)} ${row.unit}${ratio}`);
    },
    { rounds, groups },
  );
}
