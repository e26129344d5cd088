import { mkdtempSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';

/**
 * An I/O error from the disk, injected where Node hands a syscall's answer back: a container has
 * no device mapper to make a real device fail, so `FileHandle.datasync` / `FileHandle.write`
 * (every file handle's, through the shared prototype) reject with the error libuv would give,
 * while the real file is written as usual. On `write`, the first call after the fault is armed
 * really writes half of what it is given (a short count, as a failing disk may answer), the next
 * ones fail.
 */
export interface FileHandleFaults {
  /** Arms a fault (or disarms with undefined). */
  set(fault: 'datasync' | 'write' | undefined): void;
  /** True once a short write was answered since the fault was armed. */
  readonly partWritten: boolean;
  restore(): void;
}

export const eio = (syscall: string): NodeJS.ErrnoException => Object.assign(new Error(`EIO: i/o error, ${syscall}`), { code: 'EIO', errno: -5, syscall });

export async function injectFileHandleFaults(): Promise<FileHandleFaults> {
  // FileHandle is not exported: its prototype is taken from a handle.
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-fh-probe-'));
  const fh = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(fh) as FileHandle;
  await fh.close();
  rmSync(dir, { recursive: true, force: true });

  let fault: 'datasync' | 'write' | undefined;
  let partWritten = false;
  const datasync = proto.datasync;
  const write = proto.write as (this: FileHandle, ...args: unknown[]) => Promise<unknown>;
  const spies = [
    vi.spyOn(proto, 'datasync').mockImplementation(function (this: FileHandle) {
      return fault === 'datasync' ? Promise.reject(eio('fdatasync')) : datasync.call(this);
    }),
    vi.spyOn(proto, 'write').mockImplementation(function (this: FileHandle, ...args: unknown[]) {
      const [buf, offset, length, position] = args;
      if (fault === 'write' && Buffer.isBuffer(buf) && typeof offset === 'number' && typeof length === 'number') {
        if (!partWritten && length > 1) {
          partWritten = true;
          return write.call(this, buf, offset, Math.floor(length / 2), position);
        }
        return Promise.reject(eio('write'));
      }
      return write.apply(this, args);
    } as never),
  ];
  return {
    set(next) {
      fault = next;
      partWritten = false;
    },
    get partWritten() {
      return partWritten;
    },
    restore() {
      for (const s of spies) s.mockRestore();
    },
  };
}
