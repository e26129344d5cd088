import type { TopicName } from '../../../shared/contracts/events.ts';

/**
 * Concept classes restrict which predicates may bind which nouns ("close" binds shipping
 * flows, not share prices; "draw" binds inventories, not crude prices).
 */
export type Cls = 'q' | 'ev' | 'mil' | 'sanc' | 'flow' | 'inv' | 'px' | 'mac';

/** Modifiers: negation, denial, intensity, contrast, hedging, shields that block other rules. */
export type Mod = 'neg' | 'deny' | 'int' | 'but' | 'despite' | 'hedge' | 'cmp' | 'skip';

/**
 * One lexicon entry. A word can be a plain valence word (`s`, `o`), a concept (a quantity
 * or state whose rise is good or bad: `cs`, `co`), a predicate (a direction `d` that binds
 * a nearby concept), or a modifier. When a predicate binds a concept, their product
 * replaces both standalone valences: "losses narrowed" is good, "costs soared" is bad,
 * "ceasefire collapses" is bullish for crude.
 */
export interface Entry {
  /** Standalone sentiment valence, about -3..3. */
  s?: number;
  /** Standalone oil valence: + bullish, - bearish. */
  o?: number;
  /** Concept: sentiment sign of "more of it" (profit +1, losses -1). */
  cs?: number;
  /** Concept: oil sign of "more of it" (demand +1, output -1). */
  co?: number;
  cls?: Cls;
  /** Predicate direction: +1 up/progress/impose, -1 down/fail/lift, 0 flat. */
  d?: number;
  /** Binding side: a = after first, b = before first, A/B = that side only. */
  side?: 'a' | 'b' | 'A' | 'B';
  /** Classes this predicate may bind (default all). */
  bind?: Cls[];
  /** Magnitude when bound (default max(1, |s|)). */
  str?: number;
  /** Binding window in significant tokens (default 4; adjectives reach only their noun). */
  win?: number;
  /** Comparison ("supply outstrips demand"): the subject rises against the concept after the verb, which binds too, the other way. */
  vs?: boolean;
  mod?: Mod;
  /** Multiplier for `int` (intensifiers > 1, diminishers < 1, hedges < 1). */
  mult?: number;
  /** Adverb intensifiers look back to the verb first ("fell sharply"). */
  adv?: boolean;
  /** Negation / denial scope in significant tokens (default 3 / to clause end). */
  scope?: number;
  t?: TopicName[];
  /** Topic counts only when the text also has a geopolitical cue (a country, a military or sanctions word). */
  weakT?: boolean;
  /** Relevance to Brent: 2 = crude itself, 1 = oil-market word. */
  oil?: number;
  /** Marks a geopolitical cue for weak topics. */
  geo?: boolean;
  /** Concept oil sign when the text is about oil (production, exports, prices of an oil producer). */
  coOil?: number;
  /** Concept oil sign in an OPEC story (an OPEC deal is a supply deal, usually a cut). */
  coOpec?: number;
  /** Extra oil valence when a topic is present ("split" in an OPEC story is bearish). */
  ot?: Partial<Record<TopicName, number>>;
}

/** One way a predicate binds: its direction, preferred side, the classes it accepts and its weight. */
export interface Sense {
  d: number;
  side: 'a' | 'b' | 'A' | 'B';
  bind?: Cls[];
  str: number;
  win?: number;
  /** A comparison's sense for its object (the opposite direction), bound after the subject's. */
  vs?: Sense;
}

/** A compiled entry: predicate fields folded into `senses` (a word can move different things different ways). */
export interface Compiled extends Omit<Entry, 'd' | 'side' | 'bind' | 'str' | 'win' | 'vs'> {
  senses?: Sense[];
}

export type Lexicon = Map<string, Compiled>;

/** What a comparison weighs its subject against: market quantities, not a forecast or a target it beats ("profit exceeds forecasts"). */
const COMPARED: Cls[] = ['flow', 'mac', 'inv'];

function sameSense(a: Sense, b: Sense): boolean {
  return a.d === b.d && a.side === b.side && String(a.bind ?? '') === String(b.bind ?? '');
}

export class LexiconBuilder {
  readonly map: Lexicon = new Map();

  add(entry: Entry, ...words: (string | string[])[]): this {
    const { d, side, bind, str, win, vs, ...rest } = entry;
    const sense: Sense | undefined = d === undefined ? undefined : { d, side: side ?? 'b', bind, str: str ?? Math.max(1, Math.abs(entry.s ?? 0)), ...(win ? { win } : {}) };
    if (sense && vs) sense.vs = { ...sense, d: -sense.d, side: 'A', bind: COMPARED };
    for (const w of words.flat()) {
      const key = w.toLowerCase().replace(/-/g, ' ').replace(/\s+/g, ' ').trim();
      const prev = this.map.get(key);
      // Later, more specific definitions of a word extend earlier ones field by field; predicate senses accumulate.
      const next: Compiled = prev ? { ...prev, ...rest } : { ...rest };
      // A word that is a concept keeps the concept's standalone valence when a predicate sense is added later:
      // "strikes" unbound is an attack, not the "strike a deal" reading.
      if (prev?.cls && !rest.cls && sense) {
        next.s = prev.s;
        next.o = prev.o;
      }
      if (sense) next.senses = [...(prev?.senses ?? []).filter((x) => !sameSense(x, sense)), sense];
      this.map.set(key, next);
    }
    return this;
  }
}
