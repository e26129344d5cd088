import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../../shared/errors.ts';
import { redactText, redactUrl } from '../../../shared/runtime/redact.ts';
import type { FeedFetcher, FetchRequest, FetchResponse } from '../ports.ts';

export interface FileFetcherOptions {
  maxBytes: number;
}

function fail(message: string, cause: unknown, retryable: boolean): AppError {
  return new AppError('FEED_FETCH_FAILED', message, { cause, details: { reason: 'file_error' }, retryable });
}

/**
 * Feeds on disk (a local path or a file:// URL), answered the way a server would: a validator
 * made from size and mtime, so an unchanged file answers 304 and the poller's conditional-GET
 * path is the same for files and the web; a file past the size cap is refused before it is read.
 */
export class FileFeedFetcher implements FeedFetcher {
  constructor(private readonly options: FileFetcherOptions) {}

  async fetch(request: FetchRequest): Promise<FetchResponse> {
    let path: string;
    try {
      path = request.url.startsWith('file:') ? fileURLToPath(request.url) : request.url;
    } catch (err) {
      throw fail(`invalid file URL ${request.url}`, err, false);
    }
    try {
      const info = await stat(path);
      if (info.size > this.options.maxBytes) {
        throw new AppError('INPUT_TOO_LARGE', `feed ${redactUrl(request.url)} is larger than ${this.options.maxBytes} bytes`, { details: { reason: 'too_large' } });
      }
      const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      const headers = { etag, lastModified: info.mtime.toUTCString() };
      if (request.etag === etag) return { status: 304, url: request.url, redirects: 0, headers };
      const body = await readFile(path);
      return { status: 200, url: request.url, redirects: 0, headers, body };
    } catch (err) {
      if (err instanceof AppError) throw err;
      const e = err as { message?: string };
      throw fail(`cannot read feed file ${path}: ${redactText(e?.message ?? String(err))}`, err, true);
    }
  }
}
