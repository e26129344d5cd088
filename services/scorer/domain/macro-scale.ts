/**
 * The scale of macro news (docs/taxonomy.md, oil_direction): macro news moves crude only as a
 * world demand shock, so the central banks and data of the United States, China, the euro
 * zone, Japan and the world carry a direction, and another economy's own ("Bank of Canada
 * cuts rates", "Italy's GDP stagnates") carries none. Word lists are data
 * (services/scorer/data/macro-scale.json).
 */
import WORDS from '../data/macro-scale.json' with { type: 'json' };

/** `world`: a world-scale economy, market or the dollar is named; `local`: only other economies are; `none`: no economy at all. */
export type MacroScale = 'world' | 'local' | 'none';

export interface MacroScaleWords {
  worldEntities: ReadonlySet<string>;
  /** First token -> the rest of each phrase starting with it, and whether it is world-scale. */
  phrases: ReadonlyMap<string, readonly { rest: readonly string[]; world: boolean }[]>;
  localDollars: ReadonlySet<string>;
  priceFigures: Phrases;
  demandWords: Phrases;
}

/** First token -> the rest of each phrase starting with it. */
type Phrases = ReadonlyMap<string, readonly (readonly string[])[]>;

export interface RawMacroScaleWords {
  worldEntities: readonly string[];
  worldPhrases: readonly string[];
  localPhrases: readonly string[];
  localDollars: readonly string[];
  priceFigures: readonly string[];
  demandWords: readonly string[];
}

function phraseMap(list: readonly string[]): Phrases {
  const out = new Map<string, string[][]>();
  for (const entry of list) {
    const [first, ...rest] = entry.split(' ');
    const rests = out.get(first) ?? [];
    rests.push(rest);
    out.set(first, rests);
  }
  return out;
}

function names(words: readonly string[], phrases: Phrases): boolean {
  for (let i = 0; i < words.length; i++) {
    const rests = phrases.get(words[i]);
    if (rests?.some((rest) => rest.every((w, k) => words[i + 1 + k] === w))) return true;
  }
  return false;
}

/**
 * Inflation, price, wage or housing figures with no world demand channel named ("Euro zone
 * inflation hits record", "Mortgage rates hit highest since 2000"): their oil implication is
 * unclear (docs/taxonomy.md), neutral even for the world-scale economies.
 */
export function pricesOnly(words: readonly string[], scale: MacroScaleWords = MACRO_SCALE): boolean {
  return names(words, scale.priceFigures) && !names(words, scale.demandWords);
}

export function compileMacroScale(raw: RawMacroScaleWords): MacroScaleWords {
  const phrases = new Map<string, { rest: string[]; world: boolean }[]>();
  const add = (entry: string, world: boolean) => {
    const [first, ...rest] = entry.split(' ');
    const list = phrases.get(first) ?? [];
    list.push({ rest, world });
    phrases.set(first, list);
  };
  for (const p of raw.worldPhrases) add(p, true);
  for (const p of raw.localPhrases) add(p, false);
  return { worldEntities: new Set(raw.worldEntities), phrases, localDollars: new Set(raw.localDollars), priceFigures: phraseMap(raw.priceFigures), demandWords: phraseMap(raw.demandWords) };
}

export const MACRO_SCALE: MacroScaleWords = compileMacroScale(WORDS);

/**
 * `words` are the headline's lower-case tokens, `entities` the gazetteer names found in it. One
 * world-scale name anywhere makes the news world-scale ("Japan's exports fall as China demand
 * slows"); another economy's dollar ("Canadian dollar rallies") is that economy's currency.
 */
export function macroScale(words: readonly string[], entities: readonly string[], scale: MacroScaleWords = MACRO_SCALE): MacroScale {
  if (entities.some((e) => scale.worldEntities.has(e))) return 'world';
  let local = false;
  for (let i = 0; i < words.length; i++) {
    const list = scale.phrases.get(words[i]);
    if (list === undefined) continue;
    for (const p of list) {
      if (!p.rest.every((w, k) => words[i + 1 + k] === w)) continue;
      if (!p.world) local = true;
      else if (words[i] === 'dollar' && i > 0 && scale.localDollars.has(words[i - 1])) local = true;
      else return 'world';
    }
  }
  return local ? 'local' : 'none';
}
