/**
 * Reading phase 3, bindings: a predicate binds the nearest concept it accepts on its
 * preferred side within its window ("losses narrowed", "ceasefire collapses", "to end the
 * standoff"), never across a clause barrier; dual words bind what is left in a second pass.
 */
import type { Cls, Sense } from './lexicon-builder.ts';
import { conceptOf, type Item } from './read-items.ts';
import { BARRIER, INTO, PREP } from './reading-words.ts';
import { Kind, type Tokens } from './text.ts';

const WINDOW = 4;

export interface Pair {
  pred: number;
  concept: number;
  sense: Sense;
}

function allowed(sense: Sense, cls: Cls | undefined): boolean {
  if (!cls) return false;
  return !sense.bind || sense.bind.includes(cls);
}

/** Nearest concept a predicate can bind on one side, as [index, distance]. */
function scan(items: readonly Item[], roles: Roles, t: Tokens, k: number, dir: 1 | -1, sense: Sense, dualOk: boolean): [number, number] | undefined {
  const p = items[k];
  let found: [number, number] | undefined;
  for (let j = k + dir; j >= 0 && j < items.length; j += dir) {
    const x = items[j];
    if (x.sentence !== p.sentence) break;
    const dist = Math.abs(x.pos - p.pos);
    if (dist > (sense.win ?? WINDOW) + (found ? 2 : 0)) break;
    if (x.kind === Kind.Word && x.end - x.start === 1 && x.ent < 0 && (BARRIER.has(t.low[x.start]) || (dir === 1 && INTO.has(t.low[x.start])))) break;
    const c = conceptOf(x);
    // A verb chain ("agree to cut tariffs", "vows to lift sanctions"): the last verb is the one that acts on the object.
    if (dir === 1 && !c && x.e?.senses && x.start > 0 && t.low[x.start - 1] === 'to') break;
    if (!c || !allowed(sense, c.cls) || roles.used[j] || roles.asPred[j] || (x.e?.senses && !dualOk)) continue;
    if (found) return [j, found[1]];
    if (dir === 1) return [j, dist];
    found = [j, dist];
    // Looking back from the verb, a concept inside a prepositional phrase modifies an earlier head noun.
    if (!precededByPrep(items, t, j)) return found;
  }
  return found;
}

function precededByPrep(items: readonly Item[], t: Tokens, j: number): boolean {
  for (let i = j - 1; i >= 0 && i >= j - 3; i--) {
    const x = items[i];
    if (x.sentence !== items[j].sentence || x.kind !== Kind.Word) return false;
    if (x.ent >= 0 || (x.e?.mod === 'skip' && !PREP.has(t.low[x.start]))) continue;
    return x.end - x.start === 1 && PREP.has(t.low[x.start]);
  }
  return false;
}

/** Whether the concept at `j` is a name before the verb at `k` standing for a flow (a producer for its supply, a strait for its traffic). */
function standsForSupply(items: readonly Item[], j: number, k: number): boolean {
  return j < k && items[j].ent >= 0 && conceptOf(items[j])?.cls === 'flow';
}

/** Whether the concept at `j` follows the verb at `k` as its direct object: after it in the same sentence, with no preposition or barrier between. */
function directObject(items: readonly Item[], t: Tokens, k: number, j: number): boolean {
  if (j <= k || items[j].sentence !== items[k].sentence) return false;
  for (let i = k + 1; i < j; i++) {
    const x = items[i];
    if (x.kind === Kind.Word && x.end - x.start === 1 && x.ent < 0 && (PREP.has(t.low[x.start]) || BARRIER.has(t.low[x.start]))) return false;
  }
  return true;
}

function bindPredicate(items: readonly Item[], roles: Roles, t: Tokens, k: number, dualOk: boolean): Pair | undefined {
  const senses = items[k].e?.senses;
  if (!senses) return undefined;
  let best = -1;
  let bestSense: Sense | undefined;
  let bestCost = Infinity;
  // A flow or site the text names as the verb's object beats a name before the verb standing for one:
  // in "Aramco opens new gas plant" what opens is the plant, not Aramco's supply, though the name is nearer.
  let named = -1;
  let namedSense: Sense | undefined;
  let namedCost = Infinity;
  // "to end the standoff": after an infinitive marker the object follows.
  const infinitive = items[k].start > 0 && t.low[items[k].start - 1] === 'to' && items[k].end - items[k].start === 1;
  for (const sense of senses) {
    // A comparison's subject stays before it: in "supply to outstrip demand" the "to" marks the future, not a verb chain.
    const pref: 1 | -1 = sense.side === 'a' || sense.side === 'A' || (infinitive && sense.side === 'b' && !sense.vs) ? 1 : -1;
    // A comparison reads only with its subject before it: "refunds not outpacing deposits" says nothing of deposits alone.
    const strict = sense.side === 'A' || sense.side === 'B' || sense.vs !== undefined;
    // A sense restricted to some classes is the more specific reading and wins ties.
    const bias = sense.bind ? -0.1 : 0;
    for (let pass = 0; pass < (strict ? 1 : 2); pass++) {
      const found = scan(items, roles, t, k, pass === 0 ? pref : pref === 1 ? -1 : 1, sense, dualOk);
      if (!found) continue;
      const cost = found[1] + bias + (pass === 0 ? 0 : 1.5);
      if (cost < bestCost) {
        best = found[0];
        bestSense = sense;
        bestCost = cost;
      }
      if (items[found[0]].ent < 0 && cost < namedCost) {
        named = found[0];
        namedSense = sense;
        namedCost = cost;
      }
    }
  }
  if (bestSense === undefined) return undefined;
  if (namedSense !== undefined && standsForSupply(items, best, k) && conceptOf(items[named])?.cls === 'flow' && directObject(items, t, k, named)) return { pred: k, concept: named, sense: namedSense };
  return { pred: k, concept: best, sense: bestSense };
}

/** A comparison bound to its subject also binds the verb's direct object, the other way ("supply outstrips demand": demand falls behind). */
function bindObject(items: readonly Item[], roles: Roles, t: Tokens, pair: Pair, dualOk: boolean): Pair | undefined {
  const against = pair.sense.vs;
  if (!against || pair.concept > pair.pred) return undefined;
  const found = scan(items, roles, t, pair.pred, 1, against, dualOk);
  if (!found || !directObject(items, t, pair.pred, found[0])) return undefined;
  return { pred: pair.pred, concept: found[0], sense: against };
}

/** Which items the binding phase took: as a predicate, or as the concept a predicate bound. */
interface Roles {
  asPred: boolean[];
  used: boolean[];
}

/** The bindings of a text: the pairs, and by item index whether it was bound as predicate or as concept. */
export interface Bindings extends Roles {
  pairs: Pair[];
}

/**
 * Binds every predicate: first to plain concepts, then what is left binds dual words that did
 * not act as predicates. The items are not touched; the roles come back by item index.
 */
export function bindPairs(items: readonly Item[], t: Tokens): Bindings {
  const pairs: Pair[] = [];
  const roles: Roles = { asPred: items.map(() => false), used: items.map(() => false) };
  for (let k = 0; k < items.length; k++) {
    if (items[k].e?.mod === 'skip') continue;
    const pair = bindPredicate(items, roles, t, k, false);
    if (pair) {
      pairs.push(pair);
      roles.asPred[k] = true;
      roles.used[pair.concept] = true;
      const object = bindObject(items, roles, t, pair, false);
      if (object) {
        pairs.push(object);
        roles.used[object.concept] = true;
      }
    }
  }
  for (let k = 0; k < items.length; k++) {
    if (roles.asPred[k] || roles.used[k] || !items[k].e?.senses || items[k].e?.mod === 'skip') continue;
    const pair = bindPredicate(items, roles, t, k, true);
    if (pair && !roles.asPred[pair.concept]) {
      pairs.push(pair);
      roles.asPred[k] = true;
      roles.used[pair.concept] = true;
    }
  }
  return { pairs, ...roles };
}
