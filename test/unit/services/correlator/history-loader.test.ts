import { describe, expect, it } from 'vitest';
import { HistoryLoader } from '../../../../services/correlator/history-loader.ts';

/** An engine stand-in: what each symbol needs, and what it was given. */
function fakeEngine(needs: Record<string, number | undefined>) {
  const loaded: { symbol: string; ids: string[] }[] = [];
  return {
    needs,
    loaded,
    earliestNeeded: (symbol: string) => needs[symbol],
    loadHistory: (symbol: string, ticks: { identity: string }[]) => void loaded.push({ symbol, ids: ticks.map((t) => t.identity) }),
  };
}

function loader(needs: Record<string, number | undefined>, symbols = Object.keys(needs)) {
  const engine = fakeEngine(needs);
  const queries: [string, number, number][] = [];
  const history = new HistoryLoader(engine, symbols, async (symbol, fromMs, toMs) => {
    queries.push([symbol, fromMs, toMs]);
    return [{ ts: fromMs, price: 80, identity: `${symbol}@${fromMs}` }];
  });
  return { engine, queries, history };
}

describe('HistoryLoader', () => {
  it('loads each symbol once from what it needs up to all stored ticks, and hands them to the engine', async () => {
    const { engine, queries, history } = loader({ BRENT: 5_000, WTI: undefined });
    expect(history.heldFrom('BRENT')).toBe(Infinity);
    await history.ensure();
    expect(queries).toEqual([['BRENT', 5_000, 1e13]]);
    expect(engine.loaded).toEqual([{ symbol: 'BRENT', ids: ['BRENT@5000'] }]);
    expect(history.heldFrom('BRENT')).toBe(5_000);
    await history.ensure();
    expect(queries.length).toBe(1);
  });

  it('loads only the missing stretch when an older article needs more, and nothing when it needs exactly what is held', async () => {
    const { engine, queries, history } = loader({ BRENT: 5_000 });
    await history.ensure();
    engine.needs.BRENT = 2_000;
    await history.ensure();
    engine.needs.BRENT = 2_000;
    await history.ensure();
    expect(queries).toEqual([
      ['BRENT', 5_000, 1e13],
      ['BRENT', 2_000, 5_000],
    ]);
    expect(history.heldFrom('BRENT')).toBe(2_000);
  });

  it('after a prune, holds history only from the cutoff (never earlier than before) and loads again what is needed below it', async () => {
    const { engine, queries, history } = loader({ BRENT: 5_000, WTI: undefined });
    await history.ensure();
    history.pruned('BRENT', 8_000);
    history.pruned('BRENT', 7_000);
    expect(history.heldFrom('BRENT')).toBe(8_000);
    // Nothing loaded yet for WTI: the cutoff becomes where its held history starts.
    history.pruned('WTI', 3_000);
    expect(history.heldFrom('WTI')).toBe(3_000);
    engine.needs.BRENT = 6_000;
    await history.ensure();
    expect(queries.at(-1)).toEqual(['BRENT', 6_000, 8_000]);
  });
});
