import type { ClusterState, NoveltyStore } from '../ports.ts';
import GAZETTEER from '../data/gazetteer.json' with { type: 'json' };
import { fnv1a, hash64Hex } from './hash.ts';

export interface NoveltyOptions {
  windowMs: number;
  /** Jaccard similarity of content-word sets at or above which two texts are one story. */
  threshold: number;
  /** Share of event classes two texts with the same entities must have in common to be one story (default FRAME_EVENT_OVERLAP). */
  frameEventOverlap?: number;
}

/**
 * Which way an article's story goes, read on two axes: oil direction (1 bullish, -1 bearish)
 * and tone (1 positive, -1 negative), 0 where the reader found none.
 */
export interface StoryReading {
  oil: -1 | 0 | 1;
  tone: -1 | 0 | 1;
}

const NO_READING: StoryReading = { oil: 0, tone: 0 };

/**
 * Whether two readings say the story went opposite ways: oil against oil, tone against tone
 * only when neither has an oil read. An oil read against a tone read says nothing, because
 * the axes disagree by design (an attack is bullish and negative, supply restored bearish and
 * positive): comparing them as one sign kept apart "US and China agree to cut tariffs"
 * (bullish) and its rewrite read only as positive. A side with no read never vetoes.
 */
export function readingsOppose(a: StoryReading, b: StoryReading | undefined): boolean {
  if (!b) return false;
  if (a.oil !== 0 && b.oil !== 0) return a.oil !== b.oil;
  if (a.oil !== 0 || b.oil !== 0) return false;
  return a.tone !== 0 && b.tone !== 0 && a.tone !== b.tone;
}

/** An article's event frame: hashes of its canonical entities and event classes ("TALKS", "ATTACK"); `assign` sorts and dedupes them. */
export interface EventFrame {
  entities: number[];
  events: number[];
}

/**
 * Two texts naming exactly the same entities with at least this share of their event classes
 * in common are one story told in other words: "Iran, US to resume talks in Oman" and "US and
 * Iranian negotiators set to meet again in Muscat" share {Iran, United States, Oman} and
 * {TALKS, RESUME} and almost no words. Same entities with other events ("US sanctions Iran",
 * "US strikes Iran") stay apart.
 */
export const FRAME_EVENT_OVERLAP = 0.5;
/** A frame is a signature only with at least this many elements (one entity and one event say too little). */
const MIN_FRAME = 3;

export interface NoveltyResult {
  novelty: number;
  clusterId: string;
}

const BANDS = 12;
const ROWS = 2;
const MAX_TOKENS = 64;
/** Up to this many shingles are sorted by insertion (see `normalizeShingles`). */
const SMALL_SORT = 32;
// Fixed seeds: the same text gives the same band keys in every process. (An Int32Array: `^` reads the same 32 bits either way.)
const SEEDS = Int32Array.from({ length: BANDS * ROWS }, (_, i) => Math.imul(i + 1, 0x9e3779b1));
/**
 * Row minima of the MinHash, reused (a 96-byte typed array per headline is allocated off the V8 heap, a cost of its own),
 * each held with its top bit flipped (see `minRows`).
 */
const MINS = new Int32Array(BANDS * ROWS);

function hashWith(t: number, seed: number): number {
  return mix(t, seed) >>> 0;
}

/** `hashWith` as a signed 32-bit value (the same bits): integer arithmetic all through, no unsigned number made. */
function mix(t: number, seed: number): number {
  let x = Math.imul(t ^ seed, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/**
 * Locality-sensitive band keys (MinHash, 12 bands of 2 rows): texts with Jaccard 0.5 share
 * a band with p ~ 0.97. A key is a 32-bit hash of (band, row minima), kept as a number.
 */
export function bandKeys(tokens: number[]): number[] {
  if (tokens.length === 0) return [];
  const keys = new Array<number>(BANDS);
  minHashInto(tokens, keys);
  for (let b = 0; b < BANDS; b++) keys[b] = keys[b] >>> 0;
  return keys;
}

/**
 * The band keys of `tokens` (not empty) as signed 32-bit values into `keys[0..BANDS)`. Signed, so a
 * key is a small integer to the engine: a Map looks it up without boxing it as a heap number, which
 * half the unsigned keys (those from 2^31) were. The same 32 bits, so the same buckets.
 */
function minHashInto(tokens: number[], keys: number[]): void {
  minRows(tokens, 0);
  minRows(tokens, ROWS_A_PASS);
  for (let b = 0; b < BANDS; b++) {
    // (`mix` reads its inputs as 32 bits: the key and the minimum need no unsigned form.)
    let key = Math.imul(b + 1, 0x27d4eb2d);
    for (let r = 0; r < ROWS; r++) key = mix(MINS[b * ROWS + r] ^ 0x80000000, key);
    keys[b] = key;
  }
}

/** Rows a pass of `minRows` over the tokens: half of them, so the two passes make all BANDS * ROWS rows. */
const ROWS_A_PASS = 12;

/**
 * The unsigned minimum over `tokens` of rows `from..from + 12` into MINS, each held with its top bit flipped: with the top
 * bit flipped, signed order is unsigned order (0 becomes the smallest int32, 2^32 - 1 the largest), so the values stay small
 * integers to the engine, not doubles. Twelve rows a pass, each minimum in a local of its own rather than loaded from and
 * stored to MINS for every token and row: 0.74x the time of one pass over all 24 rows in MINS on the bench headlines
 * (a microbenchmark; two rows a pass, 275b097, measured no difference end to end).
 */
function minRows(tokens: number[], from: number): void {
  const s0 = SEEDS[from], s1 = SEEDS[from + 1], s2 = SEEDS[from + 2], s3 = SEEDS[from + 3], s4 = SEEDS[from + 4], s5 = SEEDS[from + 5];
  const s6 = SEEDS[from + 6], s7 = SEEDS[from + 7], s8 = SEEDS[from + 8], s9 = SEEDS[from + 9], s10 = SEEDS[from + 10], s11 = SEEDS[from + 11];
  let m0 = 0x7fffffff, m1 = 0x7fffffff, m2 = 0x7fffffff, m3 = 0x7fffffff, m4 = 0x7fffffff, m5 = 0x7fffffff;
  let m6 = 0x7fffffff, m7 = 0x7fffffff, m8 = 0x7fffffff, m9 = 0x7fffffff, m10 = 0x7fffffff, m11 = 0x7fffffff;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    m0 = Math.min(m0, mix(t, s0) ^ 0x80000000);
    m1 = Math.min(m1, mix(t, s1) ^ 0x80000000);
    m2 = Math.min(m2, mix(t, s2) ^ 0x80000000);
    m3 = Math.min(m3, mix(t, s3) ^ 0x80000000);
    m4 = Math.min(m4, mix(t, s4) ^ 0x80000000);
    m5 = Math.min(m5, mix(t, s5) ^ 0x80000000);
    m6 = Math.min(m6, mix(t, s6) ^ 0x80000000);
    m7 = Math.min(m7, mix(t, s7) ^ 0x80000000);
    m8 = Math.min(m8, mix(t, s8) ^ 0x80000000);
    m9 = Math.min(m9, mix(t, s9) ^ 0x80000000);
    m10 = Math.min(m10, mix(t, s10) ^ 0x80000000);
    m11 = Math.min(m11, mix(t, s11) ^ 0x80000000);
  }
  MINS[from] = m0; MINS[from + 1] = m1; MINS[from + 2] = m2; MINS[from + 3] = m3; MINS[from + 4] = m4; MINS[from + 5] = m5;
  MINS[from + 6] = m6; MINS[from + 7] = m7; MINS[from + 8] = m8; MINS[from + 9] = m9; MINS[from + 10] = m10; MINS[from + 11] = m11;
}

/**
 * The keys a headline is looked up and filed under: its band keys and, when it has a signature
 * frame, its frame key, all signed 32-bit (see `minHashInto`); none without tokens.
 */
export function candidateKeys(tokens: number[], fKey: number | undefined): number[] {
  if (tokens.length === 0) return [];
  const keys = new Array<number>(fKey === undefined ? BANDS : BANDS + 1);
  minHashInto(tokens, keys);
  if (fKey !== undefined) keys[BANDS] = fKey | 0;
  return keys;
}

const NO_FRAME: EventFrame = { entities: [], events: [] };

/** Relative difference under which two figures are the same one rounded differently (5 and 5.1 million barrels). */
const FIGURE_TOLERANCE = 0.1;

/**
 * Two articles with figures are one story only if some figure matches: "raise output by
 * 411,000 bpd" and "by 548,000 bpd" are two decisions. Without figures on either side they agree.
 */
export function figuresAgree(a: number[], b: number[] | undefined): boolean {
  if (a.length === 0 || !b || b.length === 0) return true;
  // Indexed loops, not nested some() or for-of: this runs for every candidate of every headline.
  for (let j = 0; j < b.length; j++) if (agreesWith(a, b[j])) return true;
  return false;
}

/** Whether some figure of `a` is `y` within the figure tolerance: the figure rule's one home. */
function agreesWith(a: number[], y: number): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (Math.abs(x - y) <= FIGURE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y))) return true;
  }
  return false;
}

/**
 * Word similarity from which a figure both headlines state and an entity both name make them
 * one story told in other words ("Iraq's Basra oil exports hit 3.4 million bpd" and "Iraq ships
 * a record 3.4 million barrels a day from southern ports"). A figure alone is not enough: "$35
 * billion" and "12,000 jobs" recur across unrelated company news.
 */
export const SHARED_FIGURE_SIMILARITY = 0.2;

/** Whether a figure both state (within the figure tolerance) and a shared entity stand in for the missing word overlap; frames' entities are sorted. */
export function figureCorroborates(words: number, a: number[], b: number[] | undefined, ea: number[], eb: number[] | undefined): boolean {
  if (words < SHARED_FIGURE_SIMILARITY || a.length === 0 || !b || b.length === 0 || !eb || !figuresAgree(a, b)) return false;
  for (const e of ea) if (eb.includes(e)) return true;
  return false;
}

/** Jaccard similarity of two sorted unique integer arrays. */
export function jaccard(a: number[], b: number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return jaccardOf(inter, a.length, b.length);
}

/** Jaccard similarity of two sets of `na` and `nb` elements with `inter` in common. */
function jaccardOf(inter: number, na: number, nb: number): number {
  return inter / (na + nb - inter);
}

/**
 * The most `jaccard` or `jaccardWithTable` can give for lists of `na` and `nb` values: `jaccardOf` of `min(na, nb)` in common,
 * the same division (`na + nb - min` is `max`), and `jaccardOf` rises with what is in common, so no smaller count rounds above
 * it. NaN when both are empty (compared, it turns nothing away). A candidate's similarity is its words or the threshold (frame
 * or figure), so one whose bound and the threshold are both under the best so far cannot win, not even a tie.
 */
function jaccardBound(na: number, nb: number): number {
  return Math.min(na, nb) / Math.max(na, nb);
}

/**
 * The headline's tokens in an open-addressed table (slots stamped with the headline they belong to, so nothing is
 * cleared): each candidate's tokens are looked up in it, instead of merging two sorted lists per candidate, whose
 * steps are branches the processor mispredicts on lists that differ (on random lists of 8-17 tokens the table counted
 * the same common elements in 0.55x the time; the novelty loop past a story's window ran 1.03-1.07x faster with it).
 * At most MAX_TOKENS tokens in 4x as many slots.
 */
const TABLE_BITS = 8;
const TABLE_SHIFT = 32 - TABLE_BITS;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const TABLE_KEYS = new Uint32Array(1 << TABLE_BITS);
const TABLE_STAMP = new Int32Array(1 << TABLE_BITS);
let tableStamp = 0;

function slotOf(v: number): number {
  return Math.imul(v, 0x9e3779b1) >>> TABLE_SHIFT;
}

/** Files `tokens` (sorted, unique, unsigned 32-bit, as `normalizeShingles` returns them) in the table. */
function loadTable(tokens: number[]): void {
  if (++tableStamp === 0x7fffffff) {
    TABLE_STAMP.fill(0);
    tableStamp = 1;
  }
  for (let i = 0; i < tokens.length; i++) {
    const v = tokens[i];
    let s = slotOf(v);
    while (TABLE_STAMP[s] === tableStamp) s = (s + 1) & TABLE_MASK;
    TABLE_STAMP[s] = tableStamp;
    TABLE_KEYS[s] = v;
  }
}

/**
 * `jaccard(tokens, b)` for the `tokens` last loaded into the table (not empty). What the merge counts when `b` is sorted:
 * each distinct value of `b` that is in `tokens` once (a repeat in `b` is passed over, as the merge passes over it). A `b`
 * out of order (or holding NaN), which the state never holds, goes to the merge itself, so the answer is its answer for any `b`.
 */
function jaccardWithTable(tokens: number[], b: number[]): number {
  const nb = b.length;
  if (nb === 0) return 0;
  let inter = 0;
  let prev = -Infinity;
  for (let j = 0; j < nb; j++) {
    const v = b[j];
    if (v === prev) continue;
    if (!(v > prev)) return jaccard(tokens, b);
    prev = v;
    let s = slotOf(v);
    while (TABLE_STAMP[s] === tableStamp) {
      if (TABLE_KEYS[s] === v) {
        inter++;
        break;
      }
      s = (s + 1) & TABLE_MASK;
    }
  }
  return jaccardOf(inter, tokens.length, nb);
}

/**
 * Entities that say where, not who (the gazetteer's `place` kind: chokepoints, seas, facilities):
 * outlets name the place of one event differently ("attack on Saudi oil facility" and "Abqaiq
 * attack", "in the Strait of Hormuz" and "in the Gulf"), so frames compare their actors only.
 */
// Held signed and looked up as `e | 0` (the same 32 bits): small integers to the engine, not heap numbers.
const PLACE = new Set<number>(GAZETTEER.entities.filter((g) => g.kind === 'place').map((g) => fnv1a(g.name) | 0));

/** PLACE by its low 10 bits, one byte a slot: a zero says at once that an entity is no place (most are not), without a Set lookup. */
const PLACE_FILTER = new Uint8Array(1024);
for (const p of PLACE) PLACE_FILTER[p & 1023] = 1;

function isPlace(e: number): boolean {
  return PLACE_FILTER[e & 1023] === 1 && PLACE.has(e | 0);
}

/** `entities` without its places: the list itself when it has none (the usual case, no array made). */
function actorsOf(entities: number[]): number[] {
  let i = 0;
  while (i < entities.length && !isPlace(entities[i])) i++;
  if (i === entities.length) return entities;
  const out = entities.slice(0, i);
  for (i++; i < entities.length; i++) if (!isPlace(entities[i])) out.push(entities[i]);
  return out;
}

/** Whether a frame of `actors` actors (entities but places) and `events` event classes is a signature: the rule's one home. */
function signature(actors: number, events: number): boolean {
  return actors > 0 && events > 0 && actors + events >= MIN_FRAME;
}

/** `frameKey` of a frame with these actors and `events` events. */
function actorsKey(actors: number[], events: number): number | undefined {
  if (!signature(actors.length, events)) return undefined;
  let h = 0x51ed27b;
  for (let i = 0; i < actors.length; i++) h = hashWith(actors[i], h);
  return h;
}

/** Whether the entity list `b` names exactly `actors` (a list with no places), its places skipped. */
function namesActors(actors: number[], b: number[]): boolean {
  let j = 0;
  for (let i = 0; i < actors.length; i++, j++) {
    while (j < b.length && isPlace(b[j])) j++;
    if (j === b.length || actors[i] !== b[j]) return false;
  }
  while (j < b.length && isPlace(b[j])) j++;
  return j === b.length;
}

/**
 * `framesMatch(a, b, overlap)` for a signature frame `a` given its actors (`actorsOf(a.entities)`; `assign` finds them once
 * a headline rather than per candidate). With the same actors `b` has as many as `a`, so it is a signature when its events
 * make up the rest.
 */
function framesMatchActors(actors: number[], a: EventFrame, b: EventFrame, overlap: number): boolean {
  return namesActors(actors, b.entities) && signature(actors.length, b.events.length) && jaccard(a.events, b.events) >= overlap;
}

/** Candidate key of an event frame: the hash of its actors (entities but places), so texts naming the same actors meet even when their MinHash bands do not. */
export function frameKey(frame: EventFrame): number | undefined {
  return actorsKey(actorsOf(frame.entities), frame.events.length);
}

/**
 * A reading as one small integer, `(oil + 1) * 3 + (tone + 1)`, or -1 for a reading outside the declared values: a
 * cluster keeps its founder's code beside the reading, so a candidate is checked against the headline without a load of
 * its reading object (the candidate loop waits on memory, not on arithmetic).
 */
function readingCode(r: StoryReading): number {
  const { oil, tone } = r;
  return (oil === -1 || oil === 0 || oil === 1) && (tone === -1 || tone === 0 || tone === 1) ? (oil + 1) * 3 + (tone + 1) : -1;
}

/** `readingsOppose` of every pair of codes, row by the headline's code: 1 where they oppose. */
const OPPOSE = new Uint8Array(81);
for (let a = 0; a < 9; a++) {
  for (let b = 0; b < 9; b++) {
    const r = (c: number): StoryReading => ({ oil: (Math.floor(c / 3) - 1) as StoryReading['oil'], tone: ((c % 3) - 1) as StoryReading['tone'] });
    OPPOSE[a * 9 + b] = readingsOppose(r(a), r(b)) ? 1 : 0;
  }
}

/**
 * A cluster as this tracker founds it (`foundCluster`): its founder's reading code, and how many figures it has with the
 * first of them, kept in the cluster's own object (absent in state founded elsewhere). Past a story's window, or on wires
 * that number their updates, most candidates are turned away by their reading or their figures: this way without a load
 * of either (`opposes`, `figuresAgreeWith` read them; the rules stay `readingsOppose` and `figuresAgree`).
 */
interface FoundedCluster extends ClusterState {
  readingCode?: number;
  figureCount?: number;
  firstFigure?: number;
}

/** The cluster a headline founds, with the derived fields of `FoundedCluster` and its frame's key (`StoredFrame`). */
function foundCluster(id: string, tokens: number[], at: number, reading: StoryReading, readingCode: number, figures: number[], frame: EventFrame, key: number | undefined): FoundedCluster {
  // One literal (an absent frame is `undefined`, as `ClusterState` reads it): one allocation of one known shape, no object copied.
  const stored: StoredFrame | undefined = frame.entities.length + frame.events.length > 0 ? { entities: frame.entities, events: frame.events, key } : undefined;
  return { id, tokens, firstSeen: at, lastSeen: at, count: 1, reading, figures, frame: stored, readingCode, figureCount: figures.length, firstFigure: figures.length > 0 ? figures[0] : 0 };
}

/** `readingsOppose(reading, c.reading)`, from the reading codes where both sides have one (`headCode` is `readingCode(reading)`). */
function opposes(reading: StoryReading, headCode: number, c: FoundedCluster): boolean {
  const code = c.readingCode;
  return headCode >= 0 && code !== undefined && code >= 0 ? OPPOSE[headCode * 9 + code] === 1 : readingsOppose(reading, c.reading);
}

/** `figuresAgree(figures, c.figures)` for a headline with figures, from the cluster's count and first figure where it has them. */
function figuresAgreeWith(figures: number[], c: FoundedCluster): boolean {
  const n = c.figureCount;
  return n === 1 ? agreesWith(figures, c.firstFigure!) : n === 0 || figuresAgree(figures, c.figures);
}

/** A cluster's frame with its key, computed once at founding so a candidate with other actors is passed over by one comparison. */
interface StoredFrame extends EventFrame {
  key?: number;
}

/** The frame key of a stored frame; computed again for state kept without it. */
function storedKey(frame: StoredFrame | undefined): number | undefined {
  if (!frame) return undefined;
  // The key's value first: the `in` test is the slower of the two, and is needed only for a frame stored without a key (or with none).
  const key = frame.key;
  return key !== undefined || 'key' in frame ? key : frameKey(frame);
}

/**
 * Whether two frames tell one story: the same actors and enough event classes in common.
 * A superset of actors is not enough: "Houthis attack ship" and "US strikes Houthis in
 * Yemen" share an entity and an event class, and are two stories.
 */
export function framesMatch(a: EventFrame, b: EventFrame | undefined, overlap = FRAME_EVENT_OVERLAP): boolean {
  if (!b) return false;
  const actors = actorsOf(a.entities);
  return signature(actors.length, a.events.length) && framesMatchActors(actors, a, b, overlap);
}

/**
 * Sorted unique unsigned 32-bit values of `tokens` (as a Uint32Array converts them), the
 * smallest MAX_TOKENS kept: MinHash and Jaccard read them in this form.
 */
export function normalizeShingles(tokens: number[]): number[] {
  const n = tokens.length;
  if (n === 0) return [];
  if (n <= SMALL_SORT) {
    // A headline has a dozen shingles: an insertion sort into the one array returned, a repeat dropped where it would go
    // (fewer than MAX_TOKENS by construction), allocates less than a typed array and its sort, or a sorted copy and a deduped one.
    const a: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = tokens[i] >>> 0;
      let j = a.length - 1;
      while (j >= 0 && a[j] > v) j--;
      if (j >= 0 && a[j] === v) continue;
      a.push(v);
      for (let k = a.length - 1; k > j + 1; k--) a[k] = a[k - 1];
      a[j + 1] = v;
    }
    return a;
  }
  const sorted = Uint32Array.from(tokens).sort();
  const out: number[] = [];
  for (let i = 0; i < sorted.length && out.length < MAX_TOKENS; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  return out;
}

/**
 * Near-duplicate clustering within a time window. The first article of a story founds a
 * cluster and gets novelty 100; later near-duplicates join it and get
 * `50 * 0.5^(n-1) * (2 - similarity)` where n is the number of earlier members, so exact
 * repeats go 50, 25, 12.5... and looser paraphrases keep a little more. A cluster spans at
 * most one window from its founder (event time, `published_at`), so a story that returns
 * days later counts as news again.
 */
export class NoveltyTracker {
  constructor(
    private readonly store: NoveltyStore,
    private readonly options: NoveltyOptions,
  ) {}

  /**
   * `reading` is the article's direction: a story that turns ("inventory build" after "inventory
   * draw", "raises" after "cuts") is a new development, not a rewrite, however similar the words
   * (`readingsOppose`).
   */
  assign(articleId: string, shingles: number[], at: number, reading: StoryReading = NO_READING, figures: number[] = [], frame: EventFrame = NO_FRAME): NoveltyResult {
    const prior = this.store.seen(articleId);
    if (prior) return prior;
    const tokens = normalizeShingles(shingles);
    const f: EventFrame = frame.entities.length + frame.events.length === 0 ? NO_FRAME : { entities: normalizeShingles(frame.entities), events: normalizeShingles(frame.events) };
    const actors = actorsOf(f.entities);
    const fKey = actorsKey(actors, f.events.length);
    const keys = candidateKeys(tokens, fKey);
    const overlap = this.options.frameEventOverlap ?? FRAME_EVENT_OVERLAP;
    const { windowMs, threshold } = this.options;
    let best: ClusterState | undefined;
    let bestSim = 0;
    const candidates = this.store.candidates(keys);
    if (candidates.length > 0 && tokens.length > 0) loadTable(tokens);
    const headCode = readingCode(reading);
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i];
      // The reading first: its code is a small integer in the cluster's own object, while a time is a number of its own
      // (a heap number the object points to), which a candidate turned away by its reading then never loads.
      if (opposes(reading, headCode, c) || Math.abs(at - c.firstSeen) > windowMs || (figures.length > 0 && !figuresAgreeWith(figures, c))) continue;
      // Once the best is above the threshold, a candidate whose word similarity cannot reach it is passed over unread.
      if (threshold < bestSim && jaccardBound(tokens.length, c.tokens.length) < bestSim) continue;
      const words = tokens.length === 0 ? 0 : jaccardWithTable(tokens, c.tokens);
      // A matching frame, or a shared figure and entity, counts as reaching the word threshold: the same event told in other words.
      const sim = words < threshold && ((fKey !== undefined && storedKey(c.frame) === fKey && framesMatchActors(actors, f, c.frame!, overlap)) || figureCorroborates(words, figures, c.figures, f.entities, c.frame?.entities)) ? threshold : words;
      // Ties go to the older cluster id so the answer does not depend on the store's iteration order.
      if (sim > bestSim || (sim === bestSim && best !== undefined && c.id < best.id)) {
        best = c;
        bestSim = sim;
      }
    }
    let result: NoveltyResult;
    if (best && bestSim >= threshold) {
      const novelty = Math.min(99, 50 * 0.5 ** (best.count - 1) * (2 - bestSim));
      best.count += 1;
      best.lastSeen = Math.max(best.lastSeen, at);
      best.firstSeen = Math.min(best.firstSeen, at);
      this.store.put(best, keys);
      result = { novelty: Math.round(novelty * 10) / 10, clusterId: best.id };
    } else {
      const cluster = foundCluster(`c${hash64Hex(articleId)}`, tokens, at, reading, headCode, figures, f, fKey);
      this.store.put(cluster, keys);
      result = { novelty: 100, clusterId: cluster.id };
    }
    this.store.remember(articleId, result);
    return result;
  }
}
