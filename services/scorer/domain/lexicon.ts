/**
 * The domain model's lexicon, written for oilwire (no third-party word list), as data in
 * three layers applied in order: `data/lexicon-core.json` (a general financial sentiment
 * vocabulary, financial quantities and the verbs that move them, the oil/geopolitics layer
 * with signs for Brent, and the layers that override them), `data/lexicon-taxonomy.json`
 * (readings docs/taxonomy.md settles: metaphors, company prose, topic compounds) and
 * `data/lexicon-tone.json` (its definition of sentiment). A later group overrides an earlier
 * one field by field; predicate senses accumulate (lexicon-builder.ts).
 */
import { LexiconBuilder, type Entry, type Lexicon } from './lexicon-builder.ts';
import CORE_ENTRIES from '../data/lexicon-core.json' with { type: 'json' };
import TAXONOMY_ENTRIES from '../data/lexicon-taxonomy.json' with { type: 'json' };
import TONE_ENTRIES from '../data/lexicon-tone.json' with { type: 'json' };

/** One group of a lexicon data file: the entry every word gets, and why. */
export interface LexiconGroup {
  why: string;
  entry: Record<string, unknown>;
  words: string[];
}

/** The data files in the order they are applied. */
export const LEXICON_LAYERS: readonly { file: string; groups: readonly LexiconGroup[] }[] = [
  { file: 'data/lexicon-core.json', groups: CORE_ENTRIES.groups as LexiconGroup[] },
  { file: 'data/lexicon-taxonomy.json', groups: TAXONOMY_ENTRIES.groups as LexiconGroup[] },
  { file: 'data/lexicon-tone.json', groups: TONE_ENTRIES.groups as LexiconGroup[] },
];

/** A JSON entry: `null` clears a field inherited from an earlier layer (JSON has no `undefined`). */
function entryFromJson(raw: Record<string, unknown>): Entry {
  const e: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(raw)) e[k] = val === null ? undefined : val;
  return e as Entry;
}

const L = new LexiconBuilder();
for (const layer of LEXICON_LAYERS) for (const g of layer.groups) L.add(entryFromJson(g.entry), ...g.words);

export const LEXICON: Lexicon = L.map;

/** Longest phrase in tokens, to bound the phrase matcher. */
export const MAX_PHRASE = Math.max(...[...LEXICON.keys()].map((k) => k.split(' ').length));
