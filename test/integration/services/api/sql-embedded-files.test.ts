/**
 * Why the API's engine-parsed checks are the wall in embedded mode: chDB runs ClickHouse as
 * clickhouse-local, which takes a `user_files_path` (and reports it) but does not confine
 * `file()` to it. If this test starts failing, chDB began honouring the setting: then give
 * the analyst connections an empty dedicated folder as a second wall (docs/api.md).
 */
import { Session } from 'chdb';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'oilwire-user-files-'));
const allowed = join(dir, 'user_files');
mkdirSync(allowed);
writeFileSync(join(dir, 'outside.txt'), 'outside-the-folder\n');
// The first connection of the process starts the engine: its arguments are the server configuration.
const session = new Session(join(dir, 'data'), { connectionArgs: [`--user_files_path=${allowed}`] });

afterAll(() => {
  session.close();
  rmSync(dir, { recursive: true, force: true });
});

const text = async (sql: string) => (await session.queryAsync(sql, { format: 'TabSeparatedRaw' })).text();

describe('chDB and user_files_path', () => {
  it('takes the setting but still lets file() read outside the folder', async () => {
    expect(await text("SELECT value FROM system.server_settings WHERE name = 'user_files_path'")).toBe(`${allowed}\n`);
    expect(await text(`SELECT file('${join(dir, 'outside.txt')}')`)).toBe('outside-the-folder\n\n');
    expect(await text(`SELECT * FROM file('${join(dir, 'outside.txt')}', 'LineAsString')`)).toBe('outside-the-folder\n');
  });
});
