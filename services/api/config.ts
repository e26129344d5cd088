import { z } from 'zod';
import { ALERT_RULE_SCHEMAS } from './domain/alert-kinds/registry.ts';

/** `read`: SQL, stream, dashboard data, metrics. `admin`: also webhook administration. */
export const TOKEN_ROLES = ['read', 'admin'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** A bearer token: a bare string (named by its position, role `read`) or `{name, token, role?, ratePerMinute?}`. */
const tokenEntry = z.union([
  z.string().min(16, 'tokens must be at least 16 characters'),
  z.strictObject({
    name: z.string().min(1).max(100),
    token: z.string().min(16, 'tokens must be at least 16 characters'),
    role: z.enum(TOKEN_ROLES).default('read'),
    /** Overrides `rateLimit.perMinute` for this token. */
    ratePerMinute: z.number().positive().optional(),
  }),
]);

const rateLimitSchema = z.strictObject({
  /** Sustained requests per minute per token (per client address when no tokens are configured). */
  perMinute: z.number().positive().default(600),
  /** Requests a client may make at once on top of the sustained rate. */
  burst: z.number().int().positive().default(60),
  /** Requests with a missing or wrong token, per client address: guessing tokens is slow. */
  failedAuthPerMinute: z.number().positive().default(30),
  failedAuthBurst: z.number().int().positive().default(20),
});

const sqlSchema = z.strictObject({
  maxExecutionTimeSec: z.number().positive().default(10),
  maxResultRows: z.number().int().positive().default(100_000),
  maxResultBytes: z.number().int().positive().default(50_000_000),
  maxQueryBytes: z.number().int().positive().default(100_000),
  /** Analyst queries running at once: dedicated engine connections on the embedded store; queries beyond wait their turn. */
  connections: z.number().int().min(1).max(16).default(2),
  /** ClickHouse `max_memory_usage` of one analyst query: well under what the pipeline's inserts and merges need. */
  maxMemoryBytes: z.number().int().positive().default(512_000_000),
  /**
   * Past this much memory a GROUP BY / ORDER BY spills to disk instead of failing (`max_bytes_before_external_*`;
   * 0: never). Under `maxMemoryBytes`, about a quarter of it: merging the spilled parts needs memory too.
   */
  externalGroupByBytes: z.number().int().nonnegative().default(128_000_000),
  externalSortBytes: z.number().int().nonnegative().default(128_000_000),
  /** `max_threads` of one analyst query, so a heavy one leaves cores to the pipeline. */
  maxThreads: z.number().int().min(1).default(2),
  /** Queries one token may run at once. */
  perTokenRunning: z.number().int().min(1).default(1),
  /** Queries one token may have running or waiting; past it, 429 with Retry-After. */
  perTokenQueued: z.number().int().min(1).default(4),
  /** Queries waiting in all; past it, 429 with Retry-After. */
  maxWaiting: z.number().int().min(0).default(32),
  /**
   * Server mode: the read-only user `oilwire migrate` creates for analyst SQL (SELECT on oilwire's database only,
   * a settings profile with readonly and these limits as constraints). Without a password the API runs analyst
   * SQL as the store's own user, under `readonly = 1` per query.
   */
  analystUser: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/).default('oilwire_analyst'),
  analystPassword: z.string().min(16, 'at least 16 characters').optional(),
}).superRefine((sql, ctx) => {
  // A threshold at or past the cap never spills: the query stops at the cap first.
  for (const key of ['externalGroupByBytes', 'externalSortBytes'] as const) {
    if (sql[key] >= sql.maxMemoryBytes) ctx.addIssue({ code: 'custom', path: [key], message: `must be under maxMemoryBytes (${sql.maxMemoryBytes}) to spill before the cap, or 0 for never` });
  }
});

const streamSchema = z.strictObject({
  /** Events kept in memory for `Last-Event-ID` resumption. */
  bufferSize: z.number().int().positive().default(10_000),
  heartbeatSec: z.number().positive().default(15),
  /** Reconnection delay suggested to clients (SSE `retry:`). */
  retryMs: z.number().int().positive().default(3000),
  /** A client whose unsent output grows past this is disconnected; it resumes from its last event. */
  maxClientBufferBytes: z.number().int().positive().default(4_000_000),
  /** When the id a client resumes from is older than the buffer, replay from the store, starting this much earlier (duplicates over gaps). */
  storeReplayOverlapSec: z.number().nonnegative().default(60),
  storeReplayMaxEvents: z.number().int().positive().default(20_000),
  /** Streams one token (one client address without tokens) may hold open at once; past it, 429. */
  maxPerClient: z.number().int().positive().default(8),
});

// Each rule kind is one component in domain/alert-kinds/ (its schema, example and evaluator); the union is built from the registry.
export const alertRuleSchema = z.discriminatedUnion('kind', ALERT_RULE_SCHEMAS);
export type AlertRule = z.infer<typeof alertRuleSchema>;

const webhookSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (up to 64)'),
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
  /** Standard Webhooks secret: `whsec_` followed by base64 of 24 to 64 random bytes. */
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{32,}$/, 'a Standard Webhooks secret: whsec_ + base64'),
  /** Rule ids sent to this endpoint (empty: every rule). */
  rules: z.array(z.string()).default([]),
  enabled: z.boolean().default(true),
});
export type WebhookConfig = z.infer<typeof webhookSchema>;

const deliverySchema = z.strictObject({
  /** Retry n (n = 1, 2, ...) waits min(maxDelaySec, firstDelaySec * factor^(n-1)), times a jitter in [1 - jitter, 1 + jitter]. */
  firstDelaySec: z.number().positive().default(5),
  factor: z.number().min(1).default(3),
  maxDelaySec: z.number().positive().default(6 * 3600),
  jitter: z.number().min(0).max(1).default(0.2),
  /** Attempts in all, the first included; after the last one the delivery is dead-lettered. */
  maxAttempts: z.number().int().min(1).max(100).default(12),
  /** A receiver's Retry-After is honoured up to this (it can push an attempt later than the schedule, never past this). */
  maxRetryAfterSec: z.number().positive().default(6 * 3600),
  timeoutSec: z.number().positive().default(10),
  concurrency: z.number().int().positive().default(8),
  /** Circuit breaker per endpoint: opens after this many consecutive failures, tries again after `breakerHalfOpenSec`. */
  breakerFailures: z.number().int().positive().default(5),
  breakerHalfOpenSec: z.number().positive().default(30),
  /** Private, loopback, link-local and other non-public targets are refused unless their address is in this list (IPs or CIDRs). */
  allowPrivate: z.array(z.string()).default([]),
});
export type DeliveryConfig = z.infer<typeof deliverySchema>;

export const DEFAULT_RULES: z.input<typeof alertRuleSchema>[] = [
  { id: 'mediation-move', kind: 'headline', topics: ['mediation', 'ceasefire'], minRelevance: 60, minAbsZ: 2, withinMinutes: 15 },
  { id: 'unexplained-move', kind: 'unexplained_move', symbol: 'BRENT', minMoveBps: 50, windowSec: 60 },
];

const alertsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Consumer group of the alert evaluator: stable, so a restart carries on where it stopped. */
  groupId: z.string().min(1).default('oilwire-api-alerts'),
  /** A new group starts at the end of the topics (true: evaluate the whole history once). */
  fromBeginning: z.boolean().default(false),
  rules: z.array(alertRuleSchema).default(() => DEFAULT_RULES.map((r) => alertRuleSchema.parse(r))),
  webhooks: z.array(webhookSchema).default([]),
  delivery: deliverySchema.default(() => deliverySchema.parse({})),
});
export type AlertsConfig = z.infer<typeof alertsSchema>;

const dashboardSchema = z.strictObject({
  symbol: z.string().min(1).default('BRENT'),
  /** Hours of prices the chart shows, ending at the latest tick. */
  windowHours: z.number().positive().default(6),
  /** How long a /api/topics answer (it reads the whole `impact_tests` view) is reused; concurrent requests share one read. 0: no cache. */
  topicsCacheMs: z.number().int().nonnegative().default(30_000),
  /** For this long past `topicsCacheMs` an old answer is still given at once while one fresh read runs behind it (the view takes seconds on a large store). 0: wait for the read. */
  topicsStaleMs: z.number().int().nonnegative().default(300_000),
});

export const apiConfigSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8787),
  /** Bearer tokens; with none configured the server refuses to bind anything but loopback and asks for no token. */
  tokens: z.array(tokenEntry).default([]),
  /**
   * `Host` values (a name, or name:port when the port is not the scheme's default) clients use to reach the API
   * besides loopback and the listening address, e.g. `oilwire.example.com` behind a reverse proxy. Any other Host
   * is refused (DNS rebinding).
   */
  publicHosts: z.array(z.string().min(1).regex(/^[^\s/]+$/, 'a host name, optionally with :port')).default([]),
  /** Web origins (`https://desk.example.com`) besides the API's own whose pages may call it; they get CORS answers. */
  allowedOrigins: z.array(z.url({ protocol: /^https?$/, error: 'an http(s) origin' })).default([]),
  /** Serve /metrics without a token even when tokens are configured (for a scraper on a private network). */
  publicMetrics: z.boolean().default(false),
  rateLimit: rateLimitSchema.default(() => rateLimitSchema.parse({})),
  sql: sqlSchema.default(() => sqlSchema.parse({})),
  stream: streamSchema.default(() => streamSchema.parse({})),
  alerts: alertsSchema.default(() => alertsSchema.parse({})),
  dashboard: dashboardSchema.default(() => dashboardSchema.parse({})),
}).superRefine((c, ctx) => {
  const ruleIds = new Set<string>();
  c.alerts.rules.forEach((r, i) => {
    if (ruleIds.has(r.id)) ctx.addIssue({ code: 'custom', path: ['alerts', 'rules', i, 'id'], message: `duplicate rule id ${r.id}` });
    ruleIds.add(r.id);
  });
  const hookIds = new Set<string>();
  c.alerts.webhooks.forEach((w, i) => {
    if (hookIds.has(w.id)) ctx.addIssue({ code: 'custom', path: ['alerts', 'webhooks', i, 'id'], message: `duplicate webhook id ${w.id}` });
    hookIds.add(w.id);
    w.rules.forEach((r, j) => {
      if (!ruleIds.has(r)) ctx.addIssue({ code: 'custom', path: ['alerts', 'webhooks', i, 'rules', j], message: `unknown rule id ${r}` });
    });
  });
  const names = new Set<string>();
  c.tokens.forEach((t, i) => {
    const name = typeof t === 'string' ? `token-${i + 1}` : t.name;
    if (names.has(name)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'name'], message: `duplicate token name ${name}` });
    names.add(name);
  });
});
export type ApiConfig = z.infer<typeof apiConfigSchema>;
export type ApiConfigInput = z.input<typeof apiConfigSchema>;

export interface NamedToken {
  name: string;
  token: string;
  role: TokenRole;
  ratePerMinute?: number;
}

export function namedTokens(config: Pick<ApiConfig, 'tokens'>): NamedToken[] {
  return config.tokens.map((t, i) => (typeof t === 'string' ? { name: `token-${i + 1}`, token: t, role: 'read' } : t));
}
