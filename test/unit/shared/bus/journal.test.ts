import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeRecords, encodeRecord, Journal, type JournalRecord } from '../../../../shared/bus/journal.ts';
import type { IncomingMessage } from '../../../../shared/bus/port.ts';

/** The journal's frame format (u32 body length, u32 CRC-32 of the body, u8 kind, u32 meta length, meta JSON, value) and its file: lock, torn tails, group commit, failures, compaction. */

const message = (offset: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
  topic: 'news.raw',
  partition: 2,
  offset,
  key: `k${offset}`,
  value: Buffer.from(`value ${offset}`),
  headers: { origin: 'feed' },
  timestamp: 1_700_000_000_000,
  ...extra,
});

/** A frame written by hand from the documented layout, so that each check of the reader can be hit on its own. */
function frame(kind: number, meta: string, value: Buffer = Buffer.alloc(0), opts: { metaLen?: number; crc?: number; bodyLen?: number } = {}): Buffer {
  const metaBuf = Buffer.from(meta, 'utf8');
  const body = Buffer.alloc(5 + metaBuf.length + value.length);
  body.writeUInt8(kind, 0);
  body.writeUInt32LE(opts.metaLen ?? metaBuf.length, 1);
  metaBuf.copy(body, 5);
  value.copy(body, 5 + metaBuf.length);
  const head = Buffer.alloc(8);
  head.writeUInt32LE(opts.bodyLen ?? body.length, 0);
  head.writeUInt32LE(opts.crc ?? crc32(body), 4);
  return Buffer.concat([head, body]);
}

describe('encodeRecord and decodeRecords', () => {
  const records: JournalRecord[] = [
    { kind: 'topic', topic: 'news.raw', partitions: 4 },
    { kind: 'base', topic: 'news.raw', partition: 1, offset: 17 },
    { kind: 'message', message: message('41') },
    { kind: 'commit', group: 'scorer', topic: 'news.raw', partition: 3, offset: 9 },
  ];

  it('reads back every kind of record as it was written, and where the log ends', () => {
    const data = Buffer.concat(records.map(encodeRecord));
    expect(decodeRecords(data)).toEqual({ records, validBytes: data.length });
  });

  it('writes the documented frame: body length, CRC-32 of the body, kind byte, meta length, meta JSON, then the value bytes', () => {
    const f = encodeRecord({ kind: 'message', message: message('5') });
    const bodyLen = f.readUInt32LE(0);
    expect(f.length).toBe(8 + bodyLen);
    expect(f.readUInt32LE(4)).toBe(crc32(f.subarray(8)));
    expect(f.readUInt8(8)).toBe(3);
    const metaLen = f.readUInt32LE(9);
    expect(JSON.parse(f.subarray(13, 13 + metaLen).toString('utf8'))).toEqual({ t: 'news.raw', p: 2, o: 5, k: 'k5', h: { origin: 'feed' }, ts: 1_700_000_000_000 });
    expect(f.subarray(13 + metaLen).toString()).toBe('value 5');
    expect(encodeRecord(records[0]!).readUInt8(8)).toBe(1);
    expect(encodeRecord(records[1]!).readUInt8(8)).toBe(2);
    expect(encodeRecord(records[3]!).readUInt8(8)).toBe(4);
    expect(encodeRecord(records[0]!).length).toBe(8 + 5 + JSON.stringify({ t: 'news.raw', n: 4 }).length);
  });

  it('keeps a value with every byte value, and its own copy of it', () => {
    const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const data = encodeRecord({ kind: 'message', message: message('1', { value }) });
    const [r] = decodeRecords(data).records;
    expect(r?.kind === 'message' && r.message.value).toEqual(value);
    data.fill(0);
    expect(r?.kind === 'message' && r.message.value).toEqual(value);
  });

  it('stops at the first frame that is incomplete or corrupt, and says where the good log ends', () => {
    const good = Buffer.concat(records.slice(0, 2).map(encodeRecord));
    const next = encodeRecord(records[2]!);
    const cases: Array<[string, Buffer]> = [
      ['a header cut short', next.subarray(0, 7)],
      ['a body cut short', next.subarray(0, next.length - 1)],
      ['a body shorter than kind and meta length', frame(1, '', Buffer.alloc(0), { bodyLen: 4 })],
      ['a wrong checksum', frame(1, '{"t":"x","n":1}', Buffer.alloc(0), { crc: 12345 })],
      ['a meta length past the body', frame(1, '{"t":"x","n":1}', Buffer.alloc(0), { metaLen: 16 })],
      ['meta that is not JSON', frame(1, '{"t":')],
      ['an unknown kind', frame(9, '{"t":"x"}')],
    ];
    for (const [what, tail] of cases) {
      const data = Buffer.concat([good, tail, encodeRecord(records[3]!)]);
      expect({ what, ...decodeRecords(data) }).toEqual({ what, records: records.slice(0, 2), validBytes: good.length });
    }
    expect(decodeRecords(Buffer.alloc(0))).toEqual({ records: [], validBytes: 0 });
  });

  it('stops at a whole frame whose body, checksum right, is too short to hold a kind and a meta length', () => {
    const body = Buffer.from([1, 0, 0, 0]);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(body.length, 0);
    head.writeUInt32LE(crc32(body), 4);
    const good = encodeRecord(records[0]!);
    expect(decodeRecords(Buffer.concat([good, head, body]))).toEqual({ records: [records[0]], validBytes: good.length });
  });

  it('reads a frame whose meta fills the body exactly, and the smallest body', () => {
    const exact = frame(1, '{"t":"x","n":2}');
    expect(decodeRecords(exact)).toEqual({ records: [{ kind: 'topic', topic: 'x', partitions: 2 }], validBytes: exact.length });
    // Kind and a meta length of 0 are a whole body (5 bytes); meta '' is not JSON, so it ends the log there.
    expect(decodeRecords(frame(1, '')).validBytes).toBe(0);
  });

  it('reads a message written without headers as having none', () => {
    const f = frame(3, JSON.stringify({ t: 'a', p: 0, o: 3, k: 'k', ts: 5 }), Buffer.from('v'));
    expect(decodeRecords(f).records).toEqual([{ kind: 'message', message: { topic: 'a', partition: 0, offset: '3', key: 'k', value: Buffer.from('v'), headers: {}, timestamp: 5 } }]);
  });
});

describe('Journal', () => {
  const dirs: string[] = [];
  const journals: Journal[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'oilwire-journal-unit-'));
    dirs.push(d);
    return d;
  };
  const openJournal = async (dir: string, options?: { fsync?: boolean }) => {
    const opened = await Journal.open(dir, options);
    journals.push(opened.journal);
    return opened;
  };
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(journals.splice(0).map((j) => j.close().catch(() => {})));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** FileHandle is not exported: its prototype (shared by every handle, the journal's too) is taken from a handle. */
  async function fileHandleProto(): Promise<FileHandle> {
    const fh = await open(join(tempDir(), 'probe'), 'w');
    await fh.close();
    return Object.getPrototypeOf(fh) as FileHandle;
  }

  /** Every FileHandle's write (or datasync) rejects with `code` while armed: the errno a failing disk gives. */
  async function failWrites(code: string, on: 'write' | 'datasync' = 'write') {
    const proto = await fileHandleProto();
    const real = proto[on] as (...args: unknown[]) => Promise<unknown>;
    let armed = true;
    vi.spyOn(proto, on).mockImplementation(function (this: FileHandle, ...args: unknown[]) {
      return armed ? Promise.reject(Object.assign(new Error(`${code}: failed, ${on}`), { code })) : real.apply(this, args);
    } as never);
    return { disarm: () => void (armed = false) };
  }

  it('creates its folder, starts empty, and reads back what was appended, in order, after a reopen', async () => {
    const dir = join(tempDir(), 'a', 'bus');
    const { journal, records, truncatedBytes } = await openJournal(dir);
    expect([records, truncatedBytes, journal.size]).toEqual([[], 0, 0]);
    const first: JournalRecord[] = [{ kind: 'topic', topic: 't', partitions: 2 }, { kind: 'message', message: message('0', { topic: 't' }) }];
    const second: JournalRecord[] = [{ kind: 'commit', group: 'g', topic: 't', partition: 0, offset: 1 }];
    await Promise.all([journal.append(first, true), journal.append(second, false)]);
    const bytes = Buffer.concat([...first, ...second].map(encodeRecord)).length;
    expect(journal.size).toBe(bytes);
    expect(statSync(Journal.file(dir)).size).toBe(bytes);
    await journal.close();
    const again = await openJournal(dir);
    expect(again.records).toEqual([...first, ...second]);
    expect(again.journal.size).toBe(bytes);
  });

  it('cuts a torn tail off at open and says how many bytes it dropped; later appends follow the good log', async () => {
    const dir = tempDir();
    const good = encodeRecord({ kind: 'topic', topic: 't', partitions: 1 });
    const torn = encodeRecord({ kind: 'message', message: message('0', { topic: 't', partition: 0 }) }).subarray(0, 20);
    writeFileSync(Journal.file(dir), Buffer.concat([good, torn]));
    const { journal, records, truncatedBytes } = await openJournal(dir);
    expect([records, truncatedBytes, journal.size]).toEqual([[{ kind: 'topic', topic: 't', partitions: 1 }], 20, good.length]);
    expect(statSync(Journal.file(dir)).size).toBe(good.length);
    const commit: JournalRecord = { kind: 'commit', group: 'g', topic: 't', partition: 0, offset: 0 };
    await journal.append([commit], true);
    await journal.close();
    expect((await openJournal(dir)).records).toEqual([{ kind: 'topic', topic: 't', partitions: 1 }, commit]);
  });

  it('writes its pid into journal.lock and removes the lock and any compaction leftover at close', async () => {
    const dir = tempDir();
    const { journal } = await openJournal(dir);
    expect(readFileSync(join(dir, 'journal.lock'), 'utf8')).toBe(`${process.pid}\n`);
    writeFileSync(`${Journal.file(dir)}.compact`, 'leftover');
    await journal.close();
    expect([existsSync(join(dir, 'journal.lock')), existsSync(`${Journal.file(dir)}.compact`), existsSync(Journal.file(dir))]).toEqual([false, false, true]);
    // A second close is a no-op, and a closed journal refuses appends and ignores compactions.
    await journal.close();
    await expect(journal.append([{ kind: 'topic', topic: 't', partitions: 1 }], true)).rejects.toMatchObject({ code: 'BUS_CLOSED', message: 'bus journal is closed' });
    await expect(journal.compact(() => [])).resolves.toBeUndefined();
    // ... and does not rewrite the file it closed.
    const file = readFileSync(Journal.file(dir));
    await journal.compact(() => [{ kind: 'topic', topic: 'other', partitions: 9 }]);
    expect(readFileSync(Journal.file(dir))).toEqual(file);
  });

  it('writes the rest of a record after a short write, as the disk takes it', async () => {
    const dir = tempDir();
    const { journal } = await openJournal(dir);
    const proto = await fileHandleProto();
    const real = proto.write as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
    let calls = 0;
    vi.spyOn(proto, 'write').mockImplementation(function (this: FileHandle, ...args: unknown[]) {
      const [buf, offset, length, position] = args as [Buffer, number, number, null];
      calls++;
      return real.call(this, buf, offset, Math.min(length, 100), position);
    } as never);
    const rec: JournalRecord = { kind: 'message', message: message('0', { value: Buffer.alloc(450, 7) }) };
    await journal.append([rec], true);
    vi.restoreAllMocks();
    expect(calls).toBeGreaterThan(4);
    await journal.close();
    expect((await openJournal(dir)).records).toEqual([rec]);
  });

  it('refuses a journal locked by another live process, final and naming it; takes over a lock of a dead process, of its own, or unreadable', async () => {
    const dir = tempDir();
    const lock = join(dir, 'journal.lock');
    // The parent process is alive and not this one.
    writeFileSync(lock, `${process.ppid}\n`);
    const err = await Journal.open(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: false, details: { reason: 'journal_locked', pid: process.ppid } });
    expect((err as Error).message).toContain(`the bus journal in ${dir} is in use by process ${process.ppid} (a running oilwire start?): stop it first`);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.ppid}\n`);

    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    for (const holder of [`${dead}\n`, `${process.pid}\n`, 'not a pid\n', '0\n', '-5\n', '12.5\n', '']) {
      writeFileSync(lock, holder);
      const { journal } = await Journal.open(dir);
      expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
      await journal.close();
    }
  });

  it('wraps an open that fails as BUS_UNAVAILABLE naming the folder', async () => {
    const file = join(tempDir(), 'plain-file');
    writeFileSync(file, 'x');
    await expect(Journal.open(join(file, 'bus'))).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', message: expect.stringContaining(`opening the bus journal in ${join(file, 'bus')}`) });
  });

  it('refuses a write that fails with the errno and what to do about it, counts the run of failures, and clears it at the next durable write', async () => {
    const remedies: Array<[string, string]> = [
      ['ENOSPC', 'retry once the disk has room'],
      ['EDQUOT', 'retry once the disk has room'],
      ['EIO', 'the disk reported an I/O error: check the device (kernel log) before trusting it; the bytes of this write were cut off again and a retry writes them anew'],
      ['EROFS', 'the journal folder is not writable'],
      ['EACCES', 'the journal folder is not writable'],
      ['EPERM', 'the journal folder is not writable'],
      ['EBADF', 'retry once the journal can be written'],
    ];
    for (const [code, remedy] of remedies) {
      const dir = tempDir();
      const { journal } = await openJournal(dir);
      const fault = await failWrites(code);
      const rec: JournalRecord[] = [{ kind: 'topic', topic: 't', partitions: 1 }];
      const before = Date.now();
      const err = await journal.append(rec, true).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: true, details: { reason: 'journal_write_failed', errno: code } });
      expect((err as Error).message).toBe(`writing the bus journal in ${dir} failed (${code}: ${code}: failed, write); nothing of this publish is acknowledged, ${remedy}`);
      const first = journal.writeFailure();
      expect(first).toEqual({ since: expect.any(Number), failures: 1, errno: code, error: (err as Error).message });
      expect(first!.since).toBeGreaterThanOrEqual(before);
      await expect(journal.append(rec, true)).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
      expect(journal.writeFailure()).toEqual({ ...first, failures: 2 });
      fault.disarm();
      vi.restoreAllMocks();
      // A write that skips fsync does not prove the disk takes writes again.
      await journal.append([{ kind: 'commit', group: 'g', topic: 't', partition: 0, offset: 0 }], false);
      expect(journal.writeFailure()).toMatchObject({ failures: 2 });
      await journal.append(rec, true);
      expect(journal.writeFailure()).toBeUndefined();
      await journal.close();
    }
  });

  it('names a failure without an errno "error" and leaves the errno out', async () => {
    const dir = tempDir();
    const { journal } = await openJournal(dir);
    const proto = await fileHandleProto();
    vi.spyOn(proto, 'write').mockImplementation((() => Promise.reject(new Error('odd'))) as never);
    const err = await journal.append([{ kind: 'topic', topic: 't', partitions: 1 }], true).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`writing the bus journal in ${dir} failed (error: odd); nothing of this publish is acknowledged, retry once the journal can be written`);
    expect((err as { details: unknown }).details).toEqual({ reason: 'journal_write_failed' });
    expect(journal.writeFailure()).toEqual({ since: expect.any(Number), failures: 1, error: (err as Error).message });
  });

  it('treats a write of 0 bytes as an EIO, not a loop', async () => {
    const dir = tempDir();
    const { journal } = await openJournal(dir);
    const proto = await fileHandleProto();
    vi.spyOn(proto, 'write').mockImplementation((() => Promise.resolve({ bytesWritten: 0, buffer: Buffer.alloc(0) })) as never);
    const err = await journal.append([{ kind: 'topic', topic: 't', partitions: 1 }], true).catch((e: unknown) => e);
    expect(err).toMatchObject({ details: { reason: 'journal_write_failed', errno: 'EIO' } });
    expect((err as Error).message).toContain('(EIO: write returned 0 bytes)');
  });

  it('cuts off the part of a failed write that reached the file, and a failed fsync too: the file is whole frames again', async () => {
    for (const on of ['write', 'datasync'] as const) {
      const dir = tempDir();
      const { journal } = await openJournal(dir);
      const kept: JournalRecord = { kind: 'topic', topic: 't', partitions: 1 };
      await journal.append([kept], true);
      const fault = on === 'datasync' ? await failWrites('EIO', 'datasync') : undefined;
      if (on === 'write') {
        // A short count first, then the failure: half of the frame reaches the file.
        const proto = await fileHandleProto();
        const real = proto.write as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
        let calls = 0;
        vi.spyOn(proto, 'write').mockImplementation(function (this: FileHandle, ...args: unknown[]) {
          const [buf, offset, length, position] = args as [Buffer, number, number, null];
          return calls++ === 0 ? real.call(this, buf, offset, Math.floor(length / 2), position) : Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' }));
        } as never);
      }
      await expect(journal.append([{ kind: 'message', message: message('0', { topic: 't', partition: 0, value: Buffer.alloc(4096, 1) }) }], true)).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
      expect({ on, size: statSync(Journal.file(dir)).size }).toEqual({ on, size: encodeRecord(kept).length });
      fault?.disarm();
      vi.restoreAllMocks();
      const next: JournalRecord = { kind: 'commit', group: 'g', topic: 't', partition: 0, offset: 0 };
      await journal.append([next], true);
      await journal.close();
      expect({ on, records: (await openJournal(dir)).records }).toEqual({ on, records: [kept, next] });
    }
  });

  it('skips fsync when it is off: a non-durable success then clears a failure', async () => {
    const dir = tempDir();
    const { journal } = await openJournal(dir, { fsync: false });
    const sync = await failWrites('EIO', 'datasync');
    // With fsync off a durable append never calls datasync, so the armed fault cannot fail it.
    await journal.append([{ kind: 'topic', topic: 't', partitions: 1 }], true);
    sync.disarm();
    vi.restoreAllMocks();
    const w = await failWrites('ENOSPC');
    await expect(journal.append([{ kind: 'topic', topic: 'u', partitions: 1 }], true)).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
    w.disarm();
    vi.restoreAllMocks();
    await journal.append([{ kind: 'commit', group: 'g', topic: 't', partition: 0, offset: 0 }], false);
    expect(journal.writeFailure()).toBeUndefined();
  });

  it('calls datasync only for a write that carries a durable append, with fsync on', async () => {
    const dir = tempDir();
    const { journal } = await openJournal(dir);
    const proto = await fileHandleProto();
    const spy = vi.spyOn(proto, 'datasync');
    await journal.append([{ kind: 'topic', topic: 't', partitions: 1 }], false);
    expect(spy).toHaveBeenCalledTimes(0);
    await journal.append([{ kind: 'topic', topic: 'u', partitions: 1 }], true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('fsyncs a group commit that carries any durable append, and clears a failure with it', async () => {
    const dir = tempDir();
    const { journal } = await openJournal(dir);
    const fault = await failWrites('ENOSPC');
    await expect(journal.append([{ kind: 'topic', topic: 'x', partitions: 1 }], true)).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
    fault.disarm();
    vi.restoreAllMocks();
    const spy = vi.spyOn(await fileHandleProto(), 'datasync');
    // While a first write is out, a non-durable and a durable append queue up: they go out together, one write and one fsync.
    const first = journal.append([{ kind: 'topic', topic: 'a', partitions: 1 }], false);
    const together = [journal.append([{ kind: 'topic', topic: 'b', partitions: 1 }], false), journal.append([{ kind: 'topic', topic: 'c', partitions: 1 }], true)];
    await first;
    expect(journal.writeFailure()).toMatchObject({ failures: 1 });
    await Promise.all(together);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(journal.writeFailure()).toBeUndefined();
  });

  it('fsyncs the compacted file and its folder when fsync is on, neither when it is off', async () => {
    for (const fsync of [true, false]) {
      const dir = tempDir();
      const { journal } = await openJournal(dir, { fsync });
      await journal.append([{ kind: 'topic', topic: 't', partitions: 1 }], true);
      const proto = await fileHandleProto();
      const datasync = vi.spyOn(proto, 'datasync');
      const sync = vi.spyOn(proto, 'sync');
      await journal.compact(() => [{ kind: 'topic', topic: 't', partitions: 1 }]);
      expect({ fsync, datasync: datasync.mock.calls.length, sync: sync.mock.calls.length }).toEqual({ fsync, datasync: fsync ? 1 : 0, sync: fsync ? 1 : 0 });
      vi.restoreAllMocks();
    }
  });

  it('compacts the file to the snapshot taken after the appends queued before it, and appends after it', async () => {
    const dir = tempDir();
    const { journal } = await openJournal(dir);
    const topic: JournalRecord = { kind: 'topic', topic: 't', partitions: 1 };
    const msgs = Array.from({ length: 20 }, (_, i): JournalRecord => ({ kind: 'message', message: message(String(i), { topic: 't', partition: 0 }) }));
    await journal.append([topic, ...msgs], true);
    const late: JournalRecord = { kind: 'commit', group: 'g', topic: 't', partition: 0, offset: 19 };
    let seen = -1;
    const queued = journal.append([late], false);
    const snapshot: JournalRecord[] = [topic, { kind: 'base', topic: 't', partition: 0, offset: 19 }, msgs[19]!];
    await journal.compact(() => {
      seen = journal.size;
      return [...snapshot, late];
    });
    await queued;
    // The snapshot was taken once the append queued before the compaction was written.
    expect(seen).toBe(Buffer.concat([topic, ...msgs, late].map(encodeRecord)).length);
    const compacted = Buffer.concat([...snapshot, late].map(encodeRecord)).length;
    expect(journal.size).toBe(compacted);
    expect(statSync(Journal.file(dir)).size).toBe(compacted);
    expect(existsSync(`${Journal.file(dir)}.compact`)).toBe(false);
    const after: JournalRecord = { kind: 'commit', group: 'g', topic: 't', partition: 0, offset: 20 };
    await journal.append([after], true);
    await journal.close();
    expect((await openJournal(dir)).records).toEqual([...snapshot, late, after]);
  });

  it('compacts without fsync when fsync is off, and reports a failed compaction as BUS_UNAVAILABLE, the old file kept', async () => {
    const dir = tempDir();
    const { journal } = await openJournal(dir, { fsync: false });
    const topic: JournalRecord = { kind: 'topic', topic: 't', partitions: 1 };
    await journal.append([topic], true);
    const spy = vi.spyOn(await fileHandleProto(), 'datasync');
    await journal.compact(() => [topic]);
    expect(spy).toHaveBeenCalledTimes(0);
    vi.restoreAllMocks();
    await expect(
      journal.compact(() => {
        throw new Error('snapshot bug');
      }),
    ).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', message: expect.stringContaining('compacting the bus journal') });
    // The queue goes on after a failed compaction.
    await journal.append([{ kind: 'topic', topic: 'u', partitions: 2 }], true);
    await journal.close();
    expect((await openJournal(dir)).records).toEqual([topic, { kind: 'topic', topic: 'u', partitions: 2 }]);
  });

  it('writes what is queued before it closes', async () => {
    const dir = tempDir();
    const { journal } = await openJournal(dir);
    const recs = Array.from({ length: 5 }, (_, i): JournalRecord => ({ kind: 'topic', topic: `t${i}`, partitions: 1 }));
    const appends = recs.map((r, i) => journal.append([r], i % 2 === 0));
    await journal.close();
    await Promise.all(appends);
    expect((await openJournal(dir)).records).toEqual(recs);
  });
});
