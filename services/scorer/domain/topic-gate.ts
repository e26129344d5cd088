/**
 * The topic-gating phase (docs/taxonomy.md: "a single loose word is not enough, metaphors
 * never count"). The lexicon reading proposes topics with the phrase that triggered each;
 * this phase keeps a topic when one trigger is unambiguous, or when the headline also has
 * the topic's context and none of its block words: "merger talks" are not mediation,
 * "price war" is not military, antitrust "fines" are not sanctions. Rules are data
 * (services/scorer/data/topic-context.json).
 */
import type { TopicName } from '../../../shared/contracts/events.ts';
import RULES from '../data/topic-context.json' with { type: 'json' };

export interface TopicEvidence {
  topic: TopicName;
  /** The lexicon phrase as matched (lower case), or `ent:<gazetteer name>`. */
  key: string;
}

interface GateRule {
  strong: Set<string>;
  /** Words that veto the topic even for a strong trigger ("missile" in a defence contract, "rocket" in space news). */
  hardBlock: Set<string>;
  /** A company's or a sector's shares veto the topic ("drone maker shares soar"); the market's ("stocks slide after missile strike") do not. */
  companySharesBlock: boolean;
  /** When set, only these triggers need context; every other trigger is strong. */
  weak?: Set<string>;
  context: Set<string>;
  block: Set<string>;
  entityContext: boolean;
  /** Entities that give this topic context; the shared conflict list when absent. */
  entities?: Set<string>;
  minDistinct: number;
  /** Triggers with another common sense (a labour "strike"), read by the cues of each sense; see `readSense`. */
  ambiguous?: AmbiguousTriggers;
  /** Block words naming a site both an attack and a walkout hit ("plant", "factory"): they block only when no `siteArmed` word is named. */
  siteBlock?: Set<string>;
  /** Armed actors and weapons ("rebels", "drones", "missiles") that make such a site a target. */
  siteArmed?: Set<string>;
  /** This rule's bits in `WordBits.topics`: a hard-block, a block and a context word named. */
  bits: { hardBlock: number; block: number; context: number };
}

/**
 * Triggers that name the topic or another thing as often ("strike": an air strike or a walkout). When they are
 * the topic's only triggers, the topic's own cues (`cues` anywhere, `cuesAfter` right after a trigger: an armed
 * force, a weapon, "strike on") let the usual gate decide; else the other sense's cues (`other`, `otherAfter`:
 * "strike at", "enters second week", "24-hour") rule the topic out; else only a party to the conflict gives it
 * context, and the topic's context words (sites such as "refinery" or "port", shared by both senses) do not.
 */
interface AmbiguousTriggers {
  triggers: Set<string>;
  cues: Set<string>;
  cuesAfter: Set<string>;
  other: Set<string>;
  otherAfter: Set<string>;
}

interface PromoteRule {
  topic: TopicName;
  /** Any of these named; an empty set needs no entity (a currency is its own subject). */
  entities: Set<string>;
  words: Set<string>;
  context: Set<string>;
  /** Words that rule the promotion out ("Dollar General shares"). */
  block: Set<string>;
  /** This rule's bits in `WordBits.promote`: a policy, a context and a block word named. */
  bits: { words: number; context: number; block: number };
}

/** The word lists of GateRules a headline's words name, as bits of `WordBits.lists`. */
export const WORD_LIST = { channel: 1, demand: 2, company: 4, results: 8, trade: 16, tradeScale: 32, stock: 64, marketScope: 128, strike: 256, regionConflict: 512, regionBlock: 1024, regionWar: 2048 } as const;

/**
 * Which of the gate's word lists a word (or a headline's words together) belongs to, as masks:
 * the headline's words are looked up once, in one map, instead of once per list and rule.
 */
export interface WordBits {
  /** WORD_LIST bits. */
  lists: number;
  /** Three bits per promote rule, in rule order. */
  promote: number;
  /** Three bits per topic rule, in rule order. */
  topics: number;
}

/** Rules and topics are bits of one 32-bit mask each: three bits apiece. */
const MAX_RULES = 10;

export interface GateRules {
  conflictEntities: Set<string>;
  /** Topics a headline has without a trigger phrase: a named producer, a policy word and an oil context. */
  promote: PromoteRule[];
  /** Words that name a producer or a party to a Middle-East or producer conflict even inside a phrase ("Gaza ceasefire"). */
  channelWords: Set<string>;
  /** Words that name an economy-wide demand channel (growth, jobs, spending, markets, the dollar). */
  demandChannel: Set<string>;
  /** Words of a company's own news (shares, profit, a recall, a contract). */
  companyWords: Set<string>;
  /** Words of a company's results and ownership (profit, earnings, a merger, a stake). */
  companyResults: Set<string>;
  /** Words of trade policy (tariffs, duties, trade): a trade dispute's oil direction is a world demand shock or none. */
  tradeWords: Set<string>;
  /** Words that give a trade story world scale (global, sweeping, stocks, growth, consumers). */
  tradeScale: Set<string>;
  /** The largest economies, each a group of gazetteer names: a trade dispute between two of them is a world demand shock. */
  tradePowers: Set<string>[];
  /** Words for shares and stocks. */
  stockWords: Set<string>;
  /** Words before "stocks" that make them the market's, not a company's or a sector's ("global stocks"). */
  marketScope: Set<string>;
  /** Words of a strike or walkout, either kind (a labour strike at an oil site is a supply outage). */
  strikeWords: Set<string>;
  /** Oil sites without the word oil (a refinery, an oilfield, offshore platforms), as one word or two. */
  oilSites: Set<string>;
  /** The oil region's names (Middle East, Mideast, the Gulf), as one word or two: a region alone is no oil channel. */
  regionNames: Set<string>;
  /** Words of tension, attack or conflict that make a region named an oil-region context. */
  regionConflict: Set<string>;
  /** Gazetteer places whose names contain a region word ("Gulf of Mexico"): with one of them the word is that place. */
  regionLookalikes: Set<string>;
  /** Words that make the conflict word a metaphor or history ("trade war", "price war", "cyber attacks", "Gulf War veterans"). */
  regionBlock: Set<string>;
  /** Words after a one-word region name that make it another place or a name ("Gulf of Guinea", "Gulf Coast"). */
  regionNotBefore: Set<string>;
  /** The part of `regionConflict` that is armed conflict (war, fighting, attacks), not tension: a party for the military gate. */
  regionWar: Set<string>;
  topics: Map<TopicName, GateRule>;
  /** Every listed word -> the lists, promote rules and topic rules that name it. */
  wordBits: Map<string, WordBits>;
}

interface RawRule {
  strong: string[];
  hardBlock?: string[];
  companySharesBlock?: boolean;
  weak?: string[];
  context: string[];
  block: string[];
  entityContext: boolean;
  entities?: string[];
  minDistinct?: number;
  ambiguous?: { triggers: string[]; cues: string[]; cuesAfter: string[]; other: string[]; otherAfter: string[] };
  siteBlock?: string[];
  siteArmed?: string[];
}

type RawPromote = { topic: string; entities: string[]; words: string[]; context: string[]; block?: string[] };

export function compileGateRules(raw: { conflictEntities: string[]; channelWords?: string[]; demandChannel?: string[]; companyWords?: string[]; companyResults?: string[]; tradeWords?: string[]; tradeScale?: string[]; tradePowers?: string[][]; stockWords?: string[]; marketScope?: string[]; strikeWords?: string[]; oilSites?: string[]; regionNames?: string[]; regionConflict?: string[]; regionLookalikes?: string[]; regionBlock?: string[]; regionNotBefore?: string[]; regionWar?: string[]; promote?: RawPromote[]; topics: Record<string, RawRule> }): GateRules {
  const rawTopics = Object.entries(raw.topics);
  const rawPromote = raw.promote ?? [];
  if (rawTopics.length > MAX_RULES || rawPromote.length > MAX_RULES) throw new Error(`topic gate: at most ${MAX_RULES} topic rules and ${MAX_RULES} promote rules (${rawTopics.length} and ${rawPromote.length} given)`);
  const wordBits = new Map<string, WordBits>();
  const mark = (words: Iterable<string>, field: keyof WordBits, bit: number): void => {
    for (const w of words) {
      const bits = wordBits.get(w) ?? { lists: 0, promote: 0, topics: 0 };
      bits[field] |= bit;
      wordBits.set(w, bits);
    }
  };
  const topics = new Map<TopicName, GateRule>();
  rawTopics.forEach(([t, r], i) => {
    const bits = { hardBlock: 1 << (3 * i), block: 1 << (3 * i + 1), context: 1 << (3 * i + 2) };
    topics.set(t as TopicName, { strong: new Set(r.strong), hardBlock: new Set(r.hardBlock ?? []), companySharesBlock: r.companySharesBlock === true, weak: r.weak ? new Set(r.weak) : undefined, context: new Set(r.context), block: new Set(r.block), entityContext: r.entityContext, entities: r.entities ? new Set(r.entities) : undefined, minDistinct: r.minDistinct ?? 1, ambiguous: compileAmbiguous(r.ambiguous), siteBlock: r.siteBlock ? new Set(r.siteBlock) : undefined, siteArmed: r.siteArmed ? new Set(r.siteArmed) : undefined, bits });
    mark(r.hardBlock ?? [], 'topics', bits.hardBlock);
    mark(r.block, 'topics', bits.block);
    mark(r.context, 'topics', bits.context);
  });
  const promote = rawPromote.map((p, i) => {
    const bits = { words: 1 << (3 * i), context: 1 << (3 * i + 1), block: 1 << (3 * i + 2) };
    mark(p.words, 'promote', bits.words);
    mark(p.context, 'promote', bits.context);
    mark(p.block ?? [], 'promote', bits.block);
    return { topic: p.topic as TopicName, entities: new Set(p.entities), words: new Set(p.words), context: new Set(p.context), block: new Set(p.block ?? []), bits };
  });
  const lists = { channelWords: new Set(raw.channelWords ?? []), demandChannel: new Set(raw.demandChannel ?? []), companyWords: new Set(raw.companyWords ?? []), companyResults: new Set(raw.companyResults ?? []), tradeWords: new Set(raw.tradeWords ?? []), tradeScale: new Set(raw.tradeScale ?? []), stockWords: new Set(raw.stockWords ?? []), marketScope: new Set(raw.marketScope ?? []), strikeWords: new Set(raw.strikeWords ?? []), oilSites: new Set(raw.oilSites ?? []), regionNames: new Set(raw.regionNames ?? []), regionConflict: new Set(raw.regionConflict ?? []), regionLookalikes: new Set(raw.regionLookalikes ?? []), regionBlock: new Set(raw.regionBlock ?? []), regionNotBefore: new Set(raw.regionNotBefore ?? []), regionWar: new Set(raw.regionWar ?? []) };
  mark(lists.channelWords, 'lists', WORD_LIST.channel);
  mark(lists.demandChannel, 'lists', WORD_LIST.demand);
  mark(lists.companyWords, 'lists', WORD_LIST.company);
  mark(lists.companyResults, 'lists', WORD_LIST.results);
  mark(lists.tradeWords, 'lists', WORD_LIST.trade);
  mark(lists.tradeScale, 'lists', WORD_LIST.tradeScale);
  mark(lists.stockWords, 'lists', WORD_LIST.stock);
  mark(lists.marketScope, 'lists', WORD_LIST.marketScope);
  mark(lists.strikeWords, 'lists', WORD_LIST.strike);
  mark(lists.regionConflict, 'lists', WORD_LIST.regionConflict);
  mark(lists.regionBlock, 'lists', WORD_LIST.regionBlock);
  mark(lists.regionWar, 'lists', WORD_LIST.regionWar);
  return { conflictEntities: new Set(raw.conflictEntities), promote, ...lists, tradePowers: (raw.tradePowers ?? []).map((g) => new Set(g)), topics, wordBits };
}

function compileAmbiguous(a: RawRule['ambiguous']): AmbiguousTriggers | undefined {
  if (a === undefined) return undefined;
  return { triggers: new Set(a.triggers), cues: new Set(a.cues), cuesAfter: new Set(a.cuesAfter), other: new Set(a.other), otherAfter: new Set(a.otherAfter) };
}

/** Which sense the words give ambiguous triggers: 1 the topic's (its cues win), -1 the other's, 0 neither. */
export function readSense(a: AmbiguousTriggers, words: readonly string[]): -1 | 0 | 1 {
  let other = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (a.cues.has(w)) return 1;
    if (a.triggers.has(w)) {
      const next = words[i + 1];
      if (a.cuesAfter.has(next)) return 1;
      if (a.otherAfter.has(next)) other = true;
    }
    if (a.other.has(w)) other = true;
  }
  return other ? -1 : 0;
}

/** The lists and rules that a headline's words name, together. */
export function readWordBits(words: readonly string[], rules: GateRules = GATE_RULES): WordBits {
  let lists = 0;
  let promote = 0;
  let topics = 0;
  for (let i = 0; i < words.length; i++) {
    const bits = rules.wordBits.get(words[i]);
    if (bits === undefined) continue;
    lists |= bits.lists;
    promote |= bits.promote;
    topics |= bits.topics;
  }
  return { lists, promote, topics };
}

export const GATE_RULES = compileGateRules(RULES as { conflictEntities: string[]; channelWords: string[]; demandChannel: string[]; companyWords: string[]; companyResults: string[]; tradeWords: string[]; tradeScale: string[]; tradePowers: string[][]; stockWords: string[]; marketScope: string[]; strikeWords: string[]; oilSites: string[]; regionNames: string[]; regionConflict: string[]; regionLookalikes: string[]; regionBlock: string[]; regionNotBefore: string[]; regionWar: string[]; promote: RawPromote[]; topics: Record<string, RawRule> });

/**
 * The list questions below take the headline's words, and optionally their `readWordBits` when
 * the caller has read them already (the scorer asks several questions of one headline).
 */

/** "Gulf of Guinea", "Gulf Coast", "Gulf Air": the region word at `i` starts a named gulf or a name, not the oil region. */
function namedGulf(words: readonly string[], i: number, rules: GateRules): boolean {
  return rules.regionNotBefore.has(words[i + 1] ?? '');
}

/** An oil channel: a producer, chokepoint or party to a Middle-East or producer conflict is named. */
export function hasOilChannel(words: readonly string[], entities: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules)): boolean {
  if (entities.some((e) => rules.conflictEntities.has(e))) return true;
  if ((bits.lists & WORD_LIST.channel) === 0) return false;
  for (let i = 0; i < words.length; i++) {
    if (!rules.channelWords.has(words[i])) continue;
    if (rules.regionNames.has(words[i]) && namedGulf(words, i, rules)) continue;
    return true;
  }
  return false;
}

/**
 * Macro news reaches crude through demand: only a headline that names an economy-wide demand
 * channel (growth, jobs, spending, markets, the dollar) moves crude with its tone; a statement
 * about a trade dispute ("says tariffs are a mistake") has no oil implication of its own.
 */
export function namesDemandChannel(words: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules)): boolean {
  return (bits.lists & WORD_LIST.demand) !== 0;
}

/** A company's own news: a producer named in it ("Russia's regulator recalls cars") is no geopolitics. */
export function namesCompanyNews(words: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules)): boolean {
  return (bits.lists & WORD_LIST.company) !== 0;
}

/** A company's results or ownership ("profit tops estimates", "agrees a merger"): a company's own results never move crude. */
export function namesCompanyResults(words: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules)): boolean {
  return (bits.lists & WORD_LIST.results) !== 0;
}

/** A headline about trade policy: tariffs, duties, trade talks or deals. */
export function namesTrade(words: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules)): boolean {
  return (bits.lists & WORD_LIST.trade) !== 0;
}

/**
 * A trade story big enough to be a world demand shock: it names a world scale (global tariffs,
 * stocks, growth, consumers) or two of the largest economies (the US, China, the EU, Japan).
 * Tariffs between the US and a smaller partner ("Mexico's tariff on US pork") are not.
 */
export function tradeAtWorldScale(words: readonly string[], entities: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules)): boolean {
  if ((bits.lists & WORD_LIST.tradeScale) !== 0) return true;
  let powers = 0;
  for (const group of rules.tradePowers) if (entities.some((e) => group.has(e))) powers++;
  return powers >= 2;
}

/**
 * A strike at an oil site ("strike at Exxon's Beaumont refinery", "Norwegian offshore workers begin
 * strike"): a labour strike there takes supply out (docs/taxonomy.md: bullish, its end bearish) even
 * with no producer or the word oil named. A site is one word or two (`oilSites`).
 */
export function namesSiteStrike(words: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules)): boolean {
  if ((bits.lists & WORD_LIST.strike) === 0) return false;
  for (let i = 0; i < words.length; i++) {
    if (rules.oilSites.has(words[i]) || (i + 1 < words.length && rules.oilSites.has(`${words[i]} ${words[i + 1]}`))) return true;
  }
  return false;
}

/**
 * Tension, attacks or conflict in the oil region named as a region ("Middle East tensions escalate",
 * "Mideast conflict widens", "Gulf attacks"): an oil-region context, as a producer or a party named is
 * (docs/taxonomy.md: Gulf attacks are 60-89). The region's name alone is none ("Careem, the Middle East
 * ride-hailing app", "Gulf Air names chief"), nor is a place that only shares the word ("Gulf of Mexico"),
 * nor a metaphor or history (`regionBlock`: "price war among Gulf airlines", "Gulf War veterans").
 * `armed` asks for armed conflict itself (`regionWar`: "Mideast conflict widens", not "Middle East
 * tensions"), which makes the region a party to it for the military gate.
 */
export function namesRegionConflict(words: readonly string[], entities: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules), armed = false): boolean {
  if ((bits.lists & (armed ? WORD_LIST.regionWar : WORD_LIST.regionConflict)) === 0) return false;
  return namesRegion(words, entities, rules, bits);
}

/** The oil region named as a region (not the Gulf of Mexico or Guinea, not in a metaphor or history); with no conflict word, the region alone. */
export function namesRegion(words: readonly string[], entities: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules)): boolean {
  if ((bits.lists & WORD_LIST.regionBlock) !== 0 || entities.some((e) => rules.regionLookalikes.has(e))) return false;
  for (let i = 0; i < words.length; i++) {
    if (rules.regionNames.has(words[i]) && !namedGulf(words, i, rules)) return true;
    if (i + 1 < words.length && rules.regionNames.has(`${words[i]} ${words[i + 1]}`)) return true;
  }
  return false;
}

/**
 * A company's or a sector's shares ("Halliburton shares plunge", "shipping stocks rally"): the
 * word before the stock word is a name, not the market's scope ("global stocks", "Asian
 * shares") and not punctuation or the start ("; stocks surge", "Stocks slide"). Company news.
 */
export function namesCompanyShares(words: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules)): boolean {
  if ((bits.lists & WORD_LIST.stock) === 0) return false;
  for (let i = 1; i < words.length; i++) {
    if (!rules.stockWords.has(words[i])) continue;
    const before = words[i - 1];
    const c = before.charCodeAt(0);
    const word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (word && !rules.marketScope.has(before) && !rules.stockWords.has(before)) return true;
  }
  return false;
}

/**
 * "Yemen rebels strike Saudi Aramco plant": the only block words named are sites that an attack and a
 * walkout both hit (`siteBlock`), and an armed actor or a weapon is named (`siteArmed`), so the site
 * is a target, not a workplace; "workers strike at car plant" stays blocked, and so does a plant's
 * fire or gas leak that "kills" or "forces" an evacuation (no armed actor named).
 */
function armedAtSite(rule: GateRule, words: readonly string[]): boolean {
  const sites = rule.siteBlock;
  const armed = rule.siteArmed;
  if (sites === undefined || armed === undefined) return false;
  let target = false;
  for (const w of words) {
    if (rule.block.has(w) && !sites.has(w)) return false;
    if (armed.has(w)) target = true;
  }
  return target;
}

/**
 * Topics that survive gating. `words` are the headline's lower-case tokens, `entities` the
 * gazetteer names found in it. A topic without a rule passes as the lexicon read it.
 */
export function gateTopics(evidence: TopicEvidence[], words: readonly string[], entities: readonly string[], rules: GateRules = GATE_RULES, bits: WordBits = readWordBits(words, rules)): Set<TopicName> {
  const out = new Set<TopicName>();
  let wordSet: Set<string> | undefined;
  const byTopic = new Map<TopicName, string[]>();
  for (const e of evidence) {
    const keys = byTopic.get(e.topic);
    if (keys) {
      if (!keys.includes(e.key)) keys.push(e.key);
    } else byTopic.set(e.topic, [e.key]);
  }
  for (const [topic, keys] of byTopic) {
    const rule = rules.topics.get(topic);
    if (rule && ((bits.topics & rule.bits.hardBlock) !== 0 || (rule.companySharesBlock && namesCompanyShares(words, rules, bits)))) continue;
    if (!rule || keys.some((k) => rule.strong.has(k) || (rule.weak !== undefined && !rule.weak.has(k)))) {
      out.add(topic);
      continue;
    }
    if ((bits.topics & rule.bits.block) !== 0 && !armedAtSite(rule, words)) continue;
    // An entity that triggered the topic ("Hamas" for military) is not also its own context.
    const wordTriggered = keys.some((k) => !k.startsWith('ent:'));
    const parties = rule.entities ?? rules.conflictEntities;
    let context = rule.entityContext && wordTriggered && entities.some((e) => parties.has(e));
    const amb = rule.ambiguous;
    if (amb !== undefined && keys.every((k) => amb.triggers.has(k))) {
      const sense = readSense(amb, words);
      if (sense < 0) continue;
      if (sense === 0) {
        if (context) out.add(topic);
        continue;
      }
    }
    if (!context && (bits.topics & rule.bits.context) !== 0) {
      // A trigger word does not count as its own context: "ship" alone is not maritime news.
      const own = new Set(keys.flatMap((k) => k.split(' ')));
      wordSet ??= new Set(words);
      let distinct = 0;
      for (const w of wordSet) if (rule.context.has(w) && !own.has(w)) distinct++;
      context = distinct >= 1 && (rule.minDistinct <= 1 || distinct + keys.length >= rule.minDistinct);
    }
    if (context) out.add(topic);
  }
  for (const p of rules.promote) {
    // A policy and a context word both named, no block word: only then is the rule read word by word.
    if ((bits.promote & p.bits.words) === 0 || (bits.promote & p.bits.context) === 0 || (bits.promote & p.bits.block) !== 0) continue;
    if (out.has(p.topic) || (p.entities.size > 0 && !entities.some((e) => p.entities.has(e)))) continue;
    const policy = words.find((w) => p.words.has(w));
    if (policy !== undefined && words.some((w) => w !== policy && p.context.has(w))) out.add(p.topic);
  }
  return out;
}
