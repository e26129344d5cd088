import type { ClusterState, NoveltyStore } from '../ports.ts';
import { hash64Hex } from './hash.ts';

export interface NoveltyOptions {
  windowMs: number;
  /** Jaccard similarity of content-word sets at or above which two texts are one story. */
  threshold: number;
}

export interface NoveltyResult {
  novelty: number;
  clusterId: string;
}

const BANDS = 12;
const ROWS = 2;
const MAX_TOKENS = 64;
// Fixed seeds: the same text gives the same band keys in every process.
const SEEDS = Array.from({ length: BANDS * ROWS }, (_, i) => Math.imul(i + 1, 0x9e3779b1) >>> 0);

function hashWith(t: number, seed: number): number {
  let x = Math.imul(t ^ seed, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Locality-sensitive band keys (MinHash, 12 bands of 2 rows): texts with Jaccard 0.5 share
 * a band with p ~ 0.97. A key is a 32-bit hash of (band, row minima), kept as a number.
 */
export function bandKeys(tokens: number[]): number[] {
  if (tokens.length === 0) return [];
  const keys = new Array<number>(BANDS);
  for (let b = 0; b < BANDS; b++) {
    let key = Math.imul(b + 1, 0x27d4eb2d) >>> 0;
    for (let r = 0; r < ROWS; r++) {
      const seed = SEEDS[b * ROWS + r];
      let min = 0xffffffff;
      for (let k = 0; k < tokens.length; k++) {
        const h = hashWith(tokens[k], seed);
        if (h < min) min = h;
      }
      key = hashWith(min, key);
    }
    keys[b] = key;
  }
  return keys;
}

/** Relative difference under which two figures are the same one rounded differently (5 and 5.1 million barrels). */
const FIGURE_TOLERANCE = 0.1;

/**
 * Two articles with figures are one story only if some figure matches: "raise output by
 * 411,000 bpd" and "by 548,000 bpd" are two decisions. Without figures on either side they agree.
 */
export function figuresAgree(a: number[], b: number[] | undefined): boolean {
  if (a.length === 0 || !b || b.length === 0) return true;
  return a.some((x) => b.some((y) => Math.abs(x - y) <= FIGURE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y))));
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
  return inter / (a.length + b.length - inter);
}

export function normalizeShingles(tokens: number[]): number[] {
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
   * `sign` is the article's direction: a story that turns ("inventory build" after "inventory
   * draw", "raises" after "cuts") is a new development, not a rewrite, however similar the words.
   */
  assign(articleId: string, shingles: number[], at: number, sign: -1 | 0 | 1 = 0, figures: number[] = []): NoveltyResult {
    const prior = this.store.seen(articleId);
    if (prior) return prior;
    const tokens = normalizeShingles(shingles);
    const keys = bandKeys(tokens);
    let best: ClusterState | undefined;
    let bestSim = 0;
    for (const c of this.store.candidates(keys)) {
      if (Math.abs(at - c.firstSeen) > this.options.windowMs) continue;
      if (sign !== 0 && c.sign !== undefined && c.sign !== 0 && c.sign !== sign) continue;
      if (!figuresAgree(figures, c.figures)) continue;
      const sim = jaccard(tokens, c.tokens);
      // Ties go to the older cluster id so the answer does not depend on the store's iteration order.
      if (sim > bestSim || (sim === bestSim && best !== undefined && c.id < best.id)) {
        best = c;
        bestSim = sim;
      }
    }
    let result: NoveltyResult;
    if (best && bestSim >= this.options.threshold) {
      const novelty = Math.min(99, 50 * 0.5 ** (best.count - 1) * (2 - bestSim));
      best.count += 1;
      best.lastSeen = Math.max(best.lastSeen, at);
      best.firstSeen = Math.min(best.firstSeen, at);
      this.store.put(best, keys.length ? keys : []);
      result = { novelty: Math.round(novelty * 10) / 10, clusterId: best.id };
    } else {
      const cluster: ClusterState = { id: `c${hash64Hex(articleId)}`, tokens, firstSeen: at, lastSeen: at, count: 1, sign, figures };
      this.store.put(cluster, keys);
      result = { novelty: 100, clusterId: cluster.id };
    }
    this.store.remember(articleId, result);
    return result;
  }
}
