/**
 * What the engine's wall does NOT cover in embedded mode, pinned so that a chDB release that
 * changes it is noticed (then give analysts that wall too, and update docs/api.md). chDB runs
 * as clickhouse-local and signs every connection in as `default`; analyst connections narrow
 * themselves to the role `oilwire_analyst` (sql-engine-confinement.test.ts shows what that
 * refuses). Local mode skips, for its own application type, the checks below, so here the
 * API's engine-parsed checks (sql-hostile.test.ts) are the only wall.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAnalystConnection } from '../../../../services/api/adapters/sql-runner.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { dropTestStore, openTestStore } from '../../../helpers/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'oilwire-user-files-'));
const outside = join(dir, 'outside.txt');
let store: Store;
let analyst: Store;

beforeAll(async () => {
  writeFileSync(outside, 'outside-the-folder\n');
  store = await openTestStore(join(dir, 'data'));
  analyst = await openAnalystConnection(store);
});

afterAll(async () => {
  await analyst?.close();
  if (store) await dropTestStore(store);
  rmSync(dir, { recursive: true, force: true });
});

const text = (s: Store, sql: string) => s.queryText(sql, 'TabSeparatedRaw');

describe('chDB access control: what the analyst role does not confine', () => {
  it('the engine takes user_files_path but the scalar file() reads outside it, role or not', async () => {
    const userFiles = join(dir, 'data', 'oilwire-access', 'user_files');
    expect(await text(analyst, "SELECT value FROM system.server_settings WHERE name = 'user_files_path'")).toBe(`${userFiles}/\n`);
    // FunctionFile checks READ ON FILE only when the application type is not LOCAL.
    expect(await text(analyst, `SELECT file('${outside}')`)).toBe('outside-the-folder\n\n');
    // The table function, by contrast, is refused by the role (sql-engine-confinement.test.ts).
    await expect(text(analyst, `SELECT * FROM file('${outside}', 'LineAsString')`)).rejects.toMatchObject({ cause: { type: 'ACCESS_DENIED' } });
  });

  it('INTO OUTFILE is written by the connection itself, past the role', async () => {
    const out = join(dir, 'outfile.txt');
    await text(analyst, `SELECT 'written' INTO OUTFILE '${out}'`);
    expect(readFileSync(out, 'utf8')).toContain('written');
    rmSync(out);
  });

  it('a connection may widen its own roles again with SET ROLE: one statement of its own', async () => {
    await analyst.command('SET ROLE ALL');
    try {
      expect(await text(analyst, 'SELECT length(currentRoles())')).toBe('2\n');
      expect(await text(analyst, `SELECT * FROM file('${outside}', 'LineAsString')`)).toBe('outside-the-folder\n');
    } finally {
      await analyst.command('SET ROLE oilwire_analyst');
    }
    expect(await text(analyst, 'SELECT currentRoles()')).toBe("['oilwire_analyst']\n");
  });

  it('the role brings no settings: the limits come from the API pinning each session, not from a profile', async () => {
    // chDB reads no settings profile for a role from users.xml (neither <settings><profile> nor <profile> under
    // <roles>: currentProfiles() stays ['default']), and `SET profile` takes a profile's constraints but none of
    // its values. So there is no engine-side profile to hold the analyst limits as constraints here;
    // pinAnalystSession sets them on the session under readonly = 1 instead (sql-engine-confinement.test.ts).
    expect(await text(analyst, "SELECT getSetting('max_memory_usage'), getSetting('readonly'), currentProfiles()")).toBe("0\t0\t['default']\n");
  });

  it('system tables stay readable although the role revokes SELECT on system.*', async () => {
    expect(Number(await text(analyst, 'SELECT count() > 0 FROM system.server_settings'))).toBe(1);
  });
});
