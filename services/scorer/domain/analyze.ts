/**
 * The domain model: reads a headline (and optionally a summary) in named phases and returns
 * sentiment, oil direction, topics, entities, price report, relevance and novelty signatures.
 * Pure and deterministic. Phases, each in its own module: items (`read-items.ts`: lexicon and
 * gazetteer matches), modifiers (`read-modifiers.ts`: negation, denial, hedges, intensity,
 * contrast), bindings (`read-bindings.ts`: predicates bind concepts), figures
 * (`read-figures.ts`), then here the totals (pair products, standalone valences, topic
 * evidence and gating, shingles and event frame) and the labels (price report and its cause's
 * tone, thresholds, the oil gate, relevance).
 */
import { OIL_SPECIFIC_TOPICS, TOPIC_NAMES, type TopicName } from '../../../shared/contracts/events.ts';
import type { OilDirectionLabel, ScoredFields, SentimentLabel } from '../ports.ts';
import { fnv1a } from './hash.ts';
import type { Compiled } from './lexicon-builder.ts';
import { macroScale, pricesOnly } from './macro-scale.ts';
import type { EventFrame, StoryReading } from './novelty.ts';
import { readPriceReport } from './price-report.ts';
import { bindPairs } from './read-bindings.ts';
import { compareFigures, titleFigures } from './read-figures.ts';
import { buildItems, conceptOf, entityEntry, joinLow } from './read-items.ts';
import { readModifiers, type Scope } from './read-modifiers.ts';
import { CAUSE, CRUDE_WORD, PREP } from './reading-words.ts';
import { relevanceBand } from './relevance.ts';
import { EVENT_SHINGLE, shingleHash, STOP_SHINGLE } from './shingles.ts';
import { GATE_RULES, gateTopics, hasOilChannel, namesCompanyNews, namesCompanyResults, namesCompanyShares, namesDemandChannel, namesRegion, namesRegionConflict, namesSiteStrike, namesTrade, readWordBits, tradeAtWorldScale, type TopicEvidence, type WordBits } from './topic-gate.ts';
import { Kind, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, sanitize, tokenize, type Tokens } from './text.ts';

export interface Analysis extends ScoredFields {
  /** Content-word hashes (entities by canonical name) for near-duplicate detection. */
  shingles: number[];
  /** The event frame: canonical entities and event classes (hashes, a subset of `shingles`), so a rewrite in other words stays in its story. */
  frame: EventFrame;
  /** Which way the story goes, oil direction and tone kept apart, so novelty splits an opposite development from its story. */
  reading: StoryReading;
  /** The title's figures (at most four), so novelty splits a development with new numbers from its story. */
  figures: number[];
  /** Raw evidence totals, for the ensemble and for debugging. */
  evidence: { sentiment: number; oil: number; cues: number; threshold: number };
  /** True when the text had nothing readable (empty, junk, symbols only). */
  empty: boolean;
}

export interface AnalyzeOptions {
  /** Evidence needed for a non-neutral sentiment label. */
  sentimentThreshold?: number;
  /** Evidence needed for a bullish/bearish label. */
  oilThreshold?: number;
  /** Weight of the summary relative to the title. */
  summaryWeight?: number;
}

const DEFAULTS: Required<Omit<AnalyzeOptions, 'sentimentThreshold'>> = { oilThreshold: 0.6, summaryWeight: 0.5 };

const SHORT_T = 0.5;

/** Oil strength of a stated price move when the lexicon found less. */
const PRICE_REPORT_STRENGTH = 0.5;

const LONG_T = 0.9;

const T_SLOPE = 0.03;

const NEG_S = -0.6;

const NEG_O = -0.7;

const DENY_S = -0.4;

const DENY_O = -0.75;

const QUESTION = 0.4;

/** Weight of the tone of an OPEC output-policy headline (supply management is the oil view, not a tone). */
const OPEC_TONE = 0.5;
/** Topics of conflict and its channels: with one of them, talks and deals are conflict diplomacy. */
const GEOPOLITICS: readonly TopicName[] = ['mediation', 'ceasefire', 'sanctions', 'military', 'shipping'];
/** docs/taxonomy.md: relevance 60-89 is geopolitics with a clear oil channel. */
const CLEAR_OIL_CHANNEL = 60;
/** The parties whose talks and deals are conflict diplomacy (the mediation gate's own list). */
/** The gate's name for the oil region as a party to an armed conflict (data/topic-context.json conflictEntities). */
const REGION_PARTY = 'Middle East';
const DIPLOMACY_PARTIES: ReadonlySet<string> = GATE_RULES.topics.get('mediation')?.entities ?? GATE_RULES.conflictEntities;

interface Totals {
  s: number;
  o: number;
  /** The part of `o` read from diplomacy concepts (talks, deals, envoys). */
  oDiplomacy: number;
  /** The part of `o` read from sanctions words (imposed, tightened, eased): it reaches crude only through a producer. */
  oSanctions: number;
  /** The part of `o` read from words of armed escalation (retaliate, forces, battle). */
  oMilitary: number;
  cues: number;
  topics: Set<TopicName>;
  entities: string[];
  entityWeight: number;
  /** Highest weight among the named entities (2 = a producer, chokepoint or oil body). */
  maxEntityWeight: number;
  /** An oil or national oil company is named (its corporate news is energy-adjacent). */
  oilCompany: boolean;
  oilWeight: number;
  /** Crude itself is named (an oil-relevance 2 word: oil, crude, Brent), not only an oil-market word (a glut, a storm, a price war). */
  crude: boolean;
  shingles: number[];
  frame: EventFrame;
  letters: number;
  geo: boolean;
  words: number;
  /** The gate word lists and rules its words name (topic-gate.ts `readWordBits`). */
  bits: WordBits;
  /** Every word that tagged macro is a trade word ("tariffs", "trade war"): the trade dispute is all that makes it macro. */
  tradeOnlyMacro: boolean;
}

function factorS(it: Scope, neg = it.neg): number {
  let f = it.w * it.ws * it.hedge * it.int;
  if (neg) f *= NEG_S;
  if (it.deny) f *= DENY_S;
  return f;
}

function factorO(it: Scope, neg = it.neg): number {
  let f = it.w * it.hedge * Math.min(it.int, 2);
  if (neg) f *= NEG_O;
  if (it.deny) f *= DENY_O;
  return f;
}

/** Classes of an oil-market phrase (supply, prices, stocks, demand), not of a company or its people ("oil major", "oil traders"). */
const CRUDE_CLASSES = new Set<string | undefined>(['flow', 'px', 'inv', 'mac']);

function analyzeTokens(t: Tokens): Totals {
  const items = buildItems(t);
  const scopes = readModifiers(items, t);
  const { pairs, asPred, used: bound } = bindPairs(items, t);
  // Compounds, prepositional phrases and compared figures consume more concepts here, on this phase's own copy.
  const used = bound.slice();
  // Oil context: production, exports and prices of an oil story move crude the supply way.
  let oilContext = false;
  let opecContext = false;
  for (const it of items) {
    if ((it.e?.oil ?? 0) > 0 || (it.ent >= 0 && entityEntry(it.ent).weight === 2)) oilContext = true;
    if (it.e?.t?.includes('opec') || (it.ent >= 0 && entityEntry(it.ent).topics?.includes('opec'))) opecContext = true;
  }
  let s = 0;
  let o = 0;
  /** The part of `o` read from diplomacy concepts (talks, deals, envoys): a conflict's de-escalation, not a trade dispute's. */
  let oDiplomacy = 0;
  let oSanctions = 0;
  let oMilitary = 0;
  let cues = 0;
  for (const { pred, concept, sense } of pairs) {
    const p = items[pred];
    const c = items[concept];
    const sp = scopes[pred];
    const sc = scopes[concept];
    const ce = conceptOf(c) as Compiled;
    // Noun compounds ("Gaza ceasefire talks", "supply disruption fears") are one thing: neighbours lose
    // their own valence, and a head without an oil sign takes its modifier's.
    let cs = ce.cs ?? 0;
    let co = opecContext && ce.coOpec !== undefined ? ce.coOpec : oilContext && ce.coOil !== undefined ? ce.coOil : (ce.co ?? 0);
    for (const nb of [concept - 1, concept + 1]) {
      const x = items[nb];
      if (nb === pred || !x || x.sentence !== c.sentence || asPred[nb]) continue;
      const xe = conceptOf(x) ?? (x.e && !x.e.mod && (x.e.o ?? 0) !== 0 ? x.e : undefined);
      if (!xe) continue;
      used[nb] = true;
      // A producer named beside a company quantity owns it ("Aramco's market value", "Aramco shares"): its supply sign is not the quantity's.
      if (co === 0 && !(x.ent >= 0 && ce.cls === 'q')) co = xe.co ?? Math.sign(xe.o ?? 0);
      if (cs === 0) cs = xe.cs ?? 0;
    }
    // "talks on Iran's nuclear program", "pause in Gaza fighting": a concept in a prepositional phrase after the head is part of it.
    for (let j = concept + 1, seenPrep = false; j < items.length && j <= concept + 4; j++) {
      const x = items[j];
      if (x.sentence !== c.sentence || j === pred || asPred[j] || x.kind !== Kind.Word) break;
      if (x.end - x.start === 1 && PREP.has(t.low[x.start]) && !seenPrep) {
        seenPrep = true;
        continue;
      }
      if (!seenPrep) break;
      if (x.ent >= 0 || x.e?.mod === 'skip') continue;
      if (conceptOf(x) && !x.e?.senses) used[j] = true;
      break;
    }
    if (sense.d === 0) continue;
    const mag = sense.str;
    let ps = cs * sense.d * mag * Math.max(1, Math.min(2, Math.abs(ce.s ?? 0)));
    const own = p.e?.s ?? 0;
    if (cs === 0) ps = 0;
    else if (own !== 0 && Math.sign(own) === Math.sign(ps) && Math.abs(own) > Math.abs(ps)) ps = own;
    let po = co * sense.d * mag * Math.max(1, Math.min(2, Math.abs(ce.o ?? 0)));
    if (co === 0) po = p.e?.o ?? 0;
    const cNeg = sc.neg && !sp.neg && sc.negBy !== pred;
    const pNeg = sp.neg && sp.negBy !== concept;
    const fs = factorS(sp, pNeg) * (cNeg ? NEG_S : 1) * (sc.int !== 1 ? sc.int : 1);
    const fo = factorO(sp, pNeg) * (cNeg ? NEG_O : 1) * (sc.int !== 1 ? Math.min(sc.int, 2) : 1);
    s += ps * fs;
    o += po * fo;
    if (ce.cls === 'ev') oDiplomacy += po * fo;
    else if (ce.cls === 'sanc' && ce.t?.includes('sanctions')) oSanctions += po * fo;
    else if (ce.t?.includes('military')) oMilitary += po * fo;
    cues++;
  }
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (used[k] || asPred[k]) continue;
    const cmp = compareFigures(items, t, k);
    if (cmp) {
      used[k] = true;
      for (const j of cmp.consumed) used[j] = true;
      if (cmp.d !== 0) {
        const ce = conceptOf(it) as Compiled;
        s += (ce.cs ?? 0) * cmp.d * 1.2 * factorS(scopes[k]);
        o += (oilContext && ce.coOil !== undefined ? ce.coOil : (ce.co ?? 0)) * cmp.d * 1.2 * factorO(scopes[k]);
        cues++;
      }
    }
  }
  const topicEvidence: TopicEvidence[] = [];
  const weakEvidence: TopicEvidence[] = [];
  const entities: string[] = [];
  let entityWeight = 0;
  let maxEntityWeight = 0;
  let oilCompany = false;
  let oilWeight = 0;
  let crude = false;
  let geo = false;
  const shingles: number[] = [];
  const frame: EventFrame = { entities: [], events: [] };
  /** Items with topic-conditional oil valence, by index, weighed once the topics are known. */
  const topical: number[] = [];
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (it.ent >= 0) {
      const g = entityEntry(it.ent);
      if (!entities.includes(g.name)) {
        entities.push(g.name);
        entityWeight += g.weight;
        if (g.weight > maxEntityWeight) maxEntityWeight = g.weight;
        if (g.kind === 'company' && g.weight > 0) oilCompany = true;
      }
      if (g.geo) geo = true;
      for (const tp of g.topics ?? []) topicEvidence.push({ topic: tp, key: `ent:${g.name}` });
      const h = fnv1a(g.name);
      shingles.push(h);
      frame.entities.push(h);
      continue;
    }
    if (it.kind === Kind.Num) {
      shingles.push(fnv1a(t.low[it.start]));
      continue;
    }
    if (it.kind !== Kind.Word) continue;
    const e = it.e;
    for (let j = it.start; j < it.end; j++) {
      const w = t.low[j];
      if (w.length > 2 && !STOP_SHINGLE.has(w)) {
        const h = shingleHash(w);
        shingles.push(h);
        if (EVENT_SHINGLE.has(h)) frame.events.push(h);
      }
    }
    if (!e) continue;
    if (e.geo) geo = true;
    if (e.oil) oilWeight += e.oil;
    // An oil phrase that opens with a crude word ("oil production", "crude exports") names crude as the word alone does;
    // in "heating oil futures" the word before qualifies the oil as another one.
    if ((e.oil ?? 0) >= 2 || ((e.oil ?? 0) >= 1 && CRUDE_CLASSES.has(e.cls) && it.end - it.start > 1 && CRUDE_WORD.has(t.low[it.start]))) crude = true;
    if (e.t) {
      const key = joinLow(t, it.start, it.end - it.start);
      for (const tp of e.t) (e.weakT ? weakEvidence : topicEvidence).push({ topic: tp, key });
    }
    if (used[k] || asPred[k]) continue;
    if (e.ot) topical.push(k);
    const es = e.s ?? 0;
    const eo = e.o ?? 0;
    if (es !== 0 || eo !== 0) {
      s += es * factorS(scopes[k]);
      o += eo * factorO(scopes[k]);
      if (e.cls === 'ev') oDiplomacy += eo * factorO(scopes[k]);
      else if (e.t?.includes('sanctions')) oSanctions += eo * factorO(scopes[k]);
      else if (e.t?.includes('military')) oMilitary += eo * factorO(scopes[k]);
      cues++;
    }
  }
  if (geo) topicEvidence.push(...weakEvidence);
  let tradeOnlyMacro = false;
  for (const e of topicEvidence) {
    if (e.topic !== 'macro') continue;
    if (!e.key.split(' ').some((w) => GATE_RULES.tradeWords.has(w))) {
      tradeOnlyMacro = false;
      break;
    }
    tradeOnlyMacro = true;
  }
  const bits = readWordBits(t.low);
  // An armed conflict in the oil region named as a region ("Mideast conflict widens") has the region as its party.
  const parties = namesRegionConflict(t.low, entities, GATE_RULES, bits, true) ? [...entities, REGION_PARTY] : entities;
  const topics = gateTopics(topicEvidence, t.low, parties, GATE_RULES, bits);
  for (const k of topical) {
    for (const [tp, v] of Object.entries(items[k].e?.ot ?? {})) {
      if (topics.has(tp as TopicName)) {
        o += (v as number) * factorO(scopes[k]);
        cues++;
      }
    }
  }
  if (t.question) {
    s *= QUESTION;
    o *= QUESTION;
  }
  let words = 0;
  for (const k of t.kind) if (k === Kind.Word) words++;
  return { s, o, oDiplomacy, oSanctions, oMilitary, cues, topics, entities, entityWeight, maxEntityWeight, oilCompany, oilWeight, crude, shingles, frame, letters: t.letters, geo, words, bits, tradeOnlyMacro };
}

/** The tokens after the first cause connector (not the first word), or undefined without one. */
function causeClause(t: Tokens): Tokens | undefined {
  for (let i = 1; i < t.low.length - 1; i++) {
    if (t.kind[i] === Kind.Word && CAUSE.has(t.low[i])) {
      const from = i + 1;
      return { low: t.low.slice(from), raw: t.raw.slice(from), kind: t.kind.slice(from), num: t.num.slice(from), letters: 1, question: t.question };
    }
  }
  return undefined;
}

/** "Tanker attack off Yemen sends oil higher": the words before the causative verb that precedes the oil subject. */
function causePrefix(t: Tokens, subject: number | undefined): Tokens | undefined {
  if (subject === undefined || subject < 3) return undefined;
  const to = subject - 1;
  return { low: t.low.slice(0, to), raw: t.raw.slice(0, to), kind: t.kind.slice(0, to), num: t.num.slice(0, to), letters: 1, question: t.question };
}

const round = (x: number, d = 3): number => {
  const f = 10 ** d;
  return Math.round(x * f) / f;
};

/** Scores one article. Title and summary are bounded before anything else is done. */
export function analyzeText(title: unknown, summary: unknown = '', options: AnalyzeOptions = {}): Analysis {
  const opts = { ...DEFAULTS, ...options };
  const headTokens = tokenize(sanitize(title, MAX_TITLE_CHARS));
  const head = analyzeTokens(headTokens);
  const price = readPriceReport(headTokens);
  const sumTokens = typeof summary === 'string' && summary.length > 0 ? tokenize(sanitize(summary, MAX_SUMMARY_CHARS)) : undefined;
  const sum = sumTokens ? analyzeTokens(sumTokens) : undefined;
  const sw = opts.summaryWeight;
  let S = head.s + (sum ? sum.s * sw : 0);
  // A price report's move is the oil view; its tone is the cause's ("Oil jumps after attack" is bad news), neutral without one.
  if (price.report) {
    const cause = causeClause(headTokens) ?? causePrefix(headTokens, price.subject);
    S = (cause ? analyzeTokens(cause).s : 0) + (sum ? sum.s * sw : 0);
  }
  let O = head.o + (sum ? sum.o * sw : 0);
  const cues = head.cues + (sum?.cues ?? 0);
  const topics = new Set(head.topics);
  if (sum) for (const tp of sum.topics) topics.add(tp);
  const entities = [...head.entities];
  if (sum) for (const e of sum.entities) if (!entities.includes(e)) entities.push(e);
  const letters = head.letters + (sum?.letters ?? 0);
  if (letters === 0) {
    return {
      sentiment: { label: 'neutral', score: 0, confidence: 0 },
      oil_direction: { label: 'neutral', strength: 0 },
      topics: [],
      entities: [],
      relevance: 0,
      price_report: false,
      shingles: [],
      frame: { entities: [], events: [] },
      reading: { oil: 0, tone: 0 },
      figures: [],
      evidence: { sentiment: 0, oil: 0, cues: 0, threshold: 0.5 },
      empty: true,
    };
  }
  // OPEC's own talks and meetings are supply management, not conflict diplomacy.
  if (topics.has('opec') && topics.has('mediation') && !topics.has('military') && !topics.has('ceasefire') && !topics.has('sanctions')) topics.delete('mediation');
  // Macro news without an oil-specific story moves crude with the economy's tone, when it names a demand channel.
  const oilSpecific = OIL_SPECIFIC_TOPICS.some((t) => topics.has(t));
  // Tension, attacks or conflict in the Middle East or the Gulf named as a region, or an armed event there
  // ("deploys carrier to Middle East"), are an oil-region context; the region alone is not.
  const region = namesRegionConflict(headTokens.low, head.entities, GATE_RULES, head.bits) || (topics.has('military') && namesRegion(headTokens.low, head.entities, GATE_RULES, head.bits));
  const channel = head.maxEntityWeight >= 2 || (sum?.maxEntityWeight ?? 0) >= 2 || region || hasOilChannel(headTokens.low, entities, GATE_RULES, head.bits);
  const oilWeight = head.oilWeight + (sum?.oilWeight ?? 0) * 0.5;
  // Trade talks and deals are macro, not conflict diplomacy, an oil company's deals, bids and
  // their talks are corporate, and with no topic and no party to a conflict named a deal is
  // commerce ("Iraq signs deal with Chinese oil firm"): the de-escalation reading of talks and deals does not apply.
  const geopolitics = GEOPOLITICS.some((t) => topics.has(t));
  const commerce = topics.size === 0 && !entities.some((e) => DIPLOMACY_PARTIES.has(e));
  if (!geopolitics && (commerce || (topics.has('macro') && !oilSpecific && !channel && oilWeight === 0) || head.oilCompany)) O -= head.oDiplomacy + (sum ? sum.oDiplomacy * sw : 0);
  // Sanctions move crude only when they hit a producer's supply (docs/taxonomy.md: "tighter
  // sanctions on producers"): with no producer, party to a conflict, oil company, oil word or oil
  // story named (a telecom, an aluminium maker, a drone maker), they carry no oil direction. A trade war's escalation
  // ("will retaliate against new tariffs", "forces its hand") is a world demand shock instead,
  // bearish (docs/taxonomy.md): in a trade story its sign turns.
  // No topic but macro (or none at all); a macro story has the topic.
  const macroOnly = topics.size === 0 || (topics.size === 1 && topics.has('macro'));
  const macroStory = macroOnly && topics.size > 0;
  const noOilStory = !channel && oilWeight === 0 && !head.oilCompany && !(sum?.oilCompany ?? false) && !topics.has('military') && !topics.has('shipping') && !topics.has('opec') && !topics.has('inventories');
  if (noOilStory) {
    const trade = macroStory && namesTrade(headTokens.low, GATE_RULES, head.bits);
    // In a sanctions story the armed words are the target's business ("drone maker"), not an escalation.
    const sanctionsStory = topics.has('sanctions') && !topics.has('mediation') && !topics.has('ceasefire');
    O -= head.oSanctions + (sum ? sum.oSanctions * sw : 0) + (trade ? 2 : sanctionsStory ? 1 : 0) * (head.oMilitary + (sum ? sum.oMilitary * sw : 0));
  }
  if (topics.has('macro') && !oilSpecific && (namesDemandChannel(headTokens.low, GATE_RULES, head.bits) || (sumTokens !== undefined && sum !== undefined && namesDemandChannel(sumTokens.low, GATE_RULES, sum.bits)))) O += 0.4 * S;
  // OPEC's output policy (cuts, hikes, their extension, the deals that set them) is supply
  // management, the oil view: it has no tone of its own beyond a weak one (docs/taxonomy.md).
  if (topics.has('opec') && !geopolitics && !topics.has('macro')) S *= OPEC_TONE;
  S = Math.max(-50, Math.min(50, S));
  O = Math.max(-50, Math.min(50, O));

  // Longer texts collect more incidental cues, so they need more evidence to leave neutral.
  const T = options.sentimentThreshold ?? Math.min(LONG_T, Math.max(SHORT_T, SHORT_T + (head.words - 10) * T_SLOPE));
  const label: SentimentLabel = S >= T ? 'positive' : S <= -T ? 'negative' : 'neutral';
  const score = S / Math.sqrt(S * S + 4);
  const a = Math.abs(S);
  const confidence = label === 'neutral' ? (cues === 0 ? 0.6 : 0.5 + 0.4 * (1 - a / T)) : 0.5 + 0.5 * Math.tanh((a - T) / 1.5 + 0.3);
  const OT = opts.oilThreshold;
  let oil: OilDirectionLabel = O >= OT ? 'bullish' : O <= -OT ? 'bearish' : 'neutral';
  let strength = Math.min(1, Math.abs(O) / 3);
  // No topic and no oil word: there is no oil implication to read unless a producer is named (a
  // party to a conflict alone is none: "earthquake in Turkey"). An oil-market word alone (a storm,
  // supply worries, a price war) reads another market: without a topic it needs crude or a producer.
  // A strike at an oil site (a refinery, an oilfield, offshore platforms) takes supply out: that is an oil implication of its own.
  const producer = head.maxEntityWeight >= 2 || (sum?.maxEntityWeight ?? 0) >= 2;
  if (topics.size === 0 && ((oilWeight === 0 && !producer && !region) || (oilWeight < 2 && !channel && !head.crude && !(sum?.crude ?? false))) && !namesSiteStrike(headTokens.low, GATE_RULES, head.bits)) {
    oil = 'neutral';
    strength = 0;
  }
  // A company's own results and ownership never move crude; only a topic other than macro gives them an oil channel.
  if (macroOnly && namesCompanyResults(headTokens.low, GATE_RULES, head.bits)) {
    oil = 'neutral';
    strength = 0;
  }
  // A trade dispute reaches crude only as a world demand shock (docs/taxonomy.md): tariffs
  // between one of the largest economies and a smaller partner, without crude, a producer or
  // an oil-channel word (a party to a conflict such as Turkey is none here), have no direction.
  if (macroStory && !head.crude && head.oilWeight < 2 && !producer && !hasOilChannel(headTokens.low, [], GATE_RULES, head.bits) && namesTrade(headTokens.low, GATE_RULES, head.bits) && !tradeAtWorldScale(headTokens.low, head.entities, GATE_RULES, head.bits)) {
    oil = 'neutral';
    strength = 0;
  }
  // Macro news reaches crude only as a world demand shock (docs/taxonomy.md): another economy's
  // own central bank, data or currency ("Bank of Canada cuts rates", "Italy's GDP stagnates"),
  // with no world-scale economy, market or the dollar named and no oil or fuel word (its fuel
  // demand is oil demand itself: "India's fuel sales recover"), has no direction; nor have
  // inflation, wage or housing figures with no demand channel named, whatever the economy.
  if (macroStory && !head.crude && head.oilWeight === 0 && (macroScale(headTokens.low, head.entities) === 'local' || pricesOnly(headTokens.low))) {
    oil = 'neutral';
    strength = 0;
  }
  // A company's or a sector's shares are company news: only the market's stocks carry the macro reading.
  if (macroStory && !head.crude && head.oilWeight < 2 && namesCompanyShares(headTokens.low, GATE_RULES, head.bits)) {
    oil = 'neutral';
    strength = 0;
  }
  // A price report states the move; the cause clause after "as" does not override it.
  if (price.report) {
    oil = price.direction > 0 ? 'bullish' : price.direction < 0 ? 'bearish' : 'neutral';
    strength = price.direction === 0 ? 0 : Math.max(strength, PRICE_REPORT_STRENGTH);
  }

  const entityWeight = head.entityWeight + (sum?.entityWeight ?? 0) * 0.5;
  const relevanceInput = { companyNews: namesCompanyNews(headTokens.low, GATE_RULES, head.bits), priceReport: price.report, titleOil: head.oilWeight, oil: oilWeight, topics, channel, entityWeight, strength, producer: head.maxEntityWeight >= 2, oilCompany: head.oilCompany, crude: head.crude, words: headTokens.low, entities: head.entities, region };
  let relevance = relevanceBand(relevanceInput);
  // An armed event moves crude through an oil channel (a producer's supply, an oil site, a sea lane:
  // docs/taxonomy.md). One the relevance bands place under the line of a clear oil channel (a war far
  // from oil, a missile test) has no oil implication, and so no direction; nor has a ship seized or
  // hijacked there with no oil channel (pirates off Somalia: shipping, a sea lane far from crude's).
  if (!price.report && oil !== 'neutral' && (topics.has('military') || (topics.has('shipping') && head.oMilitary !== 0)) && relevance < CLEAR_OIL_CHANNEL) {
    oil = 'neutral';
    strength = 0;
    relevance = relevanceBand({ ...relevanceInput, strength });
  }

  // A company weighing a trade dispute's cost ("Ford cuts profit forecast on tariffs", "ZTE's shares slide on trade
  // war jitters") is company news (docs/taxonomy.md), with no topic; a trade step at world scale or the market's stocks
  // keep it. Its direction and relevance stay those of a company's results under a macro word (neutral, the bottom of 30-59).
  if (topics.has('macro') && head.tradeOnlyMacro && (namesCompanyResults(headTokens.low, GATE_RULES, head.bits) || namesCompanyShares(headTokens.low, GATE_RULES, head.bits)) && !tradeAtWorldScale(headTokens.low, head.entities, GATE_RULES, head.bits)) topics.delete('macro');
  const shingles = head.shingles.length > 0 ? head.shingles : (sum?.shingles ?? []);
  const frame = head.shingles.length > 0 ? head.frame : (sum?.frame ?? { entities: [], events: [] });
  return {
    sentiment: { label, score: round(score), confidence: round(confidence) },
    oil_direction: { label: oil, strength: round(strength) },
    topics: TOPIC_NAMES.filter((tp) => topics.has(tp)),
    entities: entities.slice(0, 100),
    relevance,
    price_report: price.report,
    shingles,
    frame,
    reading: { oil: oil === 'bullish' ? 1 : oil === 'bearish' ? -1 : 0, tone: label === 'positive' ? 1 : label === 'negative' ? -1 : 0 },
    figures: titleFigures(headTokens),
    evidence: { sentiment: round(S), oil: round(O), cues, threshold: round(T) },
    empty: false,
  };
}

/** Human-readable trace of how a text was read (items, bindings, totals): for debugging and docs. */
export function explain(text: string): string {
  const t = tokenize(sanitize(text, MAX_TITLE_CHARS));
  const items = buildItems(t);
  const scopes = readModifiers(items, t);
  const lines = items.map((it, k) => {
    const words = t.raw.slice(it.start, it.end).join(' ');
    const e = it.e;
    const tags = [
      it.ent >= 0 ? `ent=${entityEntry(it.ent).name}` : '',
      e?.mod ? `mod=${e.mod}` : '',
      e?.cls ? `concept(${e.cls} cs=${e.cs} co=${e.co}${e.coOil !== undefined ? ` coOil=${e.coOil}` : ''})` : '',
      e?.senses ? `pred[${e.senses.map((x) => `${x.d > 0 ? '+' : x.d < 0 ? '-' : '0'}${x.side}${x.bind ? ':' + x.bind.join('/') : ''}`).join(' ')}]` : '',
      e?.s ? `s=${e.s}` : '',
      e?.o ? `o=${e.o}` : '',
      scopes[k].neg ? 'NEG' : '',
      scopes[k].deny ? 'DENY' : '',
      scopes[k].w !== 1 ? `w=${round(scopes[k].w, 2)}` : '',
      scopes[k].hedge !== 1 ? `hedge=${scopes[k].hedge}` : '',
      scopes[k].int !== 1 ? `int=${round(scopes[k].int, 2)}` : '',
    ].filter(Boolean);
    return `${String(k).padStart(2)} p${it.pos} ${words}${tags.length ? '  ' + tags.join(' ') : ''}`;
  });
  const a = analyzeText(text);
  lines.push(`=> sentiment ${a.sentiment.label} (${a.evidence.sentiment}), oil ${a.oil_direction.label} (${a.evidence.oil}), topics ${a.topics.join(',')}`);
  return lines.join('\n');
}
