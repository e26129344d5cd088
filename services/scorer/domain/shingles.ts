/**
 * Novelty shingles: content words stemmed lightly, synonym groups of
 * `data/novelty-synonyms.json` folded to one hash ("climbs" and "rises", "crude" and "oil"),
 * and the groups that name an event class, which with the entities make the event frame.
 */
import SYNONYMS from '../data/novelty-synonyms.json' with { type: 'json' };
import { fnv1a } from './hash.ts';
import { STOP_SHINGLE } from './reading-words.ts';

export { STOP_SHINGLE };

/** Rewrites swap synonyms ("climbs" for "rises", "crude" for "oil"): one shingle per group. */
const SYNONYM = new Map<string, string>(Object.entries(SYNONYMS.groups).flatMap(([group, words]) => words.map((w) => [w, group] as [string, string])));

/** Shingles of the synonym groups that name an event class ("TALKS", "ATTACK", "SEIZE"): with the entities they make the event frame. */
export const EVENT_SHINGLE = new Set<number>(SYNONYMS.events.map((g) => fnv1a(g)));

const SHINGLE_CACHE = new Map<string, number>();

export function shingleHash(w: string): number {
  let h = SHINGLE_CACHE.get(w);
  if (h === undefined) {
    h = fnv1a(SYNONYM.get(w) ?? stem(w));
    if (SHINGLE_CACHE.size > 100_000) SHINGLE_CACHE.clear();
    SHINGLE_CACHE.set(w, h);
  }
  return h;
}

function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('es')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s')) return w.slice(0, -1);
  return w;
}
