import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, ERROR_CODES, type ErrorCode } from '../shared/errors.ts';
import type { RootConfig } from './config.ts';

/**
 * A running `oilwire start` holds the embedded store's folder lock, so other commands reach its
 * data through its API instead (with the API's own analyst limits and read-only rules).
 */
export function runningApiBase(config: RootConfig): string {
  const host = ['0.0.0.0', '::'].includes(config.api.host) ? '127.0.0.1' : config.api.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.api.port}`;
}

export function runningApiHeaders(config: RootConfig, accept: string): Record<string, string> {
  const headers: Record<string, string> = { accept };
  const token = config.api.tokens[0];
  const secret = typeof token === 'string' ? token : token?.token;
  if (secret) headers.authorization = `Bearer ${secret}`;
  return headers;
}

/**
 * Runs a query through a running API. Null when no API answers at the configured address (nothing
 * running); an AppError with the API's own code and message when it answers with a refusal.
 */
export async function queryRunningApi(config: RootConfig, query: string, timeoutMs = 60_000): Promise<Record<string, unknown>[] | null> {
  let res: Response;
  try {
    res = await fetch(`${runningApiBase(config)}/sql`, {
      method: 'POST',
      headers: { ...runningApiHeaders(config, 'application/x-ndjson'), 'content-type': 'application/sql' },
      body: query,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return null;
  }
  const text = await res.text();
  if (!res.ok) {
    let body: { error?: string; message?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not our API's error shape: report the status alone.
    }
    const code = Object.hasOwn(ERROR_CODES, body.error ?? '') ? (body.error as ErrorCode) : 'STORE_QUERY_FAILED';
    throw new AppError(code, `the running oilwire API refused the query (${res.status}): ${body.message ?? text.slice(0, 200)}`);
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * The process holding an embedded store's folder, if one is running: the engine writes its PID to
 * `<folder>/status` while it holds the lock and removes the file on close. A stale file (a crash)
 * names a dead process. Only a hint that saves the engine's own lock error on stderr: opening
 * the store stays the fallback either way.
 */
export function embeddedStoreHolder(folder: string): number | null {
  let text: string;
  try {
    text = readFileSync(join(folder, 'status'), 'utf8');
  } catch {
    return null;
  }
  const pid = Number(/^PID:\s*(\d+)\s*$/m.exec(text)?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    // EPERM: alive, owned by another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}
