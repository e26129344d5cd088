/**
 * The embedded engine's access control. chDB signs every connection in as the one user
 * `default` (its client hard-codes the name), so analysts cannot get a user of their own
 * as on a server. What the engine does offer is roles: `default` is given two, and a
 * connection can narrow itself to one with `SET ROLE`. The pipeline's connections keep
 * both (everything but access management, as before); analyst connections run `SET ROLE oilwire_analyst`, which holds
 * `SELECT` on the user databases and nothing from the `SOURCES` family, so the engine's
 * own RBAC refuses `file()`, `url()`, `s3()`, `remote()`, `mysql()`, `postgresql()`,
 * `INSERT INTO FUNCTION`, the `default` database's file overlay, any write, any DDL,
 * `SYSTEM` and dictionaries with outside sources, whatever our checks let through.
 *
 * Users and roles can only come from the configuration the engine starts with (clickhouse-local
 * has no writable access storage), so the store starts the engine with this file
 * (`--config-file`). An explicit file also keeps a stray `config.xml` in the working directory,
 * which clickhouse-local would otherwise load, out of the process.
 *
 * Limits are not in this file: chDB applies no settings profile to a role (a `<settings>` or `<profile>` under
 * `<roles>` is not read, and `SET profile` takes a profile's constraints but none of its values), so the API
 * pins each analyst session instead (`pinAnalystSession` in services/api/adapters/sql-runner.ts): its limits
 * as the session's settings, then `readonly = 1`, after which the engine refuses any change of any setting.
 *
 * What these roles do not cover (clickhouse-local skips the checks for its own application
 * type, see docs/api.md): the scalar `file()` function, `INTO OUTFILE` (written by the client
 * side of the connection) and `user_files_path`. And a connection may widen its roles again
 * with `SET ROLE ALL`, a statement of its own: the single-SELECT rule of the SQL inspector is
 * what keeps an analyst from sending one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';

/** The role every pipeline connection has (what `default` had before: all but access management). */
export const PIPELINE_ROLE = 'oilwire_pipeline';
/** The role an analyst connection narrows itself to. */
export const ANALYST_ROLE = 'oilwire_analyst';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * `CREATE TEMPORARY TABLE` is there because the SQL inspector reads `SELECT explain FROM (EXPLAIN AST ...)`,
 * which the engine treats as a table function; table functions that need it are refused under the
 * `readonly = 1` every analyst query carries. `system`, `default` (whose overlay reads files by name) and
 * `information_schema` are taken back out of the `SELECT ON *.*`.
 */
const ANALYST_GRANTS = [
  'GRANT SELECT ON *.*',
  'REVOKE SELECT ON system.*',
  'REVOKE SELECT ON default.*',
  'REVOKE SELECT ON information_schema.*',
  'REVOKE SELECT ON INFORMATION_SCHEMA.*',
  'GRANT CREATE TEMPORARY TABLE ON *.*',
];

/** What clickhouse-local gives `default` by itself: everything but managing users, roles and grants. */
const PIPELINE_GRANTS = ['GRANT ALL ON *.*', 'REVOKE ACCESS MANAGEMENT ON *.*'];

export function usersXml(): string {
  const grants = (qs: string[]) => qs.map((q) => `<query>${xml(q)}</query>`).join('');
  return `<clickhouse>
  <profiles><default></default></profiles>
  <quotas><default></default></quotas>
  <roles>
    <${PIPELINE_ROLE}><grants>${grants(PIPELINE_GRANTS)}</grants></${PIPELINE_ROLE}>
    <${ANALYST_ROLE}><grants>${grants(ANALYST_GRANTS)}</grants></${ANALYST_ROLE}>
  </roles>
  <users>
    <default>
      <password></password>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
      <grants>${grants([`GRANT ${PIPELINE_ROLE}, ${ANALYST_ROLE}`])}</grants>
    </default>
  </users>
</clickhouse>
`;
}

/**
 * How much freed memory chDB's allocator may keep before the engine's memory worker hands it back to the system.
 * jemalloc keeps the pages a query frees ("dirty") for up to 5 s (chDB's build: `dirty_decay_ms:5000`) to reuse
 * them; after a large insert that is 30-240 MB of the process's RSS at any moment (`bench/start-memory.ts`, 100,000
 * headlines: jemalloc resident 100-360 MB for 75-140 MB allocated). The engine's memory worker purges them once
 * they pass `memory_worker_purge_dirty_pages_threshold_ratio` of its memory limit, 0.2 by default: 4.5 GB on a 25 GB
 * machine, never reached. What is purged is only memory nobody holds; a later allocation faults the pages in again.
 *
 * The memory worker only sees the dirty pages when it reads its memory from jemalloc, so the configuration also sets
 * `memory_worker_use_cgroup` off. With the cgroup as its source (the default wherever a cgroup is mounted) it reads
 * jemalloc's dirty-page count without refreshing jemalloc's statistics (the `epoch`), which a ClickHouse server's
 * asynchronous metrics refresh every second and clickhouse-local, hence chDB, never does: the count stayed at its
 * value from the last time something read `system.jemalloc_stats`, and the worker purged only after such a read (in
 * `bench/start-memory.ts`, its checkpoints). The cgroup is also the wrong measure of an engine inside Node: it counts
 * V8's heap and every other process in the group as the engine's memory. With jemalloc as the source the worker
 * refreshes the statistics on each of its 100 ms ticks.
 */
export const DIRTY_PAGES_PURGE_BYTES = 48 * 1024 * 1024;

/** The memory the engine sizes its limit from, as ClickHouse does: the machine's, or a cgroup's limit when lower. */
export function engineMemoryBytes(read: (path: string) => string | undefined = readText, machine: number = totalmem()): number {
  let bytes = machine;
  for (const path of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    const limit = Number(read(path)?.trim());
    // cgroup v2 says "max" for no limit, v1 a huge number: both leave the machine's.
    if (Number.isFinite(limit) && limit > 0 && limit < bytes) bytes = limit;
  }
  return bytes;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The ratio that puts the purge threshold at DIRTY_PAGES_PURGE_BYTES: the engine's limit is
 * `max_server_memory_usage_to_ram_ratio` (0.9) of `memoryBytes`. Written with fixed decimals (the
 * configuration's number parser is not asked to read an exponent), and never above the engine's own 0.2.
 */
export function dirtyPagesPurgeRatio(memoryBytes: number): string {
  const ratio = Math.min(0.2, DIRTY_PAGES_PURGE_BYTES / (0.9 * memoryBytes));
  return ratio.toFixed(9);
}

/**
 * Writes the engine's configuration into `dir` and returns the connection arguments that load it.
 * `user_scripts_path` (where `executable()` looks) and `user_files_path` point at empty folders of their own;
 * the engine honours the first, and reports but does not enforce the second (clickhouse-local).
 */
export function writeEngineConfig(dir: string): string[] {
  const scripts = join(dir, 'user_scripts');
  const files = join(dir, 'user_files');
  mkdirSync(scripts, { recursive: true });
  mkdirSync(files, { recursive: true });
  const users = join(dir, 'users.xml');
  writeFileSync(users, usersXml());
  const config = join(dir, 'config.xml');
  writeFileSync(
    config,
    `<clickhouse>
  <users_config>${xml(users)}</users_config>
  <user_scripts_path>${xml(scripts)}/</user_scripts_path>
  <user_files_path>${xml(files)}/</user_files_path>
  <memory_worker_use_cgroup>false</memory_worker_use_cgroup>
  <memory_worker_purge_dirty_pages_threshold_ratio>${dirtyPagesPurgeRatio(engineMemoryBytes())}</memory_worker_purge_dirty_pages_threshold_ratio>
  <access_control_improvements><select_from_system_db_requires_grant>true</select_from_system_db_requires_grant></access_control_improvements>
</clickhouse>
`,
  );
  return [`--config-file=${config}`];
}
