import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors.ts';
import { storeError } from '../../../../shared/store/clickhouse-store.ts';

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
