/**
 * The function words the reading phases use, as data (`data/reading-words.json`, each list
 * with its reason): clause barriers, prepositions, level verbs, sub-clause openers, negation
 * scope ends, cause connectors, novelty stop words, currencies and units.
 */
import WORDS from '../data/reading-words.json' with { type: 'json' };

/** Clause connectors a predicate does not bind across ("Oil falls as ceasefire holds"). */
export const BARRIER: ReadonlySet<string> = new Set(WORDS.barrier);
/** Prepositions that open a modifier phrase: "talks on Iran's nuclear program end" ends the talks. */
export const PREP: ReadonlySet<string> = new Set(WORDS.prep);
/** "hits a record", "touches a three-month low": the level word carries the direction, not "hit". */
export const LEVEL_VERB: ReadonlySet<string> = new Set(WORDS.levelVerb);
export const LEVEL_WORD: ReadonlySet<string> = new Set(WORDS.levelWord);
/** Causal or temporal sub-clause openers ("as", "due to", "on fears"). */
export const SUB: ReadonlySet<string> = new Set(WORDS.sub);
/** Negation stops at a preposition that opens a new phrase ("no talks under threat of force"). */
export const SCOPE_END: ReadonlySet<string> = new Set(WORDS.scopeEnd);
/** "slips into recession": what follows is the new state, not the thing that moved. */
export const INTO: ReadonlySet<string> = new Set(WORDS.into);
/** Words that open the cause of a reported move: "Oil falls as ...", "Brent jumps after ...". */
export const CAUSE: ReadonlySet<string> = new Set(WORDS.cause);
/** Words that say nothing about which story a headline is. */
export const STOP_SHINGLE: ReadonlySet<string> = new Set(WORDS.stopShingle);
/** Currency word → ISO code. */
export const CURRENCY: Readonly<Record<string, string>> = WORDS.currency;
/** Multiplier written after a figure. */
export const UNIT: Readonly<Record<string, number>> = WORDS.unit;
/** Words naming crude itself: an oil-market phrase opening with one names crude. */
export const CRUDE_WORD: ReadonlySet<string> = new Set(WORDS.crudeWord);
