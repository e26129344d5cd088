#!/usr/bin/env node
/**
 * `npm run build`: the compiled tree the bin runs in production (dist/, gitignored).
 *
 *   node infra/build/build.mjs [--outdir dir] [--with-bench] [--if-stale] [--quiet]
 *
 * Every module of cli/, shared/ and services/ is transpiled by esbuild to one .js file at the same
 * relative path (not bundled into one file), so the paths the code builds from its own
 * `import.meta.url` (migrations, the dashboard's static files, worker entries, the dev broker's
 * source) mean the same thing under dist/ as in the sources; those files are copied beside it.
 * No keepNames: tsx sets it, and its `__name()` wrapper around every closure was a third of the
 * correlator's CPU. `--with-bench` adds bench/ (the `build` bench group runs the same benches both
 * ways). The tree is written to a temporary folder and swapped in, its manifest last, so a reader
 * never runs a half-written tree (bin/dist.mjs checks the manifest against the sources).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import { BUILD_FORMAT, MANIFEST, ROOT, SOURCE_ROOTS, snapshot, staleReason } from '../../bin/dist.mjs';

const CODE = new Set(['.ts', '.mjs']);
// `new URL('./worker.ts', import.meta.url)`: a module named by URL rather than imported (worker
// and child-process entries); under dist/ it is the compiled sibling.
const MODULE_URL = /new URL\((['"])(\.{1,2}\/[^'"]+?)\.ts\1(\s*,\s*import\.meta\.url\s*\))/g;
// What no compiled file may still name: a relative path to a .ts file.
const TS_REFERENCE = /(['"`])\.{1,2}\/[^'"`\n]*\.ts\1/;

function parseArgs(argv) {
  const args = { outdir: join(ROOT, 'dist'), withBench: false, ifStale: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--outdir') args.outdir = resolve(argv[++i]);
    else if (a === '--with-bench') args.withBench = true;
    else if (a === '--if-stale') args.ifStale = true;
    else if (a === '--quiet') args.quiet = true;
    else throw new Error(`unknown argument ${a} (--outdir dir, --with-bench, --if-stale, --quiet)`);
  }
  return args;
}

function filesUnder(abs) {
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [abs];
  return readdirSync(abs, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(abs, d.name)) : d.isFile() ? [join(abs, d.name)] : []));
}

/** Relative .ts imports become imports of the compiled .js sibling, left external (one output per module); packages stay external. */
const perModule = {
  name: 'oilwire-per-module',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.(ts|mjs)$/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return { path: args.path.replace(/\.ts$/, '.js'), external: true };
    });
    // The worker bootstraps register tsx for the sources; compiled, there is nothing left to transpile.
    b.onResolve({ filter: /^tsx\/esm\/api$/ }, () => ({ path: 'tsx-register', namespace: 'oilwire-compiled' }));
    b.onLoad({ filter: /.*/, namespace: 'oilwire-compiled' }, () => ({ contents: 'export function register() { return async () => {}; }', loader: 'js' }));
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      return { contents: text.replace(MODULE_URL, (_m, q, path, tail) => `new URL(${q}${path}.js${q}${tail}`), loader: 'ts' };
    });
  },
};

export async function runBuild(options) {
  const { outdir, withBench, quiet } = options;
  // The benches read fixtures through paths relative to their own files, as the sources do.
  const roots = withBench ? [...SOURCE_ROOTS, 'bench', 'test/fixtures'] : SOURCE_ROOTS;
  if (options.ifStale && staleReason(outdir) === null && (!withBench || existsSync(join(outdir, 'bench')))) {
    if (!quiet) console.log(`oilwire build: ${relative(process.cwd(), outdir) || '.'} is up to date`);
    return;
  }
  const t0 = performance.now();
  // Taken before anything is read: an edit made while the build runs leaves the tree stale, never wrongly fresh.
  const files = snapshot(ROOT, roots);
  const all = roots.flatMap((r) => filesUnder(join(ROOT, r)));
  const code = all.filter((f) => CODE.has(extname(f)) && !f.endsWith('.d.ts'));
  const assets = all.filter((f) => !CODE.has(extname(f)));

  const tmp = `${outdir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const common = {
    outdir: tmp,
    outbase: ROOT,
    absWorkingDir: ROOT,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20.6',
    keepNames: false,
    sourcemap: 'linked',
    // What of tsconfig.json changes emitted code, inline: the image and CI's production copy have no tsconfig.json.
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
    plugins: [perModule],
    logLevel: 'warning',
  };
  try {
    await build({ ...common, entryPoints: code.filter((f) => f.endsWith('.ts')) });
    await build({ ...common, entryPoints: code.filter((f) => f.endsWith('.mjs')), outExtension: { '.js': '.mjs' } });
    for (const f of assets) {
      const to = join(tmp, relative(ROOT, f));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(f, to);
    }
    for (const f of filesUnder(tmp)) {
      if (!/\.m?js$/.test(f)) continue;
      const hit = readFileSync(f, 'utf8').match(TS_REFERENCE);
      if (hit) throw new Error(`${relative(tmp, f).split(sep).join('/')} still names a TypeScript file (${hit[0]}): import it, or build its URL as new URL('./x.ts', import.meta.url)`);
    }
    // ESM wherever the tree is put (OILWIRE_DIST may name a folder outside the package; its packages
    // are then found in a node_modules folder above it).
    writeFileSync(join(tmp, 'package.json'), `${JSON.stringify({ type: 'module', private: true })}\n`);
    writeFileSync(join(tmp, MANIFEST), `${JSON.stringify({ format: BUILD_FORMAT, builtAt: new Date().toISOString(), node: process.version, roots, files })}\n`);
    const old = `${outdir}.old-${process.pid}`;
    if (existsSync(outdir)) renameSync(outdir, old);
    renameSync(tmp, outdir);
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  if (!quiet) console.log(`oilwire build: ${code.length} modules, ${assets.length} files copied to ${relative(process.cwd(), outdir) || '.'} in ${Math.round(performance.now() - t0)} ms`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  try {
    await runBuild(parseArgs(process.argv.slice(2)));
  } catch (err) {
    console.error(`oilwire build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
