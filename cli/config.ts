import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from '../shared/errors.ts';
import { ingestNewsConfigSchema } from '../services/ingest-news/index.ts';
import { ingestPricesConfigSchema } from '../services/ingest-prices/index.ts';
import { scorerConfigSchema } from '../services/scorer/index.ts';
import { correlatorConfigSchema } from '../services/correlator/index.ts';
import { apiConfigSchema } from '../services/api/index.ts';
import { busConfigSchema } from '../shared/bus/open-bus.ts';

export const storeConfigSchema = z.strictObject({
  /** ClickHouse server URL (e.g. http://localhost:8123); unset means the embedded engine. */
  url: z.url().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** Data folder of the embedded engine. */
  path: z.string().default('./data'),
  database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier').default('oilwire'),
});

export const rootConfigSchema = z.strictObject({
  store: storeConfigSchema.default(storeConfigSchema.parse({})),
  bus: busConfigSchema.default(busConfigSchema.parse({})),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).default({ level: 'info' }),
  ingestNews: ingestNewsConfigSchema.default(ingestNewsConfigSchema.parse({})),
  ingestPrices: ingestPricesConfigSchema.default(ingestPricesConfigSchema.parse({})),
  scorer: scorerConfigSchema.default(scorerConfigSchema.parse({})),
  correlator: correlatorConfigSchema.default(correlatorConfigSchema.parse({})),
  api: apiConfigSchema.default(apiConfigSchema.parse({})),
});
export type RootConfig = z.infer<typeof rootConfigSchema>;

export const DEFAULT_CONFIG_FILE = 'oilwire.config.json';

/** Well-known variables, then `OILWIRE_<SECTION>__<KEY>` for any key (`OILWIRE_API__PORT=9000`, `OILWIRE_CORRELATOR__SYMBOLS='["BRENT"]'`). */
const ALIASES: Record<string, string[]> = {
  CLICKHOUSE_URL: ['store', 'url'],
  CLICKHOUSE_USER: ['store', 'username'],
  CLICKHOUSE_PASSWORD: ['store', 'password'],
  CLICKHOUSE_DATABASE: ['store', 'database'],
  OILWIRE_DATA_DIR: ['store', 'path'],
  KAFKA_BROKERS: ['bus', 'brokers'],
  LOG_LEVEL: ['log', 'level'],
};

const camel = (s: string) => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function parseEnvValue(path: string[], text: string): unknown {
  if (path[0] === 'bus' && path[1] === 'brokers' && !text.trim().startsWith('[')) return text.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

export function envOverrides(env: NodeJS.ProcessEnv): { values: Record<string, unknown>; origins: Map<string, string> } {
  const values: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || raw === '') continue;
    let path = ALIASES[name];
    if (!path && name.startsWith('OILWIRE_') && name.includes('__')) path = name.slice('OILWIRE_'.length).split('__').map(camel);
    if (!path) continue;
    setPath(values, path, parseEnvValue(path, raw));
    origins.set(path.join('.'), name);
  }
  if (values.bus && (values.bus as Record<string, unknown>).brokers && !(values.bus as Record<string, unknown>).kind) (values.bus as Record<string, unknown>).kind = 'kafka';
  return { values, origins };
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (typeof a === 'object' && a && typeof b === 'object' && b && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = deepMerge(out[k], v);
    return out;
  }
  return b === undefined ? a : b;
}

/** The keys a strict object at `path` accepts (through defaults, optionals, arrays and unions), for "did you mean". */
function knownKeys(schema: z.ZodType, path: PropertyKey[]): string[] {
  type Def = { type?: string; innerType?: unknown; in?: unknown; element?: unknown; shape?: Record<string, unknown>; options?: unknown[] };
  const defOf = (n: unknown): Def | undefined => (n as { def?: Def } | undefined)?.def;
  const unwrap = (n: unknown): unknown => {
    for (let def = defOf(n); def && (def.innerType || (def.type === 'pipe' && def.in)); def = defOf(n)) n = def.innerType ?? def.in;
    return n;
  };
  const keysOf = (n: unknown): string[] => {
    const def = defOf(unwrap(n));
    if (def?.shape) return Object.keys(def.shape);
    return def?.options ? [...new Set(def.options.flatMap(keysOf))] : [];
  };
  let nodes: unknown[] = [schema];
  for (const seg of path) {
    nodes = nodes.flatMap((n) => {
      const def = defOf(unwrap(n));
      if (def?.type === 'array' && typeof seg === 'number') return [def.element];
      if (def?.options) return def.options.map((o) => defOf(unwrap(o))?.shape?.[String(seg)]).filter(Boolean);
      return def?.shape && typeof seg === 'string' && def.shape[seg] ? [def.shape[seg]] : [];
    });
  }
  return [...new Set(nodes.flatMap(keysOf))];
}

/** The known key nearest a typo (edit distance at most 2, or a prefix either way). */
function suggestion(key: string, known: string[]): string {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length][b.length];
  };
  const best = known.map((k) => ({ k, d: k.startsWith(key) || key.startsWith(k) ? 1 : distance(key.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 2 ? ` (did you mean ${best.k}?)` : '';
}

export interface LoadConfigOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: Record<string, unknown>;
  cwd?: string;
}

/** File, then environment, then command-line overrides; every error names the key and where its value came from. */
export function loadConfig(options: LoadConfigOptions = {}): RootConfig & { configFile?: string } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env.OILWIRE_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : existsSync(resolve(cwd, DEFAULT_CONFIG_FILE)) ? resolve(cwd, DEFAULT_CONFIG_FILE) : undefined;
  let fromFile: unknown = {};
  if (file) {
    if (!existsSync(file)) throw new AppError('CONFIG_INVALID', `config file not found: ${file}`);
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new AppError('CONFIG_INVALID', `config file ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const { values, origins } = envOverrides(env);
  const merged = deepMerge(deepMerge(fromFile, values), options.overrides ?? {});
  const parsed = rootConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const where = (key: string) => (origins.get(key) ? ` (from ${origins.get(key)})` : file ? ` (in ${file})` : '');
    const lines = parsed.error.issues.flatMap((issue) => {
      // A typo (`ingestPrices.source`, `store.pth`) must not start silently: each unknown key by its full path.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => {
          const key = [...issue.path, k].join('.');
          return `  ${key}: unknown key${suggestion(k, knownKeys(rootConfigSchema, issue.path))}${where(key)}`;
        });
      }
      const key = issue.path.join('.') || '(root)';
      return [`  ${key}: ${issue.message}${where(key)}`];
    });
    throw new AppError('CONFIG_INVALID', `invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, configFile: file };
}

/** ingest-news keeps its state beside the embedded store's data unless told otherwise, so `--data` moves both. */
export function ingestNewsStateDir(config: RootConfig): string {
  if (config.ingestNews.stateDir) return resolve(config.ingestNews.stateDir);
  return resolve(config.store.path === ':memory:' ? './data' : config.store.path, 'ingest-news');
}
