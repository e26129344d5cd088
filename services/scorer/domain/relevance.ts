/**
 * The relevance phase: 0-100 for a desk watching Middle-East diplomacy, in the bands of
 * docs/taxonomy.md. The band comes from what the headline is (a price report, direct oil
 * supply news, geopolitics with an oil channel, macro or other energy, unrelated); the
 * place inside the band from how strongly it moves crude and how much oil it names.
 */
import type { TopicName } from '../../../shared/contracts/events.ts';

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
}

/** Band floors and spans, named so the bands in docs/taxonomy.md can be read off the code. */
export const BANDS = {
  priceReport: { floor: 90, span: 9 },
  directOil: { floor: 85, span: 12 },
  geopoliticsWithChannel: { floor: 65, span: 24 },
  geopoliticsElsewhere: { floor: 35, span: 20 },
  macroOrEnergy: { floor: 35, span: 22 },
  channelOnly: { floor: 40, span: 20 },
  unrelated: { floor: 0, span: 27 },
} as const;

const GEOPOLITICS: TopicName[] = ['military', 'sanctions', 'mediation', 'ceasefire', 'shipping'];
const DIRECT: TopicName[] = ['opec', 'inventories'];

const has = (topics: RelevanceInput['topics'], t: TopicName): boolean => (topics instanceof Set ? topics.has(t) : (topics as readonly TopicName[]).includes(t));

export function relevanceBand(x: RelevanceInput): number {
  const s = Math.max(0, Math.min(1, x.strength));
  let band: { floor: number; span: number };
  let within: number;
  const geo = GEOPOLITICS.filter((t) => has(x.topics, t)).length;
  if (x.priceReport) {
    band = BANDS.priceReport;
    within = 0.4 + 0.3 * s + (geo > 0 ? 0.3 : 0);
  } else if ((x.titleOil >= 2 && (s > 0 || geo > 0 || has(x.topics, 'macro'))) || (x.titleOil >= 1 && s > 0 && x.producer === true) || DIRECT.some((t) => has(x.topics, t))) {
    band = BANDS.directOil;
    within = 0.3 * s + (geo > 0 ? 0.4 : 0) + (x.titleOil >= 2 ? 0.3 : 0);
  } else if (geo > 0 && (x.channel || x.oil > 0)) {
    band = BANDS.geopoliticsWithChannel;
    within = 0.35 * s + (x.oil > 0 ? 0.45 : 0) + Math.min(0.2, 0.1 * (geo - 1)) + Math.min(0.15, 0.05 * x.entityWeight);
  } else if (geo > 0) {
    band = BANDS.geopoliticsElsewhere;
    within = 0.5 * s + Math.min(0.5, 0.1 * x.entityWeight);
  } else if (has(x.topics, 'macro') || x.oil > 0 || x.oilCompany === true) {
    band = BANDS.macroOrEnergy;
    within = (x.oil > 0 ? 0.5 : 0) + 0.3 * s + Math.min(0.2, 0.05 * x.entityWeight);
  } else if (x.channel && x.companyNews !== true) {
    band = BANDS.channelOnly;
    within = Math.min(1, 0.1 * x.entityWeight + 0.3 * s);
  } else {
    band = BANDS.unrelated;
    within = Math.min(1, 0.15 * x.entityWeight + 0.2 * s);
  }
  return Math.round(band.floor + band.span * Math.max(0, Math.min(1, within)));
}
