/**
 * The price-report phase: does the headline report a move or level of oil prices
 * themselves ("Oil falls 3% as ...", "Brent holds near $80", "Goldman raises Brent
 * forecast")? If so, the stated move is the oil direction (docs/taxonomy.md), whatever the
 * clause after "as" says. Word lists are data (services/scorer/data/price-report.json).
 */
import WORDS from '../data/price-report.json' with { type: 'json' };
import { Kind, type Tokens } from './text.ts';

export interface PriceReport {
  report: boolean;
  /** The stated move: 1 up, -1 down, 0 steady or a level without a move. */
  direction: -1 | 0 | 1;
  /** Token index of the oil subject ("Tanker attack sends oil higher": 4), so the words before it can be read as the cause. */
  subject?: number;
}

type Lists = Omit<typeof WORDS, '$comment'>;
type Sets = { [K in keyof Lists]: Set<string> };

function compile(w: Lists): Sets {
  const out = {} as Sets;
  for (const k of Object.keys(w) as (keyof Lists)[]) out[k] = new Set(w[k]);
  return out;
}

export const PRICE_WORDS: Sets = compile(WORDS);
const NONE: PriceReport = { report: false, direction: 0 };
const COPULA = new Set(['is', 'are', 'was', 'were']);
/** Verbs of the level list that name no level of their own ("marks weekly gain", "logs third loss"): a report only with a move after them, like a copula. */
const MOVE_ONLY = new Set([...COPULA, 'mark', 'marks', 'marked', 'log', 'logs', 'logged', 'notch', 'notches', 'notched', 'book', 'books', 'booked', 'chalk', 'chalks']);
/** A price level written with a currency word is the same as with the sign: "reaches USD 80" is "reaches $80". */
const DOLLAR = new Set(['$', 'usd']);
/** "Crude pulls back": a retreat, read only with "back" after the verb ("pulls ahead" is not). */
const PULL = new Set(['pull', 'pulls', 'pulled', 'pulling']);
const MOVE_NOUNS = new Set(['rally', 'rebound', 'gains', 'gain', 'surge', 'advance', 'recovery', 'bounce', 'climb', 'rise', 'jump', 'spike']);
const HOLD = new Set(['hold', 'holds', 'held', 'holding']);
const FIRMS_NEXT = new Set(['on', 'as', 'after', 'amid', 'ahead', 'in', 'above', 'toward', 'towards', ',', 'near', 'despite', 'while']);
/** Subjects that take the bare verb: "Oil prices firm" is a move, "Chinese oil firm" a company. */
const PLURAL_SUBJECTS = new Set(['prices', 'futures', 'contracts', 'markets', 'benchmarks']);
/** What "firms to" reaches when it is a move ("firms to two-week high"), not a plan ("Oil firms to boost spending"). */
const TO_LEVEL = new Set(['high', 'highs', 'highest', 'low', 'lows', 'lowest', 'peak', 'peaks', 'top', 'record']);
/** The headline as the tokenizer read it: a figure is what it typed `Kind.Num` (any script's digits), not a digit test of our own. */
type Read = Pick<Tokens, 'low' | 'kind'>;
const isFigure = (t: Read, j: number) => t.kind[j] === Kind.Num || DOLLAR.has(t.low[j]);

/**
 * "firm"/"firms" after the subject: a move only before a clause word, a figure or a level ("Oil firms on supply
 * worries", "Brent firms 50 cents", "firms to two-week high"), or at the end after a plural subject ("Oil prices
 * firm"); otherwise the noun of "state oil firm", "Oil firms to boost spending", "windfall tax on oil firms".
 */
function firmIsMove(t: Read, j: number): boolean {
  const low = t.low;
  const next = low[j + 1];
  if (next === undefined) return PLURAL_SUBJECTS.has(low[j - 1]);
  if (isFigure(t, j + 1)) return true;
  if (next === 'to') return isFigure(t, j + 2) || low.slice(j + 2, j + 5).some((w) => TO_LEVEL.has(w));
  return FIRMS_NEXT.has(next);
}
const MAX_FILLERS = 4;
const SCAN = 6;

/** Direction named in the few words after a level verb ("set for weekly gain", "hits three-month low"). */
function scanAfter(low: readonly string[], from: number, W: Sets): -1 | 0 | 1 {
  for (let j = from; j < low.length && j < from + SCAN; j++) {
    const w = low[j];
    if (W.scanStop.has(w) && j > from) return 0;
    if (DOLLAR.has(w)) {
      const prev = low[j - 1];
      if (W.dollarUp.has(prev)) return 1;
      if (W.dollarDown.has(prev)) return -1;
      continue;
    }
    if (W.upAfter.has(w) || W.up.has(w)) return 1;
    if (W.downAfter.has(w) || W.down.has(w)) return -1;
  }
  return 0;
}

function moveAt(t: Read, j: number, W: Sets): PriceReport | undefined {
  const low = t.low;
  const w = low[j];
  if (w === undefined) return undefined;
  if ((w === 'firms' || w === 'firm') && !firmIsMove(t, j)) return undefined;
  if (PULL.has(w) && low[j + 1] === 'back') return { report: true, direction: -1 };
  if (W.reversers.has(w)) {
    // "pares gains" gives back a rise; "pares losses" recovers from a fall.
    for (let k = j + 1; k < low.length && k <= j + 3; k++) {
      if (W.upAfter.has(low[k])) return { report: true, direction: -1 };
      if (W.downAfter.has(low[k])) return { report: true, direction: 1 };
    }
    return { report: true, direction: -1 };
  }
  if (W.up.has(w)) {
    // "rally fizzles", "rebound stalls": the move the subject names is ending (a noun, not "rises as ... ends").
    if (MOVE_NOUNS.has(w)) {
      for (let k = j + 1; k < low.length && k <= j + 3 && !W.scanStop.has(low[k]); k++) if (W.fades.has(low[k])) return { report: true, direction: -1 };
    }
    return { report: true, direction: 1 };
  }
  if (W.down.has(w)) return { report: true, direction: -1 };
  if (W.flat.has(w)) {
    // "holds gains" keeps a rise, "holds losses" a fall.
    if (HOLD.has(w) && W.upAfter.has(low[j + 1])) return { report: true, direction: 1 };
    if (HOLD.has(w) && W.downAfter.has(low[j + 1])) return { report: true, direction: -1 };
    return { report: true, direction: 0 };
  }
  if (W.level.has(w)) {
    if (DOLLAR.has(w) || DOLLAR.has(low[j + 1])) return { report: true, direction: W.dollarUp.has(w) ? 1 : W.dollarDown.has(w) ? -1 : 0 };
    const direction = scanAfter(low, j + 1, W);
    // "The oil market is pricing in peace": a copula reports a price only with a move or level after it.
    if (direction === 0 && MOVE_ONLY.has(w)) return undefined;
    return { report: true, direction };
  }
  return undefined;
}

const TURN = new Set(['but', 'yet', 'however', 'then', 'before']);

/** "Oil rose early, but ended lower": after a contrast, the later move is the one that stands. */
function laterTurn(t: Read, from: number, W: Sets): PriceReport | undefined {
  const low = t.low;
  for (let k = from; k < low.length; k++) {
    if (!TURN.has(low[k])) continue;
    for (let j = k + 1; j < low.length && j <= k + 4; j++) {
      const m = moveAt(t, j, W);
      if (m && m.direction !== 0) return m;
    }
    return undefined;
  }
  return undefined;
}

/** Reads one headline's tokens (text.ts `tokenize`): the lower-cased words and the kind the tokenizer gave each. */
export function readPriceReport(t: Read, W: Sets = PRICE_WORDS): PriceReport {
  const low = t.low;
  for (let i = 0; i < low.length; i++) {
    if (!W.subjects.has(low[i]) || (i > 0 && W.notAfter.has(low[i - 1]))) continue;
    // "rising oil prices", "falling crude prices": the move is named before the subject.
    if (i > 0 && (low[i + 1] === 'prices' || low[i + 1] === 'price' || (low[i + 1] === 'oil' && low[i + 2] === 'prices'))) {
      // "Profit tops estimates on rising oil prices": the prefixed price is another subject's cause, not the report.
      if (i > 1 && (W.prefixUp.has(low[i - 1]) || W.prefixDown.has(low[i - 1])) && W.prefixGoverned.has(low[i - 2])) continue;
      if (W.prefixUp.has(low[i - 1])) return { report: true, direction: 1 };
      if (W.prefixDown.has(low[i - 1])) return { report: true, direction: -1 };
    }
    let j = i + 1;
    let fillers = 0;
    while (j < low.length && W.fillers.has(low[j]) && fillers < MAX_FILLERS) {
      j++;
      fillers++;
    }
    // "Oil price forecast", "raises Brent forecast": an analyst's view of the price.
    if (W.forecast.has(low[j])) {
      for (let k = i - 1; k >= 0 && k >= i - 3; k--) {
        if (W.forecastUp.has(low[k])) return { report: true, direction: 1 };
        if (W.forecastDown.has(low[k])) return { report: true, direction: -1 };
      }
      if (low[j] === 'forecast' || low[j] === 'forecasts') return { report: true, direction: 0 };
      continue;
    }
    const m = moveAt(t, j, W);
    if (m) return { ...(laterTurn(t, j + 1, W) ?? m), subject: i };
  }
  return NONE;
}
