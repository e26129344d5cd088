import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_FORMAT, MANIFEST, chooseRuntime, distDir, snapshot, staleReason } from '../../../bin/dist.mjs';

let root: string;
let dist: string;
const roots = ['src', 'sql/001.sql'];

function writeManifest(extra: Record<string, unknown> = {}): void {
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, MANIFEST), JSON.stringify({ format: BUILD_FORMAT, roots, files: snapshot(root, roots), ...extra }));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'oilwire-dist-test-'));
  dist = join(root, 'dist');
  mkdirSync(join(root, 'src', 'deep'), { recursive: true });
  mkdirSync(join(root, 'sql'));
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'src', 'deep', 'b.ts'), 'export const b = 2;\n');
  writeFileSync(join(root, 'sql', '001.sql'), 'SELECT 1');
  writeFileSync(join(root, 'sql', 'not-a-root.sql'), 'SELECT 2');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('snapshot', () => {
  it('lists every file under folder roots and single-file roots, with / separators, and skips roots that do not exist', () => {
    const files = snapshot(root, [...roots, 'missing']);
    expect(Object.keys(files).sort()).toEqual(['sql/001.sql', 'src/a.ts', 'src/deep/b.ts']);
    expect(files['src/a.ts'][0]).toBe('export const a = 1;\n'.length);
  });
});

describe('staleReason', () => {
  it('is null for a tree whose manifest matches the sources', () => {
    writeManifest();
    expect(staleReason(dist, root)).toBeNull();
  });

  it('names a missing manifest, unreadable JSON and another build format', () => {
    expect(staleReason(dist, root)).toMatch(/no build-manifest\.json/);
    mkdirSync(dist);
    writeFileSync(join(dist, MANIFEST), '{not json');
    expect(staleReason(dist, root)).toMatch(/not readable JSON/);
    writeManifest({ format: BUILD_FORMAT + 1 });
    expect(staleReason(dist, root)).toMatch(/another build format/);
  });

  it('is stale when a file changes size, or only its modification time (a checkout, an edit of the same length)', () => {
    writeManifest();
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 10;\n');
    expect(staleReason(dist, root)).toBe('src/a.ts changed after the build');
    writeManifest();
    utimesSync(join(root, 'src', 'deep', 'b.ts'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(staleReason(dist, root)).toBe('src/deep/b.ts changed after the build');
  });

  it('is stale when a file is added to or removed from a root, and ignores files outside the roots', () => {
    writeManifest();
    writeFileSync(join(root, 'sql', 'not-a-root.sql'), 'SELECT 22');
    expect(staleReason(dist, root)).toBeNull();
    writeFileSync(join(root, 'src', 'c.ts'), '');
    expect(staleReason(dist, root)).toBe('src/c.ts was added after the build');
    unlinkSync(join(root, 'src', 'c.ts'));
    unlinkSync(join(root, 'sql', '001.sql'));
    expect(staleReason(dist, root)).toBe('sql/001.sql was removed after the build');
  });
});

describe('chooseRuntime', () => {
  it('runs the sources when asked to, whatever the tree', () => {
    expect(chooseRuntime({ OILWIRE_RUNTIME: 'tsx', OILWIRE_DIST: dist })).toEqual({ kind: 'tsx' });
  });

  it('falls back to the sources with the reason when the tree cannot be used, and fails instead when dist is required', () => {
    expect(chooseRuntime({ OILWIRE_DIST: dist })).toEqual({ kind: 'tsx', reason: expect.stringMatching(/no build-manifest\.json/) });
    expect(() => chooseRuntime({ OILWIRE_RUNTIME: 'dist', OILWIRE_DIST: dist })).toThrow(/OILWIRE_RUNTIME=dist but the compiled tree cannot be used: no build-manifest/);
  });

  it('rejects an unknown mode', () => {
    expect(() => chooseRuntime({ OILWIRE_RUNTIME: 'compiled' })).toThrow(/auto, dist or tsx/);
  });

  it('looks in dist/ beside the package unless OILWIRE_DIST names a folder', () => {
    expect(distDir({})).toMatch(/[/\\]dist$/);
    expect(distDir({ OILWIRE_DIST: dist })).toBe(dist);
  });
});
