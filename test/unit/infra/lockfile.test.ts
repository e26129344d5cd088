/**
 * `npm ci` installs exactly package-lock.json, and refuses to run when it disagrees with
 * package.json: this fails first, naming the package, so a dependency changed by hand in
 * one file and not the other never reaches CI or the Docker build.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  engines?: { node?: string } | string[];
  os?: string[];
  cpu?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string; engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { name: string; version: string; lockfileVersion: number; packages: Record<string, LockEntry> };
const root = lock.packages[''];

describe('package-lock.json', () => {
  it('is the lockfile of this package.json: same name, version and dependency lists', () => {
    expect(lock.lockfileVersion).toBe(3);
    expect({ name: lock.name, version: lock.version }).toEqual({ name: pkg.name, version: pkg.version });
    expect(root.dependencies ?? {}).toEqual(pkg.dependencies);
    expect(root.devDependencies ?? {}).toEqual(pkg.devDependencies);
  });

  it('locks every direct dependency at the exact version package.json pins, runtime ones outside the dev tree', () => {
    for (const [name, spec] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(spec, `${name} is pinned to an exact version`).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry, `${name} is in the lockfile`).toBeDefined();
      expect(entry.version, `${name} locked at ${spec}`).toBe(spec);
    }
    // `npm ci --omit=dev` (infra/Dockerfile) must still get what the CLI runs on, tsx included.
    for (const name of Object.keys(pkg.dependencies)) expect(lock.packages[`node_modules/${name}`].dev, `${name} is a runtime dependency`).not.toBe(true);
  });

  it("carries an entry for each of chdb's native libraries (every platform), at the versions chdb asks for", () => {
    const chdb = lock.packages['node_modules/chdb'];
    const natives = Object.entries(chdb.optionalDependencies ?? {});
    expect(natives.length).toBeGreaterThan(0);
    // npm ci refuses a lockfile missing any of them, even those for other platforms (it only skips installing them).
    const locked = natives.filter(([name]) => lock.packages[`node_modules/${name}`]);
    expect(locked.map(([name]) => name)).toEqual(natives.map(([name]) => name));
    for (const [name, version] of locked) expect(lock.packages[`node_modules/${name}`].version, name).toBe(version);
    const here = locked.find(([name]) => {
      const e = lock.packages[`node_modules/${name}`];
      return (e.os ?? []).includes(process.platform) && (e.cpu ?? []).includes(process.arch);
    });
    expect(here, `a @chdb/lib-* entry for ${process.platform}-${process.arch}`).toBeDefined();
  });

  // npm only warns (EBADENGINE) when a package declares a newer Node than ours; cookie@2 (under
  // light-my-request, so under fastify) declared >= 22 and is ESM-only, which Node 20 before 20.19
  // cannot require. package.json's `overrides` pins what satisfies our range; this keeps it so.
  it('holds no package that declares a Node version this one is not, nor a runtime one that refuses our lowest supported Node', () => {
    const lowest = semver.minVersion(pkg.engines.node)?.version ?? '';
    const refuse = (node: string) => Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !Array.isArray(entry.engines) && entry.engines?.node && !semver.satisfies(node, entry.engines.node));
    expect(refuse(process.version).map(([path, e]) => `${path} wants ${(e.engines as { node: string }).node}`)).toEqual([]);
    expect(refuse(lowest).filter(([, e]) => e.dev !== true).map(([path, e]) => `${path} wants ${(e.engines as { node: string }).node}`)).toEqual([]);
  });
});
