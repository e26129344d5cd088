import { appendFile, mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { wrapError } from '../../../shared/errors.ts';
import type { ContentEntry } from '../domain/content-seen.ts';
import type { FeedState } from '../domain/feed-state.ts';
import type { ContentLog, FeedStateStore, SeenLog } from '../ports.ts';

export const FEEDS_FILE = 'feeds.json';
export const SEEN_FILE = 'seen.log';
export const CONTENT_FILE = 'content.log';

/** Write to a temporary file, flush, then rename: a crash leaves the old file or the new one, never half of one. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw wrapError('INTERNAL', err, `cannot read ${path}`);
  }
}

/** Per-feed state as one JSON document, `feeds.json` under the state folder. */
export class JsonFeedStateStore implements FeedStateStore {
  private readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, FEEDS_FILE);
  }

  async load(): Promise<Record<string, FeedState>> {
    const text = await readIfExists(this.path);
    if (text === undefined) return {};
    try {
      const doc = JSON.parse(text) as { version?: number; feeds?: Record<string, FeedState> };
      return doc.feeds ?? {};
    } catch {
      // A damaged state file costs one unconditional poll per feed, not a refusal to start.
      return {};
    }
  }

  async save(states: Record<string, FeedState>): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeAtomic(this.path, JSON.stringify({ version: 1, feeds: states }, null, 2) + '\n');
  }
}

/**
 * The seen-set as an append-only log, one `id<TAB>lastSeenMs` line per published or re-sighted
 * article; compaction rewrites it atomically. A torn last line (crash mid-append) is skipped.
 */
export class FileSeenLog implements SeenLog {
  private readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, SEEN_FILE);
  }

  async load(): Promise<[string, number][]> {
    const text = await readIfExists(this.path);
    if (!text) return [];
    const out: [string, number][] = [];
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab <= 0) continue;
      const ms = line.slice(tab + 1);
      if (/^\d+$/.test(ms)) out.push([line.slice(0, tab), Number(ms)]);
    }
    return out;
  }

  async append(entries: [string, number][]): Promise<void> {
    if (entries.length === 0) return;
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.path, entries.map(([id, at]) => `${id}\t${at}\n`).join(''));
  }

  async rewrite(entries: [string, number][]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeAtomic(this.path, entries.map(([id, at]) => `${id}\t${at}\n`).join(''));
  }
}

/**
 * Published content identities as an append-only log, one `contentId<TAB>publishedMs<TAB>lastSeenMs`
 * line each; compaction rewrites it atomically. A torn last line (crash mid-append) is skipped.
 */
export class FileContentLog implements ContentLog {
  private readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, CONTENT_FILE);
  }

  async load(): Promise<ContentEntry[]> {
    const text = await readIfExists(this.path);
    if (!text) return [];
    const out: ContentEntry[] = [];
    for (const line of text.split('\n')) {
      const m = /^([0-9a-f]{32})\t(-?\d+)\t(\d+)$/.exec(line);
      if (m) out.push([m[1], Number(m[2]), Number(m[3])]);
    }
    return out;
  }

  async append(entries: ContentEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.path, entries.map((e) => `${e.join('\t')}\n`).join(''));
  }

  async rewrite(entries: ContentEntry[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeAtomic(this.path, entries.map((e) => `${e.join('\t')}\n`).join(''));
  }
}

/** Reads feeds.json without the service (for `oilwire feeds`). */
export async function readFeedStates(dir: string): Promise<Record<string, FeedState>> {
  return new JsonFeedStateStore(dir).load();
}
