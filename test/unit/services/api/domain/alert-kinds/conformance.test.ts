/**
 * Every alert rule kind in the registry passes the same suite: its example parses (through its own
 * schema and through the config's union), unknown keys and other kinds are refused, a matching
 * scenario fires alerts of its rule and kind, a near miss fires none, and both are deterministic
 * (a fresh evaluator given the same events gives the same alerts, ids included), and its alerts carry
 * exactly the payload it declares, which the generated webhook and stream schemas accept. A new kind gets
 * its scenario in `scenarios` below: the suite fails for a registered kind without one.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { alertPayload } from '../../../../../../services/api/alerts/dispatcher.ts';
import { alertStreamPayload } from '../../../../../../services/api/stream/hub.ts';
import { alertRuleSchema } from '../../../../../../services/api/config.ts';
import type { AlertEvaluator, AlertTick } from '../../../../../../services/api/domain/alert-kinds/define.ts';
import { ALERT_KINDS, createEvaluator } from '../../../../../../services/api/domain/alert-kinds/registry.ts';
import type { Alert } from '../../../../../../services/api/domain/alert-rules.ts';
import type { NewsImpact } from '../../../../../../shared/contracts/events.ts';
import { newsImpact } from '../../../../../helpers/news-impact.ts';

/** What the alert service may hand an evaluator, in order; `due` asks for wall-time decisions at `nowMs`. */
type Step = { impact: NewsImpact; nowMs: number } | { tick: AlertTick; nowMs: number } | { headline: number } | { due: number };

const T = Date.parse('2026-06-01T10:00:00Z');

/** For each kind, events its example rule must fire on (`match`) and a near miss it must not (`miss`). */
const scenarios: Record<string, { match: Step[]; miss: Step[] }> = {
  headline: {
    match: [{ impact: newsImpact(), nowMs: 1000 }],
    miss: [{ impact: newsImpact({ z: 1.5 }), nowMs: 1000 }],
  },
  unexplained_move: {
    match: [{ tick: { symbol: 'BRENT', tsMs: T, price: 80 }, nowMs: 0 }, { tick: { symbol: 'BRENT', tsMs: T + 30_000, price: 80.6 }, nowMs: 0 }, { due: 1 }, { due: 120_000 }],
    miss: [{ tick: { symbol: 'BRENT', tsMs: T, price: 80 }, nowMs: 0 }, { tick: { symbol: 'BRENT', tsMs: T + 30_000, price: 80.6 }, nowMs: 0 }, { headline: T - 60_000 }, { due: 120_000 }],
  },
};

function run(evaluator: AlertEvaluator, steps: Step[]): Alert[] {
  const out: Alert[] = [];
  for (const s of steps) {
    if ('impact' in s) out.push(...(evaluator.onImpact?.(s.impact, s.nowMs) ?? []));
    else if ('tick' in s) evaluator.onTick?.(s.tick, s.nowMs);
    else if ('headline' in s) evaluator.onHeadline?.(s.headline);
    else out.push(...(evaluator.due?.(s.due) ?? []));
  }
  return out;
}

/** The published payload schemas (infra/schemas/, generated from the registry by `npm run schemas`). */
const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
for (const f of readdirSync('infra/schemas').filter((f) => f.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(`infra/schemas/${f}`, 'utf8')));
const webhookSchema = ajv.getSchema('https://oilwire.dev/schemas/webhook.alert.json')!;
const streamSchema = ajv.getSchema('https://oilwire.dev/schemas/stream.event.json')!;

/** The example rules docs/alerts.md shows, read from its JSON block. */
const docs = readFileSync('docs/alerts.md', 'utf8');
const documented = (JSON.parse(/```json\n([\s\S]*?)\n```/.exec(docs)![1]) as { api: { alerts: { rules: unknown[] } } }).api.alerts.rules;

it('has a scenario for every registered kind, and the kinds are unique', () => {
  const kinds = ALERT_KINDS.map((k) => k.kind);
  expect(new Set(kinds).size).toBe(kinds.length);
  expect(Object.keys(scenarios).sort()).toEqual([...kinds].sort());
});

it('refuses a kind nobody registered', () => {
  expect(() => createEvaluator({ id: 'x', kind: 'astrology' })).toThrow(/no alert rule of kind astrology/);
  expect(alertRuleSchema.safeParse({ id: 'x', kind: 'astrology' }).success).toBe(false);
});

describe.each(ALERT_KINDS.map((k) => [k.kind, k] as const))('alert kind %s', (kind, component) => {
  const rule = component.schema.parse(component.example);

  it('parses its own example, the same through the config union, and the docs show it', () => {
    expect(rule.kind).toBe(kind);
    expect(alertRuleSchema.parse(component.example)).toEqual(rule);
    expect(documented).toContainEqual(component.example);
    expect(docs).toContain(`**\`${kind}\`**`);
  });

  it('refuses unknown keys, another kind, and a bad id', () => {
    expect(component.schema.safeParse({ ...component.example, surprise: 1 }).success).toBe(false);
    expect(alertRuleSchema.safeParse({ ...component.example, surprise: 1 }).success).toBe(false);
    expect(component.schema.safeParse({ ...component.example, kind: `${kind}-not` }).success).toBe(false);
    expect(component.schema.safeParse({ ...component.example, id: 'has space' }).success).toBe(false);
  });

  it('reads something, and decides on due whatever it only collects', () => {
    const e = createEvaluator(rule);
    expect(e.ruleId).toBe(rule.id);
    expect([e.onImpact, e.onTick, e.onHeadline].some((f) => typeof f === 'function')).toBe(true);
    expect(!(e.onTick || e.onHeadline) || typeof e.due === 'function').toBe(true);
  });

  it('fires on its matching scenario, alerts of its rule and kind, deterministically', () => {
    const alerts = run(createEvaluator(rule), scenarios[kind].match);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect(a).toMatchObject({ ruleId: rule.id, kind });
      expect(a.alertId).toMatch(/^alr_[0-9a-f]{32}$/);
      expect(Number.isFinite(a.eventTs)).toBe(true);
      expect(a.title.length).toBeGreaterThan(0);
    }
    expect(run(createEvaluator(rule), scenarios[kind].match)).toEqual(alerts);
    // Another rule of the same kind fires its own alerts, with ids of its own.
    const other = run(createEvaluator({ ...rule, id: `${rule.id}-2` }), scenarios[kind].match);
    expect(other.map((a) => a.ruleId)).toEqual(alerts.map(() => `${rule.id}-2`));
    expect(other.map((a) => a.alertId).filter((id) => alerts.some((a) => a.alertId === id))).toEqual([]);
  });

  it('its alerts carry exactly the payload it declares, and the published schemas accept them', () => {
    const alerts = run(createEvaluator(rule), scenarios[kind].match);
    for (const a of alerts) {
      // Strict: a field the evaluator adds without declaring it would be missing from the published schemas.
      expect(z.strictObject(component.payload.shape).safeParse(a.data).error).toBeUndefined();
      expect(webhookSchema(JSON.parse(alertPayload(a))), JSON.stringify(webhookSchema.errors)).toBe(true);
      expect(streamSchema({ event: 'alert', id: '1-x', data: alertStreamPayload(a) }), JSON.stringify(streamSchema.errors)).toBe(true);
    }
  });

  it('fires nothing on its near miss, every time', () => {
    expect(run(createEvaluator(rule), scenarios[kind].miss)).toEqual([]);
    expect(run(createEvaluator(rule), scenarios[kind].miss)).toEqual([]);
  });
});
