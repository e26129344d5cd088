import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStoredEvents } from '../../../../../services/api/adapters/store-event-reader.ts';
import { ALERT_KINDS } from '../../../../../services/api/domain/alert-kinds/registry.ts';
import type { Store } from '../../../../../shared/store/port.ts';
import { dropTestStore, openTestStore } from '../../../../helpers/store.ts';

const T0 = Date.parse('2026-06-01T09:00:00Z');
let store: Store;

// Every registered kind, read from the registry so a kind added there is covered with no edit here, and one no longer registered.
const KINDS = [...ALERT_KINDS.map((k) => k.kind), 'retired_kind'];

beforeAll(async () => {
  store = await openTestStore();
  await store.insert(
    store.table('alerts_store'),
    KINDS.map((kind, i) => ({
      alert_id: `alert-${i}`,
      rule_id: `rule-${kind}`,
      kind,
      symbol: 'BRENT',
      event_ts: new Date(T0 + i * 1000 - 500).toISOString(),
      fired_at: new Date(T0 + i * 1000).toISOString(),
      article_id: null,
      title: `alert of kind ${kind}`,
      data: JSON.stringify({ n: i }),
    })),
  );
});

afterAll(async () => {
  await dropTestStore(store);
});

describe('store replay of alerts', () => {
  it('replays each stored alert with the kind it fired under, never relabelled', async () => {
    expect(KINDS.length).toBeGreaterThanOrEqual(3);
    const events = await readStoredEvents(store, T0, new Set(['alert']), 100);
    expect(events.map((e) => (e.event as Record<string, unknown>).kind)).toEqual(KINDS);
    expect(events.map((e) => JSON.parse(e.data).kind)).toEqual(KINDS);
    expect(events[1]!.event).toEqual({
      alert_id: 'alert-1',
      rule_id: `rule-${KINDS[1]}`,
      kind: KINDS[1],
      symbol: 'BRENT',
      title: `alert of kind ${KINDS[1]}`,
      event_ts: new Date(T0 + 500).toISOString(),
      fired_at: new Date(T0 + 1000).toISOString(),
      n: 1,
    });
  });
});
