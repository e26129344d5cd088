import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors.ts';
import { engineErrorType, skipIndexDamage, storeError } from '../../../../shared/store/engine-errors.ts';

/** An engine error as @clickhouse/client hands it over: the message, and the engine's error name in `type`. */
function engineError(message: string, type?: string, code?: string): Error {
  return Object.assign(new Error(message), type ? { type } : {}, code ? { code } : {});
}

describe('storeError', () => {
  it('makes the store being away, its disk full and a damaged part retryable outages: a consumer waits them out', () => {
    for (const err of [
      engineError('connect ECONNREFUSED 127.0.0.1:8123', undefined, 'ECONNREFUSED'),
      engineError('Cannot reserve 1.00 MiB, not enough space', 'NOT_ENOUGH_SPACE'),
      engineError('Timeout error.'),
    ]) {
      expect(storeError(err, 'insert')).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, outage: true });
    }
    expect(storeError(engineError("Empty marks file 'x.cmrk4'", 'CORRUPTED_DATA'), 'query')).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, outage: true, details: { engineError: 'CORRUPTED_DATA' } });
  });

  it("makes a server's memory limit retryable but no outage: the statement may pass the limit every time, so its attempts stay bounded", () => {
    const err = storeError(engineError('Code: 241. DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB. (MEMORY_LIMIT_EXCEEDED)'), 'insert into news_store');
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, outage: false });
    expect(err.message).toBe('insert into news_store: Code: 241. DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB. (MEMORY_LIMIT_EXCEEDED)');
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('leaves a rejected statement final and an AppError as it is', () => {
    expect(storeError(engineError('Unknown table expression identifier', 'UNKNOWN_TABLE'), 'query')).toMatchObject({ code: 'STORE_QUERY_FAILED', retryable: false, outage: false });
    // The embedded engine's memory limit names itself only in `type`: final, as before.
    expect(storeError(engineError('Query memory limit exceeded: would use 1.06 MiB', 'MEMORY_LIMIT_EXCEEDED'), 'query')).toMatchObject({ code: 'STORE_QUERY_FAILED', retryable: false });
    const own = new AppError('INPUT_INVALID', 'bad setting');
    expect(storeError(own, 'query')).toBe(own);
  });
});

describe('skipIndexDamage', () => {
  const check = (table: string, message: string) => ({ table, message });

  it('names the skip indexes to rebuild, per table, when every broken part is broken only in skip-index files', () => {
    const damage = skipIndexDamage([
      check('news_store', 'Code: 228. DB::Exception: Unexpected size of file skp_idx_content_id_idx.cmrk4 in data part all_1_3_2 (24 vs 0). (BAD_SIZE_OF_FILE_IN_DATA_PART) (version 26.7.2.1)'),
      check('news_store', "Empty marks file '/data/store/7db/all_4_9_1/skp_idx_content_id_idx.cmrk4': 0, must be: 24"),
      check('impact_store', 'Checksum doesn\'t match: corrupted data. Reference: x. Actual: y. Size of compressed block: 9. The mismatch is caused by file skp_idx_by_z.idx2'),
    ]);
    expect(damage).toEqual(new Map([
      ['news_store', new Set(['content_id_idx'])],
      ['impact_store', new Set(['by_z'])],
    ]));
  });

  it('names nothing when a part is broken in any other file, or no file is named: those parts are moved aside instead', () => {
    expect(skipIndexDamage([check('news_store', 'Unexpected size of file data.cmrk4 in data part all_1_3_2 (169 vs 0). (BAD_SIZE_OF_FILE_IN_DATA_PART)')])).toBeUndefined();
    expect(skipIndexDamage([check('news_store', 'Unexpected size of file skp_idx_content_id_idx.cmrk4 and of title.bin in data part all_1_3_2')])).toBeUndefined();
    expect(
      skipIndexDamage([
        check('news_store', 'Unexpected size of file skp_idx_content_id_idx.cmrk4 in data part all_1_3_2'),
        check('news_store', 'Cannot read all data in part all_5_5_0: primary.cidx'),
      ]),
    ).toBeUndefined();
    expect(skipIndexDamage([check('news_store', 'No such part in checksums.txt')])).toBeUndefined();
    expect(skipIndexDamage([check('news_store', 'Part is broken')])).toBeUndefined();
    expect(skipIndexDamage([])).toBeUndefined();
  });
});

describe('storeError and skipIndexDamage at their edges (found by mutation testing)', () => {
  it('reads every engine type of each list by its type alone, whatever the message says', () => {
    expect(storeError(engineError('busy', 'TOO_MANY_SIMULTANEOUS_QUERIES'), 'q')).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, outage: true });
    for (const type of ['CORRUPTED_DATA', 'CHECKSUM_DOESNT_MATCH', 'BAD_SIZE_OF_FILE_IN_DATA_PART']) {
      expect(storeError(engineError('broken', type), 'q')).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { engineError: type } });
    }
  });
  it('reads a transport code alone, whole: a code of the list passes, another code or a code that only contains one is final', () => {
    for (const code of ['EPIPE', 'ECONNRESET', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'ENOSPC']) {
      expect(storeError(engineError('write failed', undefined, code), 'q')).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    }
    for (const code of ['ENOENT', 'XEPIPE', 'EPIPEX']) {
      expect(storeError(engineError('write failed', undefined, code), 'q')).toMatchObject({ code: 'STORE_QUERY_FAILED', retryable: false });
    }
  });
  it('takes what is not an error object at all as a final failure, and reads a type only when it is text', () => {
    expect(storeError(undefined, 'q')).toMatchObject({ code: 'STORE_QUERY_FAILED' });
    expect(storeError(null, 'q')).toMatchObject({ code: 'STORE_QUERY_FAILED' });
    expect(engineErrorType(undefined)).toBeUndefined();
    expect(engineErrorType({ type: 42 })).toBeUndefined();
    expect(engineErrorType({ type: 'CORRUPTED_DATA' })).toBe('CORRUPTED_DATA');
  });
  it('leaves an AppError as it is even when its text reads as a memory limit', () => {
    const own = new AppError('STORE_QUERY_FAILED', 'MEMORY_LIMIT of the last try');
    expect(storeError(own, 'q')).toBe(own);
  });
  it('knows the skip-index files without a digit or a c (.idx, .mrk) and other files with one (.mrk2)', () => {
    const one = (message: string) => skipIndexDamage([{ table: 't', message }]);
    expect(one('Unexpected size of file skp_idx_a.idx in data part all_1_1_0')).toEqual(new Map([['t', new Set(['a'])]]));
    expect(one('Empty marks file skp_idx_b.mrk in data part all_1_1_0')).toEqual(new Map([['t', new Set(['b'])]]));
    expect(one('Empty marks file skp_idx_c.mrk12 in data part all_1_1_0')).toEqual(new Map([['t', new Set(['c'])]]));
    expect(one('Broken skp_idx_a.idx and data.mrk2 in data part all_1_1_0')).toBeUndefined();
    expect(one('Broken skp_idx_a.idx and data.mrk in data part all_1_1_0')).toBeUndefined();
  });
});
