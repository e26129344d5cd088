import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { AppError, ERROR_CODES, type ErrorCode, isAppError, isOutage, isRetryable, wrapError } from '../../../shared/errors.ts';

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

describe('AppError, wrapError, isRetryable, isAppError', () => {
  it('is an Error named AppError, with a cause only when given one', () => {
    const plain = new AppError('NOT_FOUND', 'no such feed');
    expect(plain).toBeInstanceOf(Error);
    expect([plain.name, plain.message, plain.code]).toEqual(['AppError', 'no such feed', 'NOT_FOUND']);
    expect(String(plain)).toBe('AppError: no such feed');
    expect('cause' in plain).toBe(false);
    expect(plain.details).toBeUndefined();
    const cause = new Error('ENOENT');
    expect(new AppError('NOT_FOUND', 'x', { cause }).cause).toBe(cause);
    // A falsy cause is still a cause.
    expect(new AppError('NOT_FOUND', 'x', { cause: 0 })).toHaveProperty('cause', 0);
  });

  it('takes its retryable flag and status from the catalogue unless told, for every code', () => {
    for (const code of CODES) {
      const e = new AppError(code, 'm');
      expect({ code, retryable: e.retryable, outage: e.outage, http: e.httpStatus }).toEqual({ code, ...ERROR_CODES[code] });
      expect(new AppError(code, 'm', { retryable: !ERROR_CODES[code].retryable }).retryable).toBe(!ERROR_CODES[code].retryable);
    }
  });

  it('puts code, message, retryable and details, when there are any, in its JSON', () => {
    expect(new AppError('INPUT_INVALID', 'bad horizon', { details: { field: 'horizon' } }).toJSON()).toEqual({ code: 'INPUT_INVALID', message: 'bad horizon', retryable: false, details: { field: 'horizon' } });
    expect(JSON.parse(JSON.stringify(new AppError('RATE_LIMITED', 'slow down')))).toEqual({ code: 'RATE_LIMITED', message: 'slow down', retryable: true });
    expect(new AppError('INPUT_INVALID', 'x', { details: { field: 'horizon' } }).details).toEqual({ field: 'horizon' });
  });

  it('wraps an Error by its message, anything else by its text, with a prefix only when given', () => {
    const err = new Error('socket hang up');
    const plain = wrapError('BUS_UNAVAILABLE', err);
    expect(plain).toBeInstanceOf(AppError);
    expect([plain.code, plain.message, plain.retryable, plain.cause]).toEqual(['BUS_UNAVAILABLE', 'socket hang up', true, err]);
    expect(wrapError('INTERNAL', 'just a string').message).toBe('just a string');
    expect(wrapError('INTERNAL', 42, 'worker').message).toBe('worker: 42');
    expect(wrapError('INTERNAL', undefined).message).toBe('undefined');
    expect(wrapError('INTERNAL', err, '').message).toBe('socket hang up');
    expect(wrapError('INTERNAL', 'x').cause).toBe('x');
  });

  it('counts anything but a final AppError as retryable, and only an AppError as an AppError', () => {
    expect(isRetryable(new AppError('SCHEMA_INVALID', 'bad'))).toBe(false);
    expect(isRetryable(new AppError('BUS_TIMEOUT', 'slow'))).toBe(true);
    expect(isRetryable(new AppError('BUS_TIMEOUT', 'slow', { retryable: false }))).toBe(false);
    expect(isRetryable(new Error('ECONNRESET'))).toBe(true);
    expect(isRetryable({ retryable: false })).toBe(true);
    expect(isAppError(new AppError('INTERNAL', 'x'))).toBe(true);
    expect(isAppError(new Error('x'))).toBe(false);
    expect(isAppError({ code: 'INTERNAL', retryable: false })).toBe(false);
  });
});

describe('ERROR_CODES as loaded', () => {
  // Loaded afresh inside the test: the catalogue is built while the module loads, before any test runs.
  it('has exactly the codes of docs/errors.md, each with its documented flags and status', async () => {
    vi.resetModules();
    const fresh = (await import('../../../shared/errors.ts')).ERROR_CODES as Record<string, { retryable: boolean; outage: boolean; http: number }>;
    expect(Object.keys(fresh).sort()).toEqual([...rows.keys()].sort());
    for (const [code, row] of rows) expect({ code, ...fresh[code] }).toEqual({ code, retryable: row.retryable, outage: row.outage, http: row.http });
  });
});
