/**
 * The relevance phase: 0-100 for a desk watching Middle-East diplomacy, in the bands of
 * docs/taxonomy.md. The band comes from what the headline is (a price report, direct oil
 * supply news, geopolitics with an oil channel, macro or other energy, unrelated); the
 * place inside the band from how strongly it moves crude and how much oil it names.
 */
import type { TopicName } from '../../../shared/contracts/events.ts';
import WORDS from '../data/relevance.json' with { type: 'json' };
import { GATE_RULES } from './topic-gate.ts';

export interface RelevanceInput {
  priceReport: boolean;
  /** Oil weight of the title's words (2 = crude itself, 1 = products, gas, refining). */
  titleOil: number;
  /** Oil weight of title and summary together. */
  oil: number;
  topics: ReadonlySet<TopicName> | readonly TopicName[];
  /** A producer, chokepoint or party to a Middle-East or producer conflict is named. */
  channel: boolean;
  /** Sum of the named entities' weights. */
  entityWeight: number;
  /** A producer, chokepoint or oil body (gazetteer weight 2) is named. */
  producer?: boolean;
  /** An oil company is named: its corporate news is energy-adjacent (30-59). */
  oilCompany?: boolean;
  /** Oil-direction strength, 0..1. */
  strength: number;
  /** The headline is a company's own news (shares, profit, a recall): a producer named in it alone is no geopolitics. */
  companyNews?: boolean;
  /** Crude itself is named in the title (an oil-relevance 2 word); without it, `titleOil >= 2` stands for it. */
  crude?: boolean;
  /** The title's lower-case tokens, read for the classes of data/relevance.json. */
  words?: readonly string[];
  /** The gazetteer names found in the title. */
  entities?: readonly string[];
  /** Tension, attacks or conflict in the oil region named as a region ("Middle East tensions"): geopolitics with an oil channel even without a topic. */
  region?: boolean;
}

/** The word classes of data/relevance.json, as bits of one mask. */
export const RELEVANCE_CLASS = {
  notOil: 1,
  oilCompanies: 2,
  energy: 4,
  marketWide: 8,
  transport: 16,
  currencies: 32,
  worldScale: 64,
  publicAffairs: 128,
  company: 256,
  trade: 512,
  economy: 1024,
  fuelBuyers: 4096,
  commodities: 8192,
  fuelSupply: 16384,
  supplyEvent: 32768,
  notEnergy: 65536,
  sanctionTargets: 131072,
} as const;
/** Set when a marketWide phrase leads the title ("Wall Street ends lower ..."): the market is the subject, not a company's benchmark. */
export const MARKET_LEAD = 2048;
export type RelevanceClassName = keyof typeof RELEVANCE_CLASS;

interface Phrase {
  rest: readonly string[];
  bit: number;
}

export interface RelevanceWords {
  /** First token -> the phrases starting with it (the rest of their tokens) and their class bit. */
  phrases: ReadonlyMap<string, readonly Phrase[]>;
  majorEconomies: ReadonlySet<string>;
  publicAffairsEntities: ReadonlySet<string>;
  remoteParties: ReadonlySet<string>;
}

type RawRelevanceWords = Record<RelevanceClassName, string[]> & { majorEconomies: string[]; publicAffairsEntities: string[]; remoteParties?: string[] };

export function compileRelevanceWords(raw: RawRelevanceWords): RelevanceWords {
  const phrases = new Map<string, Phrase[]>();
  for (const name of Object.keys(RELEVANCE_CLASS) as RelevanceClassName[]) {
    for (const entry of raw[name]) {
      const [first, ...rest] = entry.toLowerCase().split(' ').filter((w) => w.length > 0);
      if (first === undefined) continue;
      const list = phrases.get(first) ?? [];
      list.push({ rest, bit: RELEVANCE_CLASS[name] });
      phrases.set(first, list);
    }
  }
  return { phrases, majorEconomies: new Set(raw.majorEconomies), publicAffairsEntities: new Set(raw.publicAffairsEntities), remoteParties: new Set(raw.remoteParties ?? []) };
}

export const RELEVANCE_WORDS = compileRelevanceWords(WORDS as RawRelevanceWords);

/** The classes a title's tokens name, as a mask of RELEVANCE_CLASS bits (one pass, no allocation per token). */
export function relevanceClasses(words: readonly string[], rules: RelevanceWords = RELEVANCE_WORDS): number {
  let mask = 0;
  for (let i = 0; i < words.length; i++) {
    const list = rules.phrases.get(words[i]);
    if (list === undefined) continue;
    for (const p of list) {
      const n = p.rest.length;
      if ((mask & p.bit) !== 0 || i + n >= words.length) continue;
      let j = 0;
      while (j < n && words[i + 1 + j] === p.rest[j]) j++;
      if (j === n) mask |= p.bit | (p.bit === RELEVANCE_CLASS.marketWide && i <= 1 ? MARKET_LEAD : 0);
    }
  }
  return mask;
}

/** Band floors and spans, named so the bands in docs/taxonomy.md can be read off the code. */
export const BANDS = {
  priceReport: { floor: 90, span: 9 },
  directOil: { floor: 85, span: 12 },
  geopoliticsWithChannel: { floor: 65, span: 24 },
  fuelSupply: { floor: 60, span: 20 },
  geopoliticsElsewhere: { floor: 35, span: 20 },
  macroOrEnergy: { floor: 30, span: 27 },
  channelOnly: { floor: 40, span: 20 },
  unrelated: { floor: 0, span: 27 },
} as const;

const GEOPOLITICS: readonly TopicName[] = ['military', 'sanctions', 'mediation', 'ceasefire', 'shipping'];

/** Places inside the macro and energy-adjacent band (0..1 of its span), by what the headline is. */
export const MACRO_PLACES = {
  crudeNamed: 0.65,
  oilCompany: 0.6,
  oilWord: 0.35,
  energy: 0.2,
  macroAtScale: 0.55,
  tradeAtScale: 0.35,
  macro: 0.15,
  companyMacro: 0,
  currency: 0.05,
} as const;

/** A producer itself in the conflict (Iran, Saudi Arabia, Russia named) is closer to supply than a channel alone. */
export const PRODUCER_IN_CONFLICT = 0.3;

/** Places inside the unrelated band (0..1 of its span). */
export const UNRELATED_PLACES = { market: 0.85, publicAffairs: 0.5, other: 0 } as const;

const bit = (mask: number, name: RelevanceClassName): boolean => (mask & RELEVANCE_CLASS[name]) !== 0;

/** The only channel is a party to a conflict far from oil supply (North Korea, Sudan), with no producer or oil named. */
function remoteOnly(x: RelevanceInput, oil: number, rules: RelevanceWords): boolean {
  const ents = x.entities ?? [];
  if (x.producer === true || oil > 0 || !ents.some((e) => rules.remoteParties.has(e))) return false;
  if (ents.some((e) => GATE_RULES.conflictEntities.has(e) && !rules.remoteParties.has(e))) return false;
  return !(x.words ?? []).some((w) => GATE_RULES.channelWords.has(w));
}

export function relevanceBand(x: RelevanceInput, rules: RelevanceWords = RELEVANCE_WORDS): number {
  const s = Math.max(0, Math.min(1, x.strength));
  let band: { floor: number; span: number };
  let within: number;
  // One pass over the topics (a list may name one twice): which geopolitical ones, and the rest.
  let geoSeen = 0;
  let direct = false;
  let macro = false;
  for (const t of x.topics) {
    const g = GEOPOLITICS.indexOf(t);
    if (g >= 0) geoSeen |= 1 << g;
    else if (t === 'opec' || t === 'inventories') direct = true;
    else if (t === 'macro') macro = true;
  }
  let geo = 0;
  for (let m = geoSeen; m !== 0; m &= m - 1) geo++;
  const sanctions = (geoSeen & (1 << GEOPOLITICS.indexOf('sanctions'))) !== 0;
  const anyTopic = geo > 0 || macro || direct;
  const cls = x.words === undefined ? 0 : relevanceClasses(x.words, rules);
  // "Palm oil", "crude remarks": another commodity or sense of the word names no crude.
  const notOil = bit(cls, 'notOil');
  const crude = !notOil && (x.crude ?? x.titleOil >= 2);
  const titleOil = notOil ? 0 : x.titleOil;
  const oilCompany = x.oilCompany === true || bit(cls, 'oilCompanies');
  // "Drug pipeline", "pricing power": a metaphor of an energy word names no energy market.
  const notEnergy = bit(cls, 'notEnergy');
  // A market leading the title ("S&P 500 dips as utilities tumble") is the market's news, not the energy sector's.
  const energy = !notEnergy && bit(cls, 'energy') && (cls & MARKET_LEAD) === 0;
  const company = bit(cls, 'company');
  const publicAffairs = bit(cls, 'publicAffairs') || (x.entities ?? []).some((e) => rules.publicAffairsEntities.has(e));
  // An oil-market word short of crude (storage, shipping, a glut, a price war) is an oil word only in an
  // oil story: with crude, a producer or party, a topic, an oil company or another energy market named.
  const oilStory = crude || x.producer === true || x.channel || anyTopic || oilCompany || energy;
  // Dry-bulk and container freight is another market: its rates are no oil words without crude or a channel.
  const otherFreight = bit(cls, 'transport') && !bit(cls, 'fuelSupply') && !crude && !x.channel;
  const oil = notOil || otherFreight || !oilStory ? 0 : x.oil;
  if (x.priceReport) {
    band = BANDS.priceReport;
    within = 0.4 + 0.3 * s + (geo > 0 ? 0.3 : 0);
  } else if ((crude && (geo > 0 || (!company && (s > 0 || macro || x.producer === true)))) || (titleOil >= 1 && s > 0 && x.producer === true && !energy) || direct) {
    band = BANDS.directOil;
    within = 0.3 * s + (geo > 0 ? 0.4 : 0) + (crude ? 0.3 : 0);
  } else if ((geo > 0 || x.region === true) && (x.channel || oil > 0) && !remoteOnly(x, oil, rules)) {
    band = BANDS.geopoliticsWithChannel;
    // Sanctions on people, banks or firms with no oil named reach crude less than sanctions on a producer's oil.
    const targeted = geo === 1 && sanctions && oil === 0 && bit(cls, 'sanctionTargets');
    within = targeted ? Math.min(0.15, 0.05 * x.entityWeight) : 0.35 * s + (oil > 0 ? 0.45 : 0) + Math.min(0.2, 0.1 * Math.max(0, geo - 1)) + Math.min(0.15, 0.05 * x.entityWeight) + (x.producer === true ? PRODUCER_IN_CONFLICT : 0);
  } else if (!company && !notEnergy && bit(cls, 'fuelSupply') && (s > 0 || bit(cls, 'supplyEvent'))) {
    // Refined fuels, refineries, pipelines and shale supply moving or disrupted: supply news next to crude.
    band = BANDS.fuelSupply;
    within = 0.25 + 0.35 * s + (x.producer === true ? 0.25 : 0) + (geo > 0 ? 0.15 : 0);
  } else if (geo > 0) {
    band = BANDS.geopoliticsElsewhere;
    within = 0.5 * s + Math.min(0.5, 0.1 * x.entityWeight);
  } else if (x.channel && !company && !bit(cls, 'fuelBuyers') && x.companyNews !== true && !macro && oil === 0 && !oilCompany) {
    // A producer or party named with another energy word ("Iran expands uranium enrichment") is still that state's news.
    // An airline's, a plane maker's or a jet order's news with a Gulf name in it is a fuel buyer's own news, not that state's.
    band = BANDS.channelOnly;
    within = Math.min(1, 0.1 * x.entityWeight + 0.3 * s);
  } else if (macro || oil > 0 || oilCompany || energy || (!company && bit(cls, 'currencies'))) {
    band = BANDS.macroOrEnergy;
    // The largest consumers, their central banks or the world economy move demand for crude; a smaller economy's rates less so.
    const atScale = bit(cls, 'worldScale') || (x.entities ?? []).some((e) => rules.majorEconomies.has(e));
    // A company's own news under a macro word ("results hit by tariffs") sits at the bottom; a trade dispute alone below the economy itself.
    const macroPlace = company ? MACRO_PLACES.companyMacro : !atScale ? MACRO_PLACES.macro : bit(cls, 'economy') || !bit(cls, 'trade') ? MACRO_PLACES.macroAtScale : MACRO_PLACES.tradeAtScale;
    within = Math.max(
      crude ? MACRO_PLACES.crudeNamed : 0,
      oilCompany ? MACRO_PLACES.oilCompany : 0,
      oil > 0 ? MACRO_PLACES.oilWord : 0,
      energy ? MACRO_PLACES.energy : 0,
      macro ? macroPlace : MACRO_PLACES.currency,
    ) + 0.25 * s;
  } else if (x.channel && !bit(cls, 'fuelBuyers') && ((x.companyNews !== true && !company) || (publicAffairs && !company))) {
    // A producer or party named in a company's own news (its chief, a court case, a memorandum) or a fuel buyer's is that company's news.
    band = BANDS.channelOnly;
    within = Math.min(1, 0.1 * x.entityWeight + 0.3 * s);
  } else {
    band = BANDS.unrelated;
    // Whole markets and fuel-buying transport above public affairs, and those above one company's news.
    if ((cls & MARKET_LEAD) !== 0 || (!company && (bit(cls, 'marketWide') || bit(cls, 'transport') || bit(cls, 'commodities')))) within = UNRELATED_PLACES.market;
    else if (bit(cls, 'transport') || bit(cls, 'fuelBuyers') || (!company && publicAffairs)) within = UNRELATED_PLACES.publicAffairs + Math.min(0.2, 0.05 * x.entityWeight);
    else within = UNRELATED_PLACES.other + 0.2 * s;
  }
  return Math.round(band.floor + band.span * Math.max(0, Math.min(1, within)));
}
