/**
 * A real full disk for tests: a small tmpfs mounted on a fresh folder (the tests run as root here
 * and in CI), and a filler file that takes all of it but a few kB. Faking ENOSPC in a file-system
 * wrapper would only prove what the wrapper does; chDB writes its parts with its own code, so only a
 * disk that is really full shows what the store does.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  /** The mountpoint: put the folders under test inside it. */
  dir: string;
  /** Takes all the room but `leaveBytes`; returns the bytes written. Writers running meanwhile may take the rest first. */
  fill(leaveBytes: number): number;
  /** Deletes the filler: the room is back at once. */
  free(): void;
  /** Bytes free now. */
  available(): number;
  /** Lazy unmount (a process that still has files open there does not keep it busy), then removes the folder. */
  remove(): void;
}

export function mountSmallDisk(sizeMb: number, prefix = 'oilwire-small-disk-'): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  const available = () => {
    const { bavail, bsize } = statfsSync(dir);
    return Number(bavail) * Number(bsize);
  };
  return {
    dir,
    available,
    fill(leaveBytes) {
      // In chunks, so filling 200 MB does not need a 200 MB buffer; the room is read again before each
      // chunk because the process under test keeps writing while the file grows.
      const chunk = Buffer.alloc(1 << 20, 0x5a);
      const fd = openSync(filler, 'a');
      let written = 0;
      try {
        for (;;) {
          const room = available() - leaveBytes;
          if (room <= 0) break;
          try {
            written += writeSync(fd, chunk, 0, Math.min(chunk.length, room));
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw err;
          }
        }
      } finally {
        closeSync(fd);
      }
      return written;
    },
    free() {
      rmSync(filler, { force: true });
    },
    remove() {
      rmSync(filler, { force: true });
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
