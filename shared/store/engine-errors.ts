/**
 * What the engine's errors mean to oilwire, apart from the client and the engine (no I/O, nothing loaded), so that the
 * mapping is unit-tested and mutation-tested without chDB in the process: which errors pass (retryable), which say a
 * part on disk is damaged, which are an outage, and which damage the store can rebuild in place.
 */
import { AppError, wrapError } from '../errors.ts';

/**
 * Engine error types (ClickHouseError.type, the engine's own name for its error code) that pass. A full disk passes:
 * chDB refuses the insert ("Cannot reserve 1.00 MiB, not enough space") and takes it once there is room. Final, it
 * sent every batch in flight to the dead-letter topic (the chaos suite's full-disk moment lost them so).
 */
const TRANSIENT_ENGINE_ERRORS = new Set(['NOT_ENOUGH_SPACE', 'TOO_MANY_SIMULTANEOUS_QUERIES']);

/**
 * Engine error types that say a data part on disk is damaged: a part whose skip-index marks file a merge caught by a
 * full disk left empty answers CORRUPTED_DATA to every read that uses the index, until the part is moved aside (the
 * engine does that as it loads a table: at a restart, or at an ATTACH). Not the caller's fault and not final: the
 * store repairs it (`repair` in clickhouse-store.ts) and a retried read goes through; final, it dead-lettered the article in hand.
 */
export const DAMAGE_ENGINE_ERRORS = new Set(['CORRUPTED_DATA', 'CHECKSUM_DOESNT_MATCH', 'BAD_SIZE_OF_FILE_IN_DATA_PART']);

export function engineErrorType(err: unknown): string | undefined {
  const type = (err as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : undefined;
}

function isTransient(err: unknown): boolean {
  const e = err as { code?: string; message?: string; type?: string };
  if (e?.type && TRANSIENT_ENGINE_ERRORS.has(e.type)) return true;
  if (e?.code && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR_SOCKET|ENOSPC)$/.test(e.code)) return true;
  // Transport failures carry no engine type; an OS error text from below the engine neither.
  return /timeout|socket hang up|ECONNREFUSED|ECONNRESET|Too many simultaneous queries|MEMORY_LIMIT|No space left on device/i.test(e?.message ?? '');
}

/**
 * A memory limit passed (a server's answer names it; the embedded engine's MEMORY_LIMIT_EXCEEDED is not transient and
 * stays final): the load of the moment or the statement's own size, which fails the same way every time. Retryable, but
 * no outage: a bus consumer spends the message's bounded attempts on it instead of holding its partition for good.
 */
function isMemoryLimit(err: unknown): boolean {
  return /MEMORY_LIMIT/.test((err as { message?: string } | undefined)?.message ?? '');
}

/**
 * Vendor errors become AppErrors here, at the edge: transient ones are retryable, and an outage (the store away, its disk
 * full, a damaged part: see ERROR_CODES) unless they may be the statement's own doing.
 */
export function storeError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const type = engineErrorType(err);
  const text = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  if (type && DAMAGE_ENGINE_ERRORS.has(type)) return new AppError('STORE_UNAVAILABLE', text, { cause: err, details: { engineError: type } });
  if (!isTransient(err)) return wrapError('STORE_QUERY_FAILED', err, what);
  return isMemoryLimit(err) ? new AppError('STORE_UNAVAILABLE', text, { cause: err, outage: false }) : wrapError('STORE_UNAVAILABLE', err, what);
}

/** A skip index's own files in a part (`skp_idx_<index>.idx`, `.idx2`, marks `.mrk*` / `.cmrk*`): the group is the index's name. */
const SKIP_INDEX_FILE = /\bskp_idx_([A-Za-z0-9_]+)\.(?:idx2?|c?mrk\d*)\b/g;
/** Any file of a part a check message may name (columns, marks, primary key, checksums, metadata). */
const PART_FILE = /\b[A-Za-z0-9_%.-]+\.(?:bin|idx2?|c?mrk\d*|c?idx|txt|json|packed)\b/g;

/**
 * The skip indexes to rebuild when every broken part is broken only in skip-index files (what a merge caught by a full
 * disk left: an empty marks file), as `table -> index names`; undefined when any part names another file, or none.
 */
export function skipIndexDamage(broken: { table: string; message: string }[]): Map<string, Set<string>> | undefined {
  const byTable = new Map<string, Set<string>>();
  for (const b of broken) {
    const indexes = [...b.message.matchAll(SKIP_INDEX_FILE)].map((m) => m[1]!);
    const others = b.message.replace(SKIP_INDEX_FILE, '').match(PART_FILE) ?? [];
    if (indexes.length === 0 || others.length > 0) return undefined;
    const set = byTable.get(b.table) ?? new Set<string>();
    for (const i of indexes) set.add(i);
    byTable.set(b.table, set);
  }
  return byTable.size > 0 ? byTable : undefined;
}
