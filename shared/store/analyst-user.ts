/**
 * Server mode: the ClickHouse user the API runs analyst SQL as. ClickHouse's own access
 * control is the anchor here, under everything the API checks itself: the user may only
 * SELECT from oilwire's database (no FILE, URL, REMOTE, S3, ... source grants, no system
 * privileges), and a settings profile holds it read-only with the API's limits as
 * constraints it cannot raise. `oilwire migrate` applies these statements when its own
 * user may, and prints them for an administrator when it may not.
 */
import { createHash } from 'node:crypto';
import { isAppError } from '../errors.ts';
import { quoteIdent, type Store } from './port.ts';

export interface AnalystLimits {
  maxMemoryBytes: number;
  maxExecutionTimeSec: number;
  maxResultRows: number;
  maxResultBytes: number;
  externalGroupByBytes: number;
  externalSortBytes: number;
  maxThreads: number;
}

export interface AnalystUserSpec {
  database: string;
  /** Plain identifier, e.g. `oilwire_analyst`. */
  user: string;
  password: string;
  limits: AnalystLimits;
  /**
   * Settings the server knows, of those only some versions have. ClickHouse 25.1 added spill
   * thresholds as a share of the machine's memory (`max_bytes_ratio_before_external_*`, default
   * 0.5) that take precedence over the byte thresholds: left alone, a sort spills only at half the
   * machine's memory and an analyst sort hits its memory cap instead. They are pinned to 0 where the
   * server has them; an older server refuses a profile that names a setting it does not have.
   */
  knownSettings?: ReadonlySet<string>;
}

/** Version-dependent settings the profile pins when the server has them (see `knownSettings`). */
export const SPILL_RATIO_SETTINGS = ['max_bytes_ratio_before_external_group_by', 'max_bytes_ratio_before_external_sort'] as const;

const literal = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export const analystProfileName = (user: string) => `${user}_profile`;

/**
 * The statements, in order; each is idempotent, so migrate can run them at every start.
 * The password travels as its SHA-256 only (`sha256_hash`), so the query log never holds it.
 */
export function analystUserStatements(spec: AnalystUserSpec): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(spec.user)) throw new Error(`analyst user must be a plain identifier: ${spec.user}`);
  const user = quoteIdent(spec.user);
  const db = quoteIdent(spec.database);
  const profile = analystProfileName(spec.user);
  const hash = createHash('sha256').update(spec.password).digest('hex');
  const l = spec.limits;
  // `x = v MAX v`: the API sends v per query; nobody on this user can send more. readonly = 2 lets the
  // API's per-query limits through (readonly = 1 would refuse every SETTINGS) while refusing every write.
  const capped = (name: string, v: number) => `${name} = ${v} MAX ${v}`;
  const settings = [
    'readonly = 2 CONST',
    'allow_ddl = 0 CONST',
    'allow_introspection_functions = 0 CONST',
    capped('max_memory_usage', l.maxMemoryBytes),
    capped('max_execution_time', l.maxExecutionTimeSec),
    capped('max_result_rows', l.maxResultRows),
    capped('max_result_bytes', l.maxResultBytes),
    "result_overflow_mode = 'throw' CONST",
    capped('max_bytes_before_external_group_by', l.externalGroupByBytes),
    capped('max_bytes_before_external_sort', l.externalSortBytes),
    capped('max_threads', l.maxThreads),
    ...SPILL_RATIO_SETTINGS.filter((name) => spec.knownSettings?.has(name)).map((name) => `${name} = 0 CONST`),
  ];
  const identity = `IDENTIFIED WITH sha256_hash BY ${literal(hash)} DEFAULT DATABASE ${db} SETTINGS PROFILE ${literal(profile)}`;
  return [
    `CREATE SETTINGS PROFILE OR REPLACE ${quoteIdent(profile)} SETTINGS ${settings.join(', ')}`,
    `CREATE USER IF NOT EXISTS ${user} ${identity}`,
    // The user may predate this version: bring its password, database and profile up to date too.
    `ALTER USER ${user} ${identity}`,
    // Whatever it was granted before (a SOURCES grant, a role) goes: only the grant below remains.
    `REVOKE ALL ON *.* FROM ${user}`,
    `GRANT SELECT ON ${db}.* TO ${user}`,
  ];
}

/** The same statements with the password hash masked, for printing. */
export function printableStatements(spec: AnalystUserSpec): string[] {
  return analystUserStatements(spec).map((s) => s.replace(/BY '[0-9a-f]{64}'/, "BY '<sha256 of the password>'"));
}

export type AnalystUserResult = { applied: true } | { applied: false; reason: string; statements: string[] };

const PRIVILEGE_TYPES = new Set(['ACCESS_DENIED', 'NOT_ENOUGH_PRIVILEGES', 'UNKNOWN_ROLE', 'SUPPORT_IS_DISABLED', 'ACCESS_STORAGE_READONLY']);

/** Which of `names` the server has: the engine's own list decides, not a version number compared here. */
export async function serverSettings(store: Store, names: readonly string[]): Promise<Set<string>> {
  const rows = await store.query<{ name: string }>('SELECT name FROM system.settings WHERE has({names:Array(String)}, name)', { params: { names: [...names] } });
  return new Set(rows.map((r) => r.name));
}

/** Applies the statements as the store's own user; when it lacks the rights, says so and hands back what to run. */
export async function ensureAnalystUser(store: Store, spec: AnalystUserSpec): Promise<AnalystUserResult> {
  if (store.kind !== 'server') return { applied: false, reason: 'the embedded engine has no users to create (every connection signs in as default): analyst connections run under the engine role oilwire_analyst and the API checks (see docs/api.md)', statements: [] };
  spec = { ...spec, knownSettings: spec.knownSettings ?? (await serverSettings(store, SPILL_RATIO_SETTINGS)) };
  for (const statement of analystUserStatements(spec)) {
    try {
      await store.command(statement);
    } catch (err) {
      const inner = isAppError(err) && err.cause !== undefined ? err.cause : err;
      const type = (inner as { type?: string })?.type;
      if (type && PRIVILEGE_TYPES.has(type)) {
        return { applied: false, reason: `the store's user cannot manage users (${type}): run these as an administrator`, statements: printableStatements(spec) };
      }
      throw err;
    }
  }
  return { applied: true };
}
