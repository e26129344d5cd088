import { describe, expect, it } from 'vitest';
import { clusterEvents, isPriceReport, type AttributableHeadline } from '../../../../../services/correlator/domain/attribution.ts';

const h = (id: string, ts: number, title: string, relevance: number, priceReport?: boolean): AttributableHeadline => ({ id, ts, title, relevance, priceReport, order: Number(id.slice(1)) });
const MIN = 60_000;

describe('price reports', () => {
  it('uses the scorer\'s verdict when it has one', () => {
    expect(isPriceReport({ title: 'Iran and US agree to talks', priceReport: true })).toBe(true);
    expect(isPriceReport({ title: 'Oil rises 2% as talks stall', priceReport: false })).toBe(false);
  });

  it('otherwise reads the title conservatively: an oil subject then a move word, or a wrap desk', () => {
    expect(isPriceReport({ title: 'Oil rises 2% as Iran talks stall' })).toBe(true);
    expect(isPriceReport({ title: 'Brent crude futures slip below $60' })).toBe(true);
    expect(isPriceReport({ title: 'Oil prices edge higher on OPEC hopes' })).toBe(true);
    expect(isPriceReport({ title: 'GLOBAL MARKETS-Stocks fall, oil jumps' })).toBe(true);
    expect(isPriceReport({ title: 'Saudi Arabia says OPEC+ will cut output' })).toBe(false);
    expect(isPriceReport({ title: 'Oil tanker attacked near Hormuz' })).toBe(false);
    expect(isPriceReport({ title: 'Oilfield services firm raises outlook' })).toBe(false);
  });
});

describe('clustering and attribution', () => {
  const window = (x: AttributableHeadline) => ({ start: x.ts, end: x.ts + 60 * MIN });

  it('headlines inside one move\'s window form one event; the earliest relevant non-report one is the cause', () => {
    const hs = [
      h('h1', 0, 'Oil jumps 4% after attack on Saudi facility', 90),
      h('h2', 5 * MIN, 'Drone attack hits Saudi Abqaiq processing plant', 80),
      h('h3', 10 * MIN, 'Carmaker recalls 10,000 vehicles', 10),
      h('h4', 20 * MIN, 'Saudi Aramco says output cut by half after attack', 95),
      h('h5', 90 * MIN, 'OPEC delegates say no emergency meeting planned', 60),
    ];
    const events = clusterEvents(hs, window, { minRelevance: 40 });
    expect(events).toHaveLength(2);
    const [first, second] = events;
    expect(first.start).toBe(0);
    expect(first.end).toBe(60 * MIN);
    // Not the report (earliest) and not the most relevant (h4): the earliest relevant non-report.
    expect(first.cause!.id).toBe('h2');
    expect(first.sameMove.map((x) => x.id)).toEqual(['h4']);
    expect(first.reports.map((x) => x.id)).toEqual(['h1']);
    expect(first.irrelevant.map((x) => x.id)).toEqual(['h3']);
    expect(second.cause!.id).toBe('h5');
  });

  it('a move with only reports has no cause unless reports are included; ties at one instant go to relevance, then file order', () => {
    const day = [h('h1', 0, 'Oil falls 3% on demand worries', 70), h('h2', 0, 'Brent slides to two-month low', 75)];
    const [e] = clusterEvents(day, () => ({ start: 0, end: 1 }), { minRelevance: 40 });
    expect(e.cause).toBeNull();
    expect(e.reports).toHaveLength(2);
    const [inc] = clusterEvents(day, () => ({ start: 0, end: 1 }), { minRelevance: 40, includeReports: true });
    expect(inc.cause!.id).toBe('h2');
    expect(inc.sameMove.map((x) => x.id)).toEqual(['h1']);
    const sameInstant = [h('h1', 0, 'A', 50), h('h2', 0, 'B', 50)];
    expect(clusterEvents(sameInstant, () => ({ start: 0, end: 1 }), { minRelevance: 40 })[0].cause!.id).toBe('h1');
  });

  it('a custom relevance rule can ask for more than the score', () => {
    const hs = [h('h1', 0, 'Airbus deliveries resume', 45), h('h2', 1, 'Iran warns on Hormuz', 45)];
    const [e] = clusterEvents(hs, () => ({ start: 0, end: 10 }), { minRelevance: 40, isRelevant: (x) => x.id !== 'h1' });
    expect(e.cause!.id).toBe('h2');
    expect(e.irrelevant.map((x) => x.id)).toEqual(['h1']);
  });
});

describe('price reports: reading the title', () => {
  it('skips the filler words price, prices and futures between the subject and the move', () => {
    expect(isPriceReport({ title: 'Oil price falls' })).toBe(true);
    expect(isPriceReport({ title: 'WTI futures fall' })).toBe(true);
    expect(isPriceReport({ title: 'WTI prices fall' })).toBe(true);
    expect(isPriceReport({ title: 'WTI futures prices rise' })).toBe(true);
    // Fillers only, or a filler then another word: not a report.
    expect(isPriceReport({ title: 'WTI futures' })).toBe(false);
    expect(isPriceReport({ title: 'WTI futures traders rise early' })).toBe(false);
  });

  it('is not fooled by spacing: leading, repeated, or punctuation between the words', () => {
    expect(isPriceReport({ title: '  Brent falls' })).toBe(true);
    expect(isPriceReport({ title: 'Brent   falls on demand' })).toBe(true);
    expect(isPriceReport({ title: 'Brent prices,  falls' })).toBe(true);
    expect(isPriceReport({ title: 'Brent: falls' })).toBe(false);
  });

  it('needs the subject as a whole word', () => {
    expect(isPriceReport({ title: 'Brent-rises' })).toBe(false);
    expect(isPriceReport({ title: 'Crudely, falls' })).toBe(false);
  });
});

describe('clustering: order and ties', () => {
  it('groups by window start whatever order the headlines come in', () => {
    const hs = [h('h1', 100, 'A', 50), h('h2', 0, 'B', 50), h('h3', 150, 'C', 50)];
    const windows: Record<string, { start: number; end: number }> = { h1: { start: 100, end: 200 }, h2: { start: 0, end: 50 }, h3: { start: 150, end: 300 } };
    const events = clusterEvents(hs, (x) => windows[x.id], { minRelevance: 40 });
    expect(events.map((e) => [e.start, e.end, e.cause!.id, e.sameMove.map((x) => x.id)])).toEqual([
      [0, 50, 'h2', []],
      [100, 200, 'h1', ['h3']],
    ]);
  });

  it('of windows starting together, the earliest headline\'s window is the event\'s', () => {
    // h2 is earlier than h1 and its window longer: h3 falls inside h2's window only.
    const hs = [h('h1', 10, 'A', 50), h('h2', 5, 'B', 50), h('h3', 70, 'C', 50)];
    const windows: Record<string, { start: number; end: number }> = { h1: { start: 0, end: 50 }, h2: { start: 0, end: 100 }, h3: { start: 70, end: 170 } };
    const events = clusterEvents(hs, (x) => windows[x.id], { minRelevance: 40 });
    expect(events).toHaveLength(1);
    expect(events[0].end).toBe(100);
    expect(events[0].cause!.id).toBe('h2');
  });

  it('the cause is the earliest headline, not the one whose window starts first', () => {
    const hs = [h('h1', 10, 'A', 50), h('h2', 20, 'B', 50)];
    const windows: Record<string, { start: number; end: number }> = { h1: { start: 100, end: 200 }, h2: { start: 90, end: 200 } };
    const [e] = clusterEvents(hs, (x) => windows[x.id], { minRelevance: 40 });
    expect(e.start).toBe(90);
    expect(e.cause!.id).toBe('h1');
    expect(e.sameMove.map((x) => x.id)).toEqual(['h2']);
  });

  it('breaks a tie of time and relevance by file order, whatever the input order; the minimum relevance itself counts', () => {
    const hs = [h('h2', 0, 'B', 40), h('h1', 0, 'A', 40), h('h3', 0, 'C', 39)];
    const [e] = clusterEvents(hs, () => ({ start: 0, end: 1 }), { minRelevance: 40 });
    expect(e.cause!.id).toBe('h1');
    expect(e.sameMove.map((x) => x.id)).toEqual(['h2']);
    expect(e.irrelevant.map((x) => x.id)).toEqual(['h3']);
  });
});
