import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedStoreHolder } from '../../../cli/running-api.ts';

const folder = mkdtempSync(join(tmpdir(), 'oilwire-holder-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const status = (pid: number | string): void => writeFileSync(join(folder, 'status'), `PID: ${pid}\nStarted at: 2026-12-01 12:00:00\nRevision: 54513\n`);

describe('embeddedStoreHolder', () => {
  it('is null without a status file, for this process itself, and for garbage', () => {
    expect(embeddedStoreHolder(join(folder, 'absent'))).toBeNull();
    status(process.pid);
    expect(embeddedStoreHolder(folder)).toBeNull();
    status('abc');
    expect(embeddedStoreHolder(folder)).toBeNull();
  });

  it('names a live holder, and not a dead one (a crash leaves its status file behind)', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    const pid = child.pid!;
    status(pid);
    expect(embeddedStoreHolder(folder)).toBe(pid);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(embeddedStoreHolder(folder)).toBeNull();
  });
});
