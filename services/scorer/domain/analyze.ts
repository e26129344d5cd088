/**
 * The domain model: reads a headline (and optionally a summary) with a lexicon, phrase
 * rules, predicate-concept binding, negation, denial, contrast, hedges and intensity, and
 * returns sentiment, oil direction, topics, entities and relevance. Pure and deterministic.
 */
import { OIL_SPECIFIC_TOPICS, TOPIC_NAMES, type TopicName } from '../../../shared/contracts/events.ts';
import type { OilDirectionLabel, SentimentLabel } from '../ports.ts';
import { GAZETTEER, compileGazetteer, type GazetteerEntry } from './gazetteer.ts';
import { fnv1a } from './hash.ts';
import type { Cls, Compiled, Sense } from './lexicon-builder.ts';
import { LEXICON } from './lexicon.ts';
import { gateTopics, hasOilChannel, type TopicEvidence } from './topic-gate.ts';
import { relevanceBand } from './relevance.ts';
import { readPriceReport } from './price-report.ts';
import SYNONYMS from '../data/novelty-synonyms.json' with { type: 'json' };
import type { EventFrame } from './novelty.ts';
import { Kind, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, sanitize, tokenize, type Tokens } from './text.ts';

export interface Analysis {
  sentiment: { label: SentimentLabel; score: number; confidence: number };
  oil_direction: { label: OilDirectionLabel; strength: number };
  topics: TopicName[];
  entities: string[];
  relevance: number;
  /** The headline reports a move or level of oil prices themselves (docs/taxonomy.md). */
  price_report: boolean;
  /** Content-word hashes (entities by canonical name) for near-duplicate detection. */
  shingles: number[];
  /** The event frame: canonical entities and event classes (hashes, a subset of `shingles`), so a rewrite in other words stays in its story. */
  frame: EventFrame;
  /** Which way the story goes (oil direction, else tone), so novelty splits an opposite development from its story. */
  sign: -1 | 0 | 1;
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

// ------------------------------------------------------------------ compiled tables
const GAZ = compileGazetteer();
/** Token trie over multi-word keys: matching walks token by token, no string building. */
interface TrieNode<V> {
  value?: V;
  next?: Map<string, TrieNode<V>>;
}

function buildTrie<V>(entries: Iterable<[string, V]>): Map<string, TrieNode<V>> {
  const root = new Map<string, TrieNode<V>>();
  for (const [key, value] of entries) {
    const parts = key.split(' ');
    let level = root;
    let node: TrieNode<V> | undefined;
    for (let i = 0; i < parts.length; i++) {
      node = level.get(parts[i]);
      if (!node) level.set(parts[i], (node = {}));
      if (i < parts.length - 1) level = node.next ??= new Map();
    }
    if (node) node.value = value;
  }
  return root;
}

/** One trie for lexicon phrases and gazetteer aliases: a single walk per token finds both. */
interface Hit {
  lex?: Compiled;
  ent?: number;
}
const TRIE = buildTrie<Hit>(
  (() => {
    const m = new Map<string, Hit>();
    for (const [k, e] of LEXICON) m.set(k, { lex: e });
    for (const [k, i] of GAZ.lower) m.set(k, { ...m.get(k), ent: i });
    return m;
  })(),
);

/** Longest lexicon entry and longest entity alias starting at token i. */
function match(low: string[], i: number): { lexLen: number; lex: Compiled | undefined; entLen: number; ent: number } {
  let node = TRIE.get(low[i]);
  let lexLen = 0;
  let lex: Compiled | undefined;
  let entLen = 0;
  let ent = -1;
  let j = i;
  while (node) {
    const v = node.value;
    if (v) {
      if (v.lex) {
        lexLen = j - i + 1;
        lex = v.lex;
      }
      if (v.ent !== undefined) {
        entLen = j - i + 1;
        ent = v.ent;
      }
    }
    j++;
    if (!node.next || j >= low.length) break;
    node = node.next.get(low[j]);
  }
  return { lexLen, lex, entLen, ent };
}

/** Rewrites swap synonyms ("climbs" for "rises", "crude" for "oil"): one shingle per group. */
const SYNONYM = new Map<string, string>(Object.entries(SYNONYMS.groups).flatMap(([group, words]) => words.map((w) => [w, group] as [string, string])));
/** Shingles of the synonym groups that name an event class ("TALKS", "ATTACK", "SEIZE"): with the entities they make the event frame. */
const EVENT_SHINGLE = new Set<number>(SYNONYMS.events.map((g) => fnv1a(g)));
const SHINGLE_CACHE = new Map<string, number>();
function shingleHash(w: string): number {
  let h = SHINGLE_CACHE.get(w);
  if (h === undefined) {
    h = fnv1a(SYNONYM.get(w) ?? stem(w));
    if (SHINGLE_CACHE.size > 100_000) SHINGLE_CACHE.clear();
    SHINGLE_CACHE.set(w, h);
  }
  return h;
}

const STOP_SHINGLE = new Set(['the', 'a', 'an', 'of', 'in', 'on', 'for', 'to', 'by', 'at', 'with', 'from', 'and', 'or', 'as', 'is', 'are', 'was', 'were', 'be', 'it', 'its', 'this', 'that', 'says', 'said', 'say', 'after', 'amid', 'over', 'into', 'than', 'will', 'has', 'have', 'had', 'new', 'reuters', 'bloomberg', 'update', 'exclusive', 'breaking', 'report', 'reports', 'sources', 'source', 'news', 'live']);

const NEG_S = -0.6;
const NEG_O = -0.7;
const DENY_S = -0.4;
const DENY_O = -0.75;
const QUESTION = 0.4;
const WINDOW = 4;
/** Clause connectors a predicate does not bind across ("Oil falls as ceasefire holds"). */
const BARRIER = new Set(['as', 'after', 'amid', 'following', 'despite', 'while', 'since', 'because', 'before', 'until', 'ahead', 'when', 'whereas', 'though', 'although', 'but', 'however', 'and', 'or', 'which', 'that', 'who', 'says', 'said', 'say', 'sees', 'expects', 'warns', 'thanks']);
/** Prepositions that open a modifier phrase: "talks on Iran's nuclear program end" ends the talks. */
const PREP = new Set(['on', 'over', 'about', 'of', 'for', 'with', 'in', 'against', 'into', 'at', 'from', 'to', 'by', 'near', 'off', 'through']);
/** "hits a record", "touches a three-month low": the level word carries the direction, not "hit". */
const LEVEL_VERB = new Set(['hit', 'hits', 'hitting', 'touch', 'touches', 'touched', 'reach', 'reaches', 'reached', 'reaching', 'set', 'sets', 'mark', 'marks', 'marked']);
const LEVEL_WORD = new Set(['record', 'high', 'highs', 'low', 'lows', 'highest', 'lowest', 'peak', 'bottom', 'top', 'all', 'new']);
const NEUTRAL: Compiled = { mod: 'skip' };
const SUB = new Set(['as', 'after', 'amid', 'following', 'due to', 'because of', 'owing to', 'on the back of', 'thanks to', 'as a result of', 'on hopes', 'on fears', 'on worries', 'on concerns', 'on expectations', 'on signs', 'on reports', 'on news']);
const SUB_WEIGHT = 0.35;
/** Negation stops at a preposition that opens a new phrase ("no talks under threat of force"). */
const SCOPE_END = new Set(['under', 'with', 'without', 'until', 'unless', 'if', 'than']);
/** "slips into recession": what follows is the new state, not the thing that moved. */
const INTO = new Set(['into', 'onto', 'on', 'over', 'below', 'above', 'under', 'beyond']);

interface Item {
  start: number;
  end: number;
  kind: Kind;
  e: Compiled | undefined;
  ent: number;
  /** Significant-token position inside the sentence. */
  pos: number;
  sentence: number;
  w: number;
  neg: boolean;
  /** Index of the negator that last toggled `neg` (a negating predicate does not negate its own object). */
  negBy: number;
  deny: boolean;
  hedge: number;
  int: number;
  /** Sentiment-only weight: a causal or temporal sub-clause ("Oil falls as ceasefire holds") says less about tone. */
  ws: number;
  /** Bound as predicate (its own valence is replaced by the pair's). */
  asPred: boolean;
  /** Bound as concept or consumed by a compound / comparison. */
  used: boolean;
}

const entityEntry = (i: number): GazetteerEntry => GAZETTEER[i];

function entityConcept(item: Item): Compiled | undefined {
  if (item.ent < 0) return undefined;
  const c = entityEntry(item.ent).concept;
  return c ? { cs: c.cs, co: c.co, cls: c.cls } : undefined;
}

function conceptOf(item: Item): Compiled | undefined {
  if (item.e?.cls) return item.e;
  return entityConcept(item);
}

function buildItems(t: Tokens): Item[] {
  const items: Item[] = [];
  const n = t.low.length;
  let i = 0;
  let sentence = 0;
  let pos = 0;
  while (i < n) {
    const kind = t.kind[i];
    if (kind !== Kind.Word) {
      if (kind === Kind.Stop) {
        sentence++;
        pos = 0;
      } else if (kind === Kind.Comma) pos++;
      items.push({ start: i, end: i + 1, kind, e: undefined, ent: -1, pos, sentence, w: 1, neg: false, negBy: -1, deny: false, hedge: 1, int: 1, ws: 1, asPred: false, used: false });
      i++;
      continue;
    }
    const w0 = t.low[i];
    // Longest match in the gazetteer and in the lexicon; an entity wins ties.
    const hit = match(t.low, i);
    let entLen = hit.entLen;
    let ent = hit.ent;
    if (entLen === 0) {
      const casedHit = GAZ.cased.get(t.raw[i]);
      if (casedHit !== undefined) {
        entLen = 1;
        ent = casedHit;
      }
    }
    const lexLen = hit.lexLen;
    let e: Compiled | undefined = hit.lex;
    let len: number;
    if (entLen > 0 && entLen >= lexLen) {
      len = entLen;
      e = undefined;
    } else {
      len = Math.max(1, lexLen);
      ent = -1;
    }
    if (e && len === 1 && LEVEL_VERB.has(w0)) {
      for (let j = i + 1; j < Math.min(n, i + 5); j++) {
        if (LEVEL_WORD.has(t.low[j])) {
          e = NEUTRAL;
          break;
        }
      }
    }
    if (!(e && e.mod === 'skip')) pos++;
    items.push({ start: i, end: i + len, kind, e, ent, pos, sentence, w: 1, neg: false, negBy: -1, deny: false, hedge: 1, int: 1, ws: 1, asPred: false, used: false });
    i += len;
  }
  return items;
}

function joinLow(t: Tokens, i: number, k: number): string {
  let s = t.low[i];
  for (let j = 1; j < k; j++) s += ' ' + t.low[i + j];
  return s;
}

function hasValence(it: Item): boolean {
  const e = it.e;
  return !!e && (e.s !== undefined || e.o !== undefined || e.senses !== undefined || e.cls !== undefined);
}

function applyModifiers(items: Item[], t: Tokens): void {
  let seenValence = -1;
  for (let k = 0; k < items.length; k++) {
    const m = items[k];
    if (m.kind === Kind.Stop) seenValence = -1;
    else if (seenValence < 0 && hasValence(m) && !m.e?.mod) seenValence = m.sentence;
    if (m.kind === Kind.Word && seenValence === m.sentence && (!m.e || m.e.mod === 'skip') && SUB.has(joinLow(t, m.start, m.end - m.start))) {
      for (let j = k + 1; j < items.length && items[j].sentence === m.sentence; j++) items[j].ws *= SUB_WEIGHT;
      seenValence = -2;
    }
    const mod = m.e?.mod;
    if (!mod || mod === 'skip' || mod === 'cmp') continue;
    const sent = m.sentence;
    if (mod === 'neg') {
      const scope = m.e?.scope ?? 3;
      for (let j = k + 1; j < items.length; j++) {
        const x = items[j];
        if (x.sentence !== sent || x.pos - m.pos > scope || x.e?.mod === 'but') break;
        if (j > k + 1 && x.kind === Kind.Word && x.end - x.start === 1 && (BARRIER.has(t.low[x.start]) || SCOPE_END.has(t.low[x.start]))) break;
        x.neg = !x.neg;
        x.negBy = k;
      }
    } else if (mod === 'deny') {
      for (let j = k + 1; j < items.length && items[j].sentence === sent; j++) items[j].deny = true;
    } else if (mod === 'hedge') {
      const f = m.e?.mult ?? 0.7;
      for (let j = k + 1; j < items.length; j++) {
        const x = items[j];
        if (x.sentence !== sent || x.pos - m.pos > 4) break;
        x.hedge = Math.min(x.hedge, f);
      }
    } else if (mod === 'int') {
      const f = m.e?.mult ?? 1.5;
      const target = m.e?.adv ? (findValence(items, k, -1) ?? findValence(items, k, 1)) : (findValence(items, k, 1) ?? findValence(items, k, -1));
      if (target !== undefined) items[target].int *= f;
    } else if (mod === 'but') {
      for (let j = k - 1; j >= 0 && items[j].sentence === sent; j--) items[j].w *= 0.5;
      for (let j = k + 1; j < items.length && items[j].sentence === sent; j++) items[j].w *= 1.3;
    } else if (mod === 'despite') {
      // The concessive clause runs to the comma; without one, a sentence-initial "despite" covers two words.
      let hasComma = false;
      for (let j = k + 1; j < items.length && items[j].sentence === sent; j++) if (items[j].kind === Kind.Comma) hasComma = true;
      const limit = !hasComma && m.pos <= 1 ? m.pos + 2 : Infinity;
      for (let j = k + 1; j < items.length; j++) {
        const x = items[j];
        if (x.sentence !== sent || x.kind === Kind.Comma || x.e?.mod === 'but' || x.pos > limit) break;
        x.w *= 0.4;
      }
    }
  }
}

function findValence(items: Item[], k: number, dir: 1 | -1): number | undefined {
  const from = items[k];
  for (let j = k + dir; j >= 0 && j < items.length; j += dir) {
    const x = items[j];
    if (x.sentence !== from.sentence || Math.abs(x.pos - from.pos) > 2) return undefined;
    if (x.e?.mod && x.e.mod !== 'skip') continue;
    if (hasValence(x)) return j;
  }
  return undefined;
}

interface Pair {
  pred: number;
  concept: number;
  sense: Sense;
}

function allowed(sense: Sense, cls: Cls | undefined): boolean {
  if (!cls) return false;
  return !sense.bind || sense.bind.includes(cls);
}

/** Nearest concept a predicate can bind on one side, as [index, distance]. */
function scan(items: Item[], t: Tokens, k: number, dir: 1 | -1, sense: Sense, dualOk: boolean): [number, number] | undefined {
  const p = items[k];
  let found: [number, number] | undefined;
  for (let j = k + dir; j >= 0 && j < items.length; j += dir) {
    const x = items[j];
    if (x.sentence !== p.sentence) break;
    const dist = Math.abs(x.pos - p.pos);
    if (dist > (sense.win ?? WINDOW) + (found ? 2 : 0)) break;
    if (x.kind === Kind.Word && x.end - x.start === 1 && x.ent < 0 && (BARRIER.has(t.low[x.start]) || (dir === 1 && INTO.has(t.low[x.start])))) break;
    const c = conceptOf(x);
    if (!c || !allowed(sense, c.cls) || x.used || x.asPred || (x.e?.senses && !dualOk)) continue;
    if (found) return [j, found[1]];
    if (dir === 1) return [j, dist];
    found = [j, dist];
    // Looking back from the verb, a concept inside a prepositional phrase modifies an earlier head noun.
    if (!precededByPrep(items, t, j)) return found;
  }
  return found;
}

function precededByPrep(items: Item[], t: Tokens, j: number): boolean {
  for (let i = j - 1; i >= 0 && i >= j - 3; i--) {
    const x = items[i];
    if (x.sentence !== items[j].sentence || x.kind !== Kind.Word) return false;
    if (x.ent >= 0 || (x.e?.mod === 'skip' && !PREP.has(t.low[x.start]))) continue;
    return x.end - x.start === 1 && PREP.has(t.low[x.start]);
  }
  return false;
}

function bindPredicate(items: Item[], t: Tokens, k: number, dualOk: boolean): Pair | undefined {
  const senses = items[k].e?.senses;
  if (!senses) return undefined;
  let best: Pair | undefined;
  let bestCost = Infinity;
  // "to end the standoff": after an infinitive marker the object follows.
  const infinitive = items[k].start > 0 && t.low[items[k].start - 1] === 'to' && items[k].end - items[k].start === 1;
  for (const sense of senses) {
    const pref: 1 | -1 = sense.side === 'a' || sense.side === 'A' || (infinitive && sense.side === 'b') ? 1 : -1;
    const strict = sense.side === 'A' || sense.side === 'B';
    // A sense restricted to some classes is the more specific reading and wins ties.
    const bias = sense.bind ? -0.1 : 0;
    const first = scan(items, t, k, pref, sense, dualOk);
    if (first && first[1] + bias < bestCost) {
      best = { pred: k, concept: first[0], sense };
      bestCost = first[1] + bias;
    }
    if (!strict) {
      const other = scan(items, t, k, pref === 1 ? -1 : 1, sense, dualOk);
      if (other && other[1] + 1.5 + bias < bestCost) {
        best = { pred: k, concept: other[0], sense };
        bestCost = other[1] + 1.5 + bias;
      }
    }
  }
  return best;
}

const CURRENCY: Record<string, string> = { eur: 'eur', euro: 'eur', euros: 'eur', '€': 'eur', meur: 'eur', usd: 'usd', $: 'usd', dollar: 'usd', dollars: 'usd', gbp: 'gbp', '£': 'gbp', pound: 'gbp', pounds: 'gbp', sek: 'sek', nok: 'nok', dkk: 'dkk', chf: 'chf', jpy: 'jpy', yen: 'jpy', rub: 'rub', roubles: 'rub', rubles: 'rub', cny: 'cny', rmb: 'cny', yuan: 'cny', inr: 'inr', rupees: 'inr' };

/** The currency written next to a figure ("EUR 12 mn", "12 mln euro", "$ 17.7"), if any. */
function currencyNear(t: Tokens, i: number): string | undefined {
  for (const j of [i - 1, i + 1, i + 2]) {
    const c = j >= 0 && j < t.low.length ? CURRENCY[t.low[j]] : undefined;
    if (c) return c;
  }
  return undefined;
}

const UNIT: Record<string, number> = { mn: 1e6, million: 1e6, m: 1e6, mln: 1e6, bn: 1e9, billion: 1e9, b: 1e9, bln: 1e9, k: 1e3, thousand: 1e3, trillion: 1e12, tn: 1e12 };

function numberAt(t: Tokens, i: number): number {
  const v = t.num[i];
  const next = t.low[i + 1];
  const mult = next !== undefined ? (UNIT[next] ?? 1) : 1;
  return v * mult;
}

/**
 * "Operating profit EUR 9.8 mn compared with EUR 11.7 mn", "EPS 0.25 (0.20)": the sign of
 * the difference is the direction. A reference figure of the opposite kind ("compared
 * with a loss of") counts as negative.
 */
function compareFigures(items: Item[], t: Tokens, k: number): { d: number; consumed: number[] } | undefined {
  const c = items[k];
  const concept = conceptOf(c);
  if (!concept || concept.cls !== 'q') return undefined;
  let first = -1;
  let j = k + 1;
  for (; j < items.length && j <= k + 8; j++) {
    const x = items[j];
    if (x.sentence !== c.sentence) return undefined;
    if (x.kind === Kind.Num) {
      first = j;
      break;
    }
    if (x.e?.senses || conceptOf(x)) return undefined;
  }
  if (first < 0) return undefined;
  let cmp = -1;
  for (j = first + 1; j < items.length && j <= first + 6; j++) {
    const x = items[j];
    if (x.sentence !== c.sentence) return undefined;
    if (x.kind === Kind.Open || x.e?.mod === 'cmp') {
      cmp = j;
      break;
    }
    if (x.e?.senses) return undefined;
  }
  if (cmp < 0) return undefined;
  const consumed: number[] = [];
  // "compared with a loss of": the reference figure is of the opposite kind, so it counts as negative.
  const refCs = items[cmp].e?.cs;
  let refSign = refCs !== undefined && refCs * (concept.cs ?? 0) < 0 ? -1 : 1;
  for (j = cmp + 1; j < items.length && j <= cmp + 5; j++) {
    const x = items[j];
    if (x.sentence !== c.sentence) return undefined;
    const rc = conceptOf(x);
    if (rc && rc.cls === 'q') {
      consumed.push(j);
      if ((rc.cs ?? 0) * (concept.cs ?? 0) < 0) refSign = -1;
      continue;
    }
    if (x.kind === Kind.Num) {
      // "EUR 12 mn ( USD 17.7 mn )" is a conversion, not last year's figure.
      const ca = currencyNear(t, items[first].start);
      const cb = currencyNear(t, x.start);
      if (ca && cb && ca !== cb) return undefined;
      const a = numberAt(t, items[first].start);
      const b = numberAt(t, x.start) * refSign;
      if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) return { d: 0, consumed };
      return { d: a > b ? 1 : -1, consumed };
    }
  }
  return undefined;
}

interface Totals {
  s: number;
  o: number;
  cues: number;
  topics: Set<TopicName>;
  entities: string[];
  entityWeight: number;
  /** Highest weight among the named entities (2 = a producer, chokepoint or oil body). */
  maxEntityWeight: number;
  /** An oil or national oil company is named (its corporate news is energy-adjacent). */
  oilCompany: boolean;
  oilWeight: number;
  shingles: number[];
  frame: EventFrame;
  letters: number;
  geo: boolean;
  words: number;
}

function factorS(it: Item, neg = it.neg): number {
  let f = it.w * it.ws * it.hedge * it.int;
  if (neg) f *= NEG_S;
  if (it.deny) f *= DENY_S;
  return f;
}

function factorO(it: Item, neg = it.neg): number {
  let f = it.w * it.hedge * Math.min(it.int, 2);
  if (neg) f *= NEG_O;
  if (it.deny) f *= DENY_O;
  return f;
}

function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('es')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s')) return w.slice(0, -1);
  return w;
}

function analyzeTokens(t: Tokens): Totals {
  const items = buildItems(t);
  applyModifiers(items, t);
  const pairs: Pair[] = [];
  // Phase 1: predicates bind plain concepts. Phase 2: what is left binds dual words that did not act as predicates.
  for (let k = 0; k < items.length; k++) {
    if (items[k].e?.mod === 'skip') continue;
    const pair = bindPredicate(items, t, k, false);
    if (pair) {
      pairs.push(pair);
      items[k].asPred = true;
      items[pair.concept].used = true;
    }
  }
  for (let k = 0; k < items.length; k++) {
    if (items[k].asPred || items[k].used || !items[k].e?.senses || items[k].e?.mod === 'skip') continue;
    const pair = bindPredicate(items, t, k, true);
    if (pair && !items[pair.concept].asPred) {
      pairs.push(pair);
      items[k].asPred = true;
      items[pair.concept].used = true;
    }
  }
  // Oil context: production, exports and prices of an oil story move crude the supply way.
  let oilContext = false;
  let opecContext = false;
  for (const it of items) {
    if ((it.e?.oil ?? 0) > 0 || (it.ent >= 0 && entityEntry(it.ent).weight === 2)) oilContext = true;
    if (it.e?.t?.includes('opec') || (it.ent >= 0 && entityEntry(it.ent).topics?.includes('opec'))) opecContext = true;
  }
  let s = 0;
  let o = 0;
  let cues = 0;
  for (const { pred, concept, sense } of pairs) {
    const p = items[pred];
    const c = items[concept];
    const ce = conceptOf(c) as Compiled;
    // Noun compounds ("Gaza ceasefire talks", "supply disruption fears") are one thing: neighbours lose
    // their own valence, and a head without an oil sign takes its modifier's.
    let cs = ce.cs ?? 0;
    let co = opecContext && ce.coOpec !== undefined ? ce.coOpec : oilContext && ce.coOil !== undefined ? ce.coOil : (ce.co ?? 0);
    for (const nb of [concept - 1, concept + 1]) {
      const x = items[nb];
      if (nb === pred || !x || x.sentence !== c.sentence || x.asPred) continue;
      const xe = conceptOf(x) ?? (x.e && !x.e.mod && (x.e.o ?? 0) !== 0 ? x.e : undefined);
      if (!xe) continue;
      x.used = true;
      if (co === 0) co = xe.co ?? Math.sign(xe.o ?? 0);
      if (cs === 0) cs = xe.cs ?? 0;
    }
    // "talks on Iran's nuclear program", "pause in Gaza fighting": a concept in a prepositional phrase after the head is part of it.
    for (let j = concept + 1, seenPrep = false; j < items.length && j <= concept + 4; j++) {
      const x = items[j];
      if (x.sentence !== c.sentence || j === pred || x.asPred || x.kind !== Kind.Word) break;
      if (x.end - x.start === 1 && PREP.has(t.low[x.start]) && !seenPrep) {
        seenPrep = true;
        continue;
      }
      if (!seenPrep) break;
      if (x.ent >= 0 || x.e?.mod === 'skip') continue;
      if (conceptOf(x) && !x.e?.senses) x.used = true;
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
    const cNeg = c.neg && !p.neg && c.negBy !== pred;
    const pNeg = p.neg && p.negBy !== concept;
    const fs = factorS(p, pNeg) * (cNeg ? NEG_S : 1) * (c.int !== 1 ? c.int : 1);
    const fo = factorO(p, pNeg) * (cNeg ? NEG_O : 1) * (c.int !== 1 ? Math.min(c.int, 2) : 1);
    s += ps * fs;
    o += po * fo;
    cues++;
  }
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (it.used || it.asPred) continue;
    const cmp = compareFigures(items, t, k);
    if (cmp) {
      it.used = true;
      for (const j of cmp.consumed) items[j].used = true;
      if (cmp.d !== 0) {
        const ce = conceptOf(it) as Compiled;
        s += (ce.cs ?? 0) * cmp.d * 1.2 * factorS(it);
        o += (oilContext && ce.coOil !== undefined ? ce.coOil : (ce.co ?? 0)) * cmp.d * 1.2 * factorO(it);
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
  let geo = false;
  const shingles: number[] = [];
  const frame: EventFrame = { entities: [], events: [] };
  const topical: Item[] = [];
  for (const it of items) {
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
    if (e.t) {
      const key = joinLow(t, it.start, it.end - it.start);
      for (const tp of e.t) (e.weakT ? weakEvidence : topicEvidence).push({ topic: tp, key });
    }
    if (it.used || it.asPred) continue;
    if (e.ot) topical.push(it);
    const es = e.s ?? 0;
    const eo = e.o ?? 0;
    if (es !== 0 || eo !== 0) {
      s += es * factorS(it);
      o += eo * factorO(it);
      cues++;
    }
  }
  if (geo) topicEvidence.push(...weakEvidence);
  const topics = gateTopics(topicEvidence, t.low, entities);
  for (const it of topical) {
    for (const [tp, v] of Object.entries(it.e?.ot ?? {})) {
      if (topics.has(tp as TopicName)) {
        o += (v as number) * factorO(it);
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
  return { s, o, cues, topics, entities, entityWeight, maxEntityWeight, oilCompany, oilWeight, shingles, frame, letters: t.letters, geo, words };
}

/** Numbers in a title, years left out (a date is not a figure of the story). */
function titleFigures(t: Tokens): number[] {
  const out: number[] = [];
  for (let i = 0; i < t.kind.length && out.length < 4; i++) {
    if (t.kind[i] !== Kind.Num) continue;
    const v = t.num[i];
    if (Number.isFinite(v) && !(Number.isInteger(v) && v >= 1900 && v <= 2100)) out.push(v);
  }
  return out;
}

/** Words that open the cause of a reported move: "Oil falls as ...", "Brent jumps after ...". */
const CAUSE = new Set(['as', 'after', 'amid', 'on', 'following', 'despite', 'while', 'since', 'because', 'over', 'with']);

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
  const price = readPriceReport(headTokens.low);
  const sum = typeof summary === 'string' && summary.length > 0 ? analyzeTokens(tokenize(sanitize(summary, MAX_SUMMARY_CHARS))) : undefined;
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
      sign: 0,
      figures: [],
      evidence: { sentiment: 0, oil: 0, cues: 0, threshold: 0.5 },
      empty: true,
    };
  }
  // OPEC's own talks and meetings are supply management, not conflict diplomacy.
  if (topics.has('opec') && topics.has('mediation') && !topics.has('military') && !topics.has('ceasefire') && !topics.has('sanctions')) topics.delete('mediation');
  // Macro news without an oil-specific story moves crude with the economy's tone.
  const oilSpecific = OIL_SPECIFIC_TOPICS.some((t) => topics.has(t));
  if (topics.has('macro') && !oilSpecific) O += 0.4 * S;
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
  // No topic, no oil word and no producer or party to a conflict: there is no oil implication to read.
  const channel = head.maxEntityWeight >= 2 || (sum?.maxEntityWeight ?? 0) >= 2 || hasOilChannel(headTokens.low, entities);
  const oilWeight = head.oilWeight + (sum?.oilWeight ?? 0) * 0.5;
  if (topics.size === 0 && oilWeight === 0 && !channel) {
    oil = 'neutral';
    strength = 0;
  }
  // A price report states the move; the cause clause after "as" does not override it.
  if (price.report) {
    oil = price.direction > 0 ? 'bullish' : price.direction < 0 ? 'bearish' : 'neutral';
    strength = price.direction === 0 ? 0 : Math.max(strength, PRICE_REPORT_STRENGTH);
  }

  const entityWeight = head.entityWeight + (sum?.entityWeight ?? 0) * 0.5;
  const relevance = relevanceBand({ priceReport: price.report, titleOil: head.oilWeight, oil: oilWeight, topics, channel, entityWeight, strength, producer: head.maxEntityWeight >= 2, oilCompany: head.oilCompany });

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
    sign: oil === 'bullish' ? 1 : oil === 'bearish' ? -1 : label === 'positive' ? 1 : label === 'negative' ? -1 : 0,
    figures: titleFigures(headTokens),
    evidence: { sentiment: round(S), oil: round(O), cues, threshold: round(T) },
    empty: false,
  };
}

/** Human-readable trace of how a text was read (items, bindings, totals): for debugging and docs. */
export function explain(text: string): string {
  const t = tokenize(sanitize(text, MAX_TITLE_CHARS));
  const items = buildItems(t);
  applyModifiers(items, t);
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
      it.neg ? 'NEG' : '',
      it.deny ? 'DENY' : '',
      it.w !== 1 ? `w=${round(it.w, 2)}` : '',
      it.hedge !== 1 ? `hedge=${it.hedge}` : '',
      it.int !== 1 ? `int=${round(it.int, 2)}` : '',
    ].filter(Boolean);
    return `${String(k).padStart(2)} p${it.pos} ${words}${tags.length ? '  ' + tags.join(' ') : ''}`;
  });
  const a = analyzeText(text);
  lines.push(`=> sentiment ${a.sentiment.label} (${a.evidence.sentiment}), oil ${a.oil_direction.label} (${a.evidence.oil}), topics ${a.topics.join(',')}`);
  return lines.join('\n');
}
