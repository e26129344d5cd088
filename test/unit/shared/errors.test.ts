import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, type ErrorCode, isOutage, wrapError } from '../../../shared/errors.ts';

// The closed list of codes is only useful if each one is raised somewhere and documented.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'static' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

// Source that raises errors: every service, shared/ and the CLI (tests and the catalogue itself excluded).
const sources = ['services', 'shared', 'cli']
  .flatMap((d) => sourceFiles(join(root, d)))
  .filter((p) => relative(root, p) !== join('shared', 'errors.ts'))
  .map((p) => ({ path: relative(root, p), text: readFileSync(p, 'utf8') }));

/** Files that raise `code`: the literal passed to AppError or wrapError, or handed to a helper in a file that builds one. */
function raisers(code: ErrorCode): string[] {
  const direct = new RegExp(`(new AppError|wrapError)\\(\\s*'${code}'`);
  const literal = new RegExp(`'${code}'`);
  return sources.filter((s) => direct.test(s.text) || (literal.test(s.text) && /new AppError\(|wrapError\(/.test(s.text))).map((s) => s.path);
}

const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
const rows = new Map(
  [...doc.matchAll(/^\| `([A-Z_]+)` \| (yes|no) \| (yes|no) \| (\d{3}) \| (.+) \|$/gm)].map((m) => [
    m[1]!,
    { retryable: m[2] === 'yes', outage: m[3] === 'yes', http: Number(m[4]), text: m[5]!.trim() },
  ]),
);

describe('error catalogue', () => {
  it.each(CODES)('%s is raised somewhere in the source', (code) => {
    expect(raisers(code), `no file in services/, shared/ or cli/ raises ${code}: remove it from ERROR_CODES or raise it`).not.toEqual([]);
  });

  it.each(CODES)('%s is documented in docs/errors.md with its retryable and outage flags and HTTP status', (code) => {
    const row = rows.get(code);
    expect(row, `add a row for ${code} to docs/errors.md`).toBeDefined();
    const { retryable, outage, http } = ERROR_CODES[code];
    expect({ retryable: row?.retryable, outage: row?.outage, http: row?.http }).toEqual({ retryable, outage, http });
    expect(row?.text.length).toBeGreaterThan(10);
  });

  it('has no outage code that is final: a consumer would wait out what no retry can fix', () => {
    expect(CODES.filter((c) => ERROR_CODES[c].outage && !ERROR_CODES[c].retryable)).toEqual([]);
    expect(CODES.filter((c) => ERROR_CODES[c].outage).sort()).toEqual(['BUS_TIMEOUT', 'BUS_UNAVAILABLE', 'STORE_UNAVAILABLE']);
  });

  it('an AppError is an outage as its code says unless told otherwise, never when final; isOutage is false for anything else', () => {
    expect(new AppError('STORE_UNAVAILABLE', 'down')).toMatchObject({ retryable: true, outage: true });
    expect(new AppError('STORE_UNAVAILABLE', 'this batch', { outage: false })).toMatchObject({ retryable: true, outage: false });
    expect(new AppError('STORE_UNAVAILABLE', 'made final', { retryable: false })).toMatchObject({ retryable: false, outage: false });
    expect(new AppError('INTERNAL', 'worker died', { retryable: true })).toMatchObject({ retryable: true, outage: false });
    expect(new AppError('INTERNAL', 'worker died', { retryable: true, outage: true })).toMatchObject({ retryable: true, outage: true });
    expect(new AppError('SCHEMA_INVALID', 'bad', { outage: true }).outage).toBe(false);
    expect(wrapError('STORE_UNAVAILABLE', new Error('ECONNREFUSED')).outage).toBe(true);
    expect(isOutage(new AppError('BUS_TIMEOUT', 'slow'))).toBe(true);
    expect(isOutage(new AppError('FEED_FETCH_FAILED', 'one feed'))).toBe(false);
    expect(isOutage(new Error('ECONNREFUSED'))).toBe(false);
    expect(isOutage({ outage: true })).toBe(false);
  });

  it('documents no code that does not exist', () => {
    expect([...rows.keys()].filter((c) => !(c in ERROR_CODES))).toEqual([]);
  });

  it('an AppError carries its code, the catalogue flag and status unless overridden, and wrapError keeps an AppError', () => {
    const e = new AppError('BUS_TIMEOUT', 'slow');
    expect(e.toJSON()).toEqual({ code: 'BUS_TIMEOUT', message: 'slow', retryable: true });
    expect(e.httpStatus).toBe(504);
    expect(new AppError('BUS_TIMEOUT', 'slow', { retryable: false }).retryable).toBe(false);
    expect(wrapError('INTERNAL', e)).toBe(e);
    const wrapped = wrapError('STORE_UNAVAILABLE', new Error('ECONNREFUSED'), 'opening the store');
    expect(wrapped).toMatchObject({ code: 'STORE_UNAVAILABLE', message: 'opening the store: ECONNREFUSED', retryable: true });
    expect(wrapped.cause).toBeInstanceOf(Error);
  });
});
