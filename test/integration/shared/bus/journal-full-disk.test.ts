import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal, decodeRecords } from '../../../../shared/bus/journal.ts';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import type { IncomingMessage } from '../../../../shared/bus/port.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

/**
 * A real full disk under the in-process bus's journal: a small tmpfs mounted for this file (the
 * tests run as root here and in CI), a filler file taking all but a few kB of it. A publish that
 * does not fit must fail, retryable and saying why, with nothing of it delivered or read back
 * later; the part of it the disk did take must not stay in the file, or every record written after
 * the space came back would sit behind a torn frame and be lost at the next start.
 */
const mountpoint = mkdtempSync(join(tmpdir(), 'oilwire-journal-full-'));
const journalDir = join(mountpoint, 'bus');
const filler = join(mountpoint, 'filler');

beforeAll(() => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountpoint]);
});
afterAll(() => {
  execFileSync('umount', ['-l', mountpoint]);
  rmSync(mountpoint, { recursive: true, force: true });
});

const fill = (leaveBytes: number) => {
  const { bavail, bsize } = statfsSync(mountpoint);
  writeFileSync(filler, Buffer.alloc(Math.max(0, Number(bavail) * Number(bsize) - leaveBytes)));
};

describe('the bus journal on a full disk', () => {
  it('fails the publish with a retryable BUS_UNAVAILABLE, delivers none of it, and keeps the journal readable', async () => {
    const bus = await MemoryBus.open({ journalDir });
    const got: IncomingMessage[] = [];
    await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void got.push(...batch) });
    await bus.publish('t', [{ key: 'a', value: 'before' }]);
    await waitFor(() => got.length === 1);

    fill(256 * 1024);
    // 1 MB into 256 kB of room: the disk takes part of the write (a short count), then refuses the rest.
    const big = { key: 'b', value: Buffer.alloc(1024 * 1024, 'x') };
    const err = await bus.publish('t', [big]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: true, details: { reason: 'journal_write_failed', errno: 'ENOSPC' } });
    expect((err as Error).message).toMatch(/writing the bus journal in .* failed \(ENOSPC: .*nothing of this publish is acknowledged/);
    // What the disk took of the failed write was cut off again: the file is whole frames to its last byte.
    const file = readFileSync(Journal.file(journalDir));
    expect(decodeRecords(file).validBytes).toBe(file.length);

    rmSync(filler);
    await bus.publish('t', [{ key: 'c', value: 'after' }]);
    await waitFor(() => got.length === 2);
    expect(got.map((m) => m.value.toString())).toEqual(['before', 'after']);
    await bus.close();

    // Read back: the acknowledged messages, the failed one nowhere.
    const again = await MemoryBus.open({ journalDir });
    const all = await again.readTopic('t');
    expect(all.map((m) => m.value.toString()).sort()).toEqual(['after', 'before']);
    await again.close();
  });
});
