/**
 * The in-process bus's durable log: one append-only file of framed records (topics, messages,
 * consumer-group commits), read back at start. A publish resolves only after its records are
 * written and fsync'd, which is what lets a producer treat the publish as an acknowledgement
 * (ingest-news marks ids seen and keeps the feed's ETag on it). Concurrent appends share one
 * write and one fsync (group commit). The file is rewritten from what the bus still retains
 * when it has grown well past that (compaction: temporary file, fsync, rename).
 *
 * Frame: u32 body length, u32 CRC-32 of the body, body = u8 kind, u32 meta length, meta
 * (JSON), then the message value bytes. A torn or corrupt tail (a kill during a write) ends
 * the readable log and is cut off at open: what it held was never acknowledged.
 *
 * A write or fsync that fails (ENOSPC, EIO, ...) takes one path whatever the errno: every publish
 * in that group commit is rejected, and the file is cut back to the end of the last write that
 * succeeded. After a failed fsync the kernel may already have dropped the dirty pages and a second
 * fsync could report success without them reaching the disk, so those bytes are never fsync'd
 * again: they are cut off and the producer's retry writes them anew. Until a write succeeds again
 * `writeFailure()` says so (the bus's health, hence `/readyz`).
 *
 * One process at a time: `journal.lock` holds the owner's pid, and another live process's lock
 * refuses the open (`oilwire dlq replay` must not append to the journal of a running `oilwire start`).
 * A lock left by a dead process (kill -9), or by this very process (a bus dropped without close), is taken over.
 */
import { open, mkdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { AppError, wrapError } from '../errors.ts';
import type { IncomingMessage } from './port.ts';

export type JournalRecord =
  | { kind: 'topic'; topic: string; partitions: number }
  /** The partition's retained log starts at `offset` (written by compaction: offsets never restart). */
  | { kind: 'base'; topic: string; partition: number; offset: number }
  | { kind: 'message'; message: IncomingMessage }
  | { kind: 'commit'; group: string; topic: string; partition: number; offset: number };

const KIND = { topic: 1, base: 2, message: 3, commit: 4 } as const;
const HEADER = 8;

export function encodeRecord(r: JournalRecord): Buffer {
  let meta: unknown;
  let value: Buffer = Buffer.alloc(0);
  switch (r.kind) {
    case 'topic':
      meta = { t: r.topic, n: r.partitions };
      break;
    case 'base':
      meta = { t: r.topic, p: r.partition, o: r.offset };
      break;
    case 'commit':
      meta = { g: r.group, t: r.topic, p: r.partition, o: r.offset };
      break;
    case 'message': {
      const m = r.message;
      meta = { t: m.topic, p: m.partition, o: Number(m.offset), k: m.key, h: m.headers, ts: m.timestamp };
      value = m.value;
      break;
    }
  }
  const metaBuf = Buffer.from(JSON.stringify(meta), 'utf8');
  const bodyLen = 1 + 4 + metaBuf.length + value.length;
  const frame = Buffer.allocUnsafe(HEADER + bodyLen);
  frame.writeUInt32LE(bodyLen, 0);
  frame.writeUInt8(KIND[r.kind], HEADER);
  frame.writeUInt32LE(metaBuf.length, HEADER + 1);
  metaBuf.copy(frame, HEADER + 5);
  value.copy(frame, HEADER + 5 + metaBuf.length);
  frame.writeUInt32LE(crc32(frame.subarray(HEADER)), 4);
  return frame;
}

/** Reads records up to the first incomplete or corrupt frame; `validBytes` is where the good log ends. */
export function decodeRecords(data: Buffer): { records: JournalRecord[]; validBytes: number } {
  const records: JournalRecord[] = [];
  let pos = 0;
  while (pos + HEADER <= data.length) {
    const bodyLen = data.readUInt32LE(pos);
    if (bodyLen < 5 || pos + HEADER + bodyLen > data.length) break;
    const body = data.subarray(pos + HEADER, pos + HEADER + bodyLen);
    if (crc32(body) !== data.readUInt32LE(pos + 4)) break;
    const kind = body.readUInt8(0);
    const metaLen = body.readUInt32LE(1);
    if (5 + metaLen > body.length) break;
    let meta: Record<string, unknown>;
    try {
      meta = JSON.parse(body.subarray(5, 5 + metaLen).toString('utf8')) as Record<string, unknown>;
    } catch {
      break;
    }
    const t = String(meta.t);
    if (kind === KIND.topic) records.push({ kind: 'topic', topic: t, partitions: Number(meta.n) });
    else if (kind === KIND.base) records.push({ kind: 'base', topic: t, partition: Number(meta.p), offset: Number(meta.o) });
    else if (kind === KIND.commit) records.push({ kind: 'commit', group: String(meta.g), topic: t, partition: Number(meta.p), offset: Number(meta.o) });
    else if (kind === KIND.message) {
      records.push({
        kind: 'message',
        message: {
          topic: t,
          partition: Number(meta.p),
          offset: String(meta.o),
          key: String(meta.k),
          // A copy: the file buffer is dropped after reading.
          value: Buffer.from(body.subarray(5 + metaLen)),
          headers: (meta.h ?? {}) as Record<string, string>,
          timestamp: Number(meta.ts),
        },
      });
    } else break;
    pos += HEADER + bodyLen;
  }
  return { records, validBytes: pos };
}

interface AppendJob {
  kind: 'append';
  frames: Buffer[];
  durable: boolean;
  done: (err?: unknown) => void;
}

interface CompactJob {
  kind: 'compact';
  snapshot: () => JournalRecord[];
  done: (err?: unknown) => void;
}

/** The current run of failed writes (cleared by the next write that succeeds). */
export interface JournalWriteFailure {
  /** Epoch ms of the first failure of the run. */
  since: number;
  failures: number;
  errno?: string;
  error: string;
}

/** What an operator can do about a failed journal write, by errno. */
function remedy(errno: string | undefined): string {
  switch (errno) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'retry once the disk has room';
    case 'EIO':
      return 'the disk reported an I/O error: check the device (kernel log) before trusting it; the bytes of this write were cut off again and a retry writes them anew';
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return 'the journal folder is not writable';
    default:
      return 'retry once the journal can be written';
  }
}

export interface JournalOptions {
  /** fsync after each write that carries a publish (default true). Off only for throwaway data. */
  fsync?: boolean;
}

export class Journal {
  private queue: (AppendJob | CompactJob)[] = [];
  private draining?: Promise<void>;
  private closed = false;
  /** A failed write may have left part of itself after `size`: cut off before the next write. */
  private dirtyTail = false;
  /** Bytes in the file up to the last write that succeeded. */
  size: number;
  private failure?: JournalWriteFailure;

  private constructor(
    private fh: FileHandle,
    private readonly dir: string,
    size: number,
    private readonly fsync: boolean,
  ) {
    this.size = size;
  }

  static file(dir: string): string {
    return join(dir, 'journal.log');
  }

  private static async lock(dir: string): Promise<void> {
    const path = join(dir, 'journal.lock');
    let holder: number | undefined;
    try {
      holder = Number((await readFile(path, 'utf8')).trim());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (holder !== undefined && Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
      throw new AppError('BUS_UNAVAILABLE', `the bus journal in ${dir} is in use by process ${holder} (a running oilwire start?): stop it first`, {
        retryable: false,
        details: { reason: 'journal_locked', pid: holder },
      });
    }
    await writeFile(path, `${process.pid}\n`);
  }

  /** Opens (creating) the journal in `dir` and returns what it holds; a torn tail is cut off. */
  static async open(dir: string, options: JournalOptions = {}): Promise<{ journal: Journal; records: JournalRecord[]; truncatedBytes: number }> {
    try {
      await mkdir(dir, { recursive: true });
      await Journal.lock(dir);
      const path = Journal.file(dir);
      let data: Buffer;
      try {
        data = await readFile(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        data = Buffer.alloc(0);
      }
      const { records, validBytes } = decodeRecords(data);
      const fh = await open(path, 'a+');
      if (validBytes < data.length) await fh.truncate(validBytes);
      return { journal: new Journal(fh, dir, validBytes, options.fsync ?? true), records, truncatedBytes: data.length - validBytes };
    } catch (err) {
      throw wrapError('BUS_UNAVAILABLE', err, `opening the bus journal in ${dir}`);
    }
  }

  /** Resolves once the records are written (and, when `durable`, fsync'd). */
  append(records: JournalRecord[], durable: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new AppError('BUS_CLOSED', 'bus journal is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'append', frames: records.map(encodeRecord), durable, done: (err) => (err ? reject(err) : resolve()) });
      this.kick();
    });
  }

  /** Rewrites the file as `snapshot()` (taken when the rewrite starts, after every append queued before it). */
  compact(snapshot: () => JournalRecord[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'compact', snapshot, done: (err) => (err ? reject(err) : resolve()) });
      this.kick();
    });
  }

  private kick(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const head = this.queue[0];
      if (head.kind === 'compact') {
        this.queue.shift();
        try {
          await this.rewrite(head.snapshot());
          head.done();
        } catch (err) {
          head.done(wrapError('BUS_UNAVAILABLE', err, 'compacting the bus journal'));
        }
        continue;
      }
      // Every append queued up to the next compaction goes out in one write and one fsync.
      const jobs: AppendJob[] = [];
      while (this.queue.length && this.queue[0].kind === 'append') jobs.push(this.queue.shift() as AppendJob);
      const buf = Buffer.concat(jobs.flatMap((j) => j.frames));
      try {
        if (this.dirtyTail) await this.cutTail();
        // A full disk first takes part of a write (a short count), then refuses the rest: loop until all of it is in or it fails.
        for (let at = 0; at < buf.length; ) {
          const { bytesWritten } = await this.fh.write(buf, at, buf.length - at, null);
          if (bytesWritten <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
          at += bytesWritten;
        }
        if (this.fsync && jobs.some((j) => j.durable)) await this.fh.datasync();
        this.size += buf.length;
        // Only a write that went through fsync proves the disk takes writes again (a small commit record may fit where a publish does not, and skips fsync).
        if (!this.fsync || jobs.some((j) => j.durable)) this.failure = undefined;
        for (const j of jobs) j.done();
      } catch (err) {
        const errno = (err as NodeJS.ErrnoException).code;
        const wrapped = new AppError('BUS_UNAVAILABLE', `writing the bus journal in ${this.dir} failed (${errno ?? 'error'}: ${(err as Error).message}); nothing of this publish is acknowledged, ${remedy(errno)}`, {
          cause: err,
          details: { reason: 'journal_write_failed', ...(errno ? { errno } : {}) },
        });
        this.failure = { since: this.failure?.since ?? Date.now(), failures: (this.failure?.failures ?? 0) + 1, ...(errno ? { errno } : {}), error: wrapped.message };
        // Part of the write may be in the file: cut it off, or every later record would sit behind a torn frame and be lost at the next start.
        this.dirtyTail = true;
        await this.cutTail().catch(() => {});
        for (const j of jobs) j.done(wrapped);
      }
    }
  }

  /** Set while the last write failed (ENOSPC, EIO, ...): nothing is being acknowledged. */
  writeFailure(): JournalWriteFailure | undefined {
    return this.failure;
  }

  /** Truncates the file to the end of the last write that succeeded (fsync'd, when fsync is on). */
  private async cutTail(): Promise<void> {
    await this.fh.truncate(this.size);
    this.dirtyTail = false;
  }

  private async rewrite(records: JournalRecord[]): Promise<void> {
    const path = Journal.file(this.dir);
    const tmp = `${path}.compact`;
    const buf = Buffer.concat(records.map(encodeRecord));
    const out = await open(tmp, 'w');
    try {
      // writeFile loops over short writes: a compacted file missing its tail must never replace the journal.
      await out.writeFile(buf);
      if (this.fsync) await out.datasync();
    } finally {
      await out.close();
    }
    await rename(tmp, path);
    if (this.fsync) {
      // The rename itself must reach the disk before the old file's records are forgotten.
      const d = await open(this.dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    }
    const old = this.fh;
    this.fh = await open(path, 'a+');
    this.size = buf.length;
    await old.close().catch(() => {});
  }

  /** Writes whatever is queued, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.draining) await this.draining;
    if (this.fsync) await this.fh.datasync().catch(() => {});
    await this.fh.close();
    await rm(`${Journal.file(this.dir)}.compact`, { force: true });
    await rm(join(this.dir, 'journal.lock'), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
