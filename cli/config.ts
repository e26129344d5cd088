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

export const storeConfigSchema = z.object({
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
  log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).default({ level: 'info' }),
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
    const lines = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(root)';
      const origin = origins.get(key) ? ` (from ${origins.get(key)})` : file ? ` (in ${file})` : '';
      return `  ${key}: ${issue.message}${origin}`;
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
