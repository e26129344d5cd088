import { describe, expect, it } from 'vitest';
import { apiConfigSchema, namedTokens } from '../../../../services/api/config.ts';
import { loadConfig } from '../../../../cli/config.ts';

describe('api config', () => {
  it('works with no file: loopback, no tokens, the two example rules, no webhooks', () => {
    const c = apiConfigSchema.parse({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.tokens).toEqual([]);
    expect(c.alerts.rules.map((r) => r.id)).toEqual(['mediation-move', 'unexplained-move']);
    expect(c.alerts.webhooks).toEqual([]);
  });

  it('names bare tokens and keeps named ones; a token is read-only unless it says admin', () => {
    const c = apiConfigSchema.parse({ tokens: ['a'.repeat(16), { name: 'desk', token: 'b'.repeat(20), ratePerMinute: 10 }, { name: 'ops', token: 'c'.repeat(20), role: 'admin' }] });
    expect(namedTokens(c)).toEqual([
      { name: 'token-1', token: 'a'.repeat(16), role: 'read' },
      { name: 'desk', token: 'b'.repeat(20), role: 'read', ratePerMinute: 10 },
      { name: 'ops', token: 'c'.repeat(20), role: 'admin' },
    ]);
  });

  it('refuses an unknown role, a public host with a path and an origin that is not http(s)', () => {
    expect(apiConfigSchema.safeParse({ tokens: [{ name: 'x', token: 'c'.repeat(20), role: 'root' }] }).success).toBe(false);
    expect(apiConfigSchema.safeParse({ publicHosts: ['api.example.com/x'] }).success).toBe(false);
    expect(apiConfigSchema.safeParse({ allowedOrigins: ['ftp://desk.example.com'] }).success).toBe(false);
    expect(apiConfigSchema.parse({ publicHosts: ['api.example.com:8443'], allowedOrigins: ['https://desk.example.com'] }).publicHosts).toEqual(['api.example.com:8443']);
  });

  it('names the bad key', () => {
    const bad = (input: unknown) => {
      const r = apiConfigSchema.safeParse(input);
      expect(r.success).toBe(false);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(bad({ tokens: ['short'] })[0]).toMatch(/^tokens\.0/);
    expect(bad({ alerts: { webhooks: [{ id: 'a', url: 'ftp://x', secret: 'whsec_' + 'A'.repeat(32) }] } })[0]).toMatch(/^alerts\.webhooks\.0\.url/);
    expect(bad({ alerts: { webhooks: [{ id: 'a', url: 'https://x.example', secret: 'nope' }] } })[0]).toMatch(/^alerts\.webhooks\.0\.secret/);
    expect(bad({ alerts: { webhooks: [{ id: 'a', url: 'https://x.example', secret: 'whsec_' + 'A'.repeat(32), rules: ['missing'] }] } })[0]).toMatch(/unknown rule id missing/);
    expect(bad({ alerts: { rules: [{ id: 'x', kind: 'headline' }, { id: 'x', kind: 'headline' }] } })[0]).toMatch(/duplicate rule id/);
    expect(bad({ sql: { maxResultRows: 0 } })[0]).toMatch(/^sql\.maxResultRows/);
    expect(bad({ nope: 1 })[0]).toMatch(/nope/);
  });

  it('is reachable from the root config and the environment', () => {
    const c = loadConfig({ env: { OILWIRE_API__PORT: '9001', OILWIRE_API__TOKENS: '["0123456789abcdef"]' }, cwd: '/nonexistent' });
    expect(c.api.port).toBe(9001);
    expect(c.api.tokens).toEqual(['0123456789abcdef']);
  });
});
