// The compiled tree (dist/, made by `npm run build`) and how the bin decides whether it may run it.
// Plain JS with no dependency, so the bin can check it before tsx is even loaded.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const MANIFEST = 'build-manifest.json';
// Bumped when the layout of dist/ changes, so a tree built by an older build script is stale.
export const BUILD_FORMAT = 1;
// What the compiled code is made from or reads at run time through paths relative to its own file
// (migrations, the dev broker's source, the dashboard's static files and the scorer's data live
// inside these folders), so a change to any of them makes dist/ stale.
export const SOURCE_ROOTS = ['cli', 'shared', 'services', 'infra/clickhouse', 'infra/dev-broker/dev-broker.c'];

/** dist/ beside the package, or the folder OILWIRE_DIST names (a build elsewhere, as the e2e test makes). */
export function distDir(env = process.env) {
  return env.OILWIRE_DIST ? resolve(env.OILWIRE_DIST) : join(ROOT, 'dist');
}

/** Every file under `roots` (folders or single files, relative to `root`) as path -> [size, mtimeMs], paths with `/`. */
export function snapshot(root, roots) {
  const files = {};
  const visit = (abs) => {
    let st;
    try {
      st = statSync(abs);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) visit(join(abs, name));
    } else if (st.isFile()) {
      files[relative(root, abs).split(sep).join('/')] = [st.size, st.mtimeMs];
    }
  };
  for (const r of roots) visit(join(root, r));
  return files;
}

/**
 * Why the tree in `dir` may not be run for the sources in `root`, or null when it may: the
 * manifest the build wrote last must list exactly the files there are now, each with the same
 * size and modification time (any edit, checkout, added or removed file makes it stale; a stale
 * tree is never run, the bin falls back to the TypeScript sources).
 */
export function staleReason(dir, root = ROOT) {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) return `no ${MANIFEST} in ${dir} (run \`npm run build\`)`;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return `${file} is not readable JSON`;
  }
  if (manifest.format !== BUILD_FORMAT) return `built by another build format (${manifest.format}, this bin reads ${BUILD_FORMAT})`;
  const then = manifest.files ?? {};
  const now = snapshot(root, manifest.roots ?? SOURCE_ROOTS);
  for (const [path, stat] of Object.entries(now)) {
    const was = then[path];
    if (!was) return `${path} was added after the build`;
    if (was[0] !== stat[0] || was[1] !== stat[1]) return `${path} changed after the build`;
  }
  for (const path of Object.keys(then)) if (!(path in now)) return `${path} was removed after the build`;
  return null;
}

/**
 * Which tree the bin runs. OILWIRE_RUNTIME: `auto` (default: dist/ when it is up to date, else
 * the sources through tsx), `dist` (dist/ or an error saying why not), `tsx` (always the sources).
 */
export function chooseRuntime(env = process.env) {
  const mode = env.OILWIRE_RUNTIME || 'auto';
  if (mode === 'tsx') return { kind: 'tsx' };
  if (mode !== 'auto' && mode !== 'dist') throw new Error(`OILWIRE_RUNTIME must be auto, dist or tsx (got ${mode})`);
  const dir = distDir(env);
  const reason = staleReason(dir);
  if (reason === null) return { kind: 'dist', dir };
  if (mode === 'dist') throw new Error(`OILWIRE_RUNTIME=dist but the compiled tree cannot be used: ${reason}`);
  return { kind: 'tsx', reason };
}
