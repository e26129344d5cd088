import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'oilwire-cli-sql-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 20_000;
// About 600 KB of CSV: many times what a pipe buffers, so most of it is still queued when the query is done.
const QUERY = `SELECT number AS n, repeat('x', 20) AS pad FROM system.numbers LIMIT ${ROWS}`;
const args = ['bin/oilwire.mjs', '--log-level', 'warn', '--data', dir, 'sql', QUERY, '--format', 'csv'];

describe('oilwire sql into a pipe', () => {
  it('gives a slow reader every row before it exits', async () => {
    const child = spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const chunks: Buffer[] = [];
    // A reader that takes a pause after every chunk: the CLI finishes its query long before the pipe is drained.
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 2);
    });
    const [code] = await new Promise<[number | null]>((resolve) => child.on('close', (c) => resolve([c])));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('n,pad');
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines.at(-1)).toBe(`${ROWS - 1},${'x'.repeat(20)}`);
  });

  it('stops quietly with status 0 when the reader goes away (| head -c)', async () => {
    const cmd = `set -o pipefail; ${[process.execPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')} | head -c 100`;
    const { stdout, stderr } = await promisify(execFile)('bash', ['-c', cmd], { cwd: process.cwd(), timeout: 120_000 });
    expect(stdout).toHaveLength(100);
    expect(stdout.startsWith('n,pad\n0,')).toBe(true);
    // pipefail: a non-zero exit of the CLI would have rejected; an EPIPE stack trace would be on stderr.
    expect(stderr).toBe('');
  });
});
