import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Journal, decodeRecords } from '../../../../shared/bus/journal.ts';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import type { IncomingMessage } from '../../../../shared/bus/port.ts';
import { injectFileHandleFaults, type FileHandleFaults } from '../../../helpers/file-handle-faults.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

/**
 * EIO under the in-process bus's journal, on fsync and on write: the same path as a full disk
 * (journal-full-disk.test.ts), whatever the errno. A disk that answers EIO cannot be had in a
 * container (no device mapper), so the fault is injected where Node hands the syscall's answer
 * back (test/helpers/file-handle-faults.ts): the real file is written, and `FileHandle.datasync` /
 * `FileHandle.write` reject with the error libuv would give (a write first takes part of the buffer).
 * What must hold: the publish is refused with a retryable BUS_UNAVAILABLE naming EIO, none of it
 * is delivered, the file is whole frames again (after a failed fsync those bytes must not be
 * trusted to any later fsync), the bus reports itself unhealthy (`/readyz` reads it) until a
 * durable write succeeds, and the producer's retry gives exactly one copy, read back at restart.
 */
let faults: FileHandleFaults;
beforeAll(async () => {
  faults = await injectFileHandleFaults();
});
afterAll(() => faults.restore());

describe('the bus journal when the disk answers EIO', () => {
  const dirs: string[] = [];
  afterEach(() => {
    faults.set(undefined);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  for (const on of ['datasync', 'write'] as const) {
    it(`refuses the publish on an EIO from ${on}, delivers none of it, reports unhealthy, and a retry gives exactly one copy`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'oilwire-journal-eio-'));
      dirs.push(dir);
      const journalDir = join(dir, 'bus');
      const bus = await MemoryBus.open({ journalDir });
      const got: IncomingMessage[] = [];
      await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async (batch) => void got.push(...batch) });
      await bus.publish('t', [{ key: 'a', value: 'before' }]);
      await waitFor(() => got.length === 1);
      expect(bus.health()).toEqual({ ok: true });
      const sizeBefore = readFileSync(Journal.file(journalDir)).length;

      faults.set(on);
      // Big enough to need more than one write call, so the short count is followed by the failure.
      const failed = { key: 'b', value: Buffer.alloc(64 * 1024, 'y') };
      const err = await bus.publish('t', [failed]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: true, details: { reason: 'journal_write_failed', errno: 'EIO' } });
      expect((err as Error).message).toMatch(/writing the bus journal in .* failed \(EIO: .*nothing of this publish is acknowledged, the disk reported an I\/O error/);
      if (on === 'write') expect(faults.partWritten).toBe(true);
      // What this write put in the file is cut off again: whole frames to the last byte, none of them the refused message
      // (a consumer's commit record, written without fsync, may have gone in since).
      const file = readFileSync(Journal.file(journalDir));
      const { records, validBytes } = decodeRecords(file);
      expect(validBytes).toBe(file.length);
      expect(file.length).toBeGreaterThanOrEqual(sizeBefore);
      expect(records.filter((r) => r.kind === 'message').map((r) => (r.kind === 'message' ? r.message.key : ''))).toEqual(['a']);
      const health = bus.health();
      expect(health.ok).toBe(false);
      expect(health.journal?.writeFailure).toMatchObject({ errno: 'EIO', error: (err as Error).message });
      // (A consumer's commit record written meanwhile fails too and counts in the same run.)
      const failures = health.journal!.writeFailure.failures;
      expect(failures).toBeGreaterThanOrEqual(1);
      // Still failing: a second attempt is refused too, the run of failures counted from the same start.
      await expect(bus.publish('t', [failed])).rejects.toMatchObject({ details: { errno: 'EIO' } });
      expect(bus.health().journal?.writeFailure).toMatchObject({ since: health.journal!.writeFailure.since, failures: failures + 1 });

      faults.set(undefined);
      // The producer retries the same message once the disk answers again.
      await bus.publish('t', [failed]);
      await bus.publish('t', [{ key: 'c', value: 'after' }]);
      await waitFor(() => got.length === 3, { message: () => `three deliveries, got ${got.length}` });
      expect(got.map((m) => m.key)).toEqual(['a', 'b', 'c']);
      expect(got[1].value.equals(failed.value)).toBe(true);
      expect(bus.health()).toEqual({ ok: true });
      await bus.close();

      // Read back at the next start: every acknowledged message once, nothing of the refused attempts.
      const again = await MemoryBus.open({ journalDir });
      const all = await again.readTopic('t');
      expect(all.map((m) => m.key).sort()).toEqual(['a', 'b', 'c']);
      await again.close();
    });
  }
});
