/**
 * Reading phase 2, modifiers: negation (scope in words, stopping at a new phrase; a negative scope
 * reads back, for hedges written after what they doubt: "breakthrough seen slim"), denial (to the
 * end of the sentence), hedges, intensifiers and diminishers, contrast ("but": before x0.5, after
 * x1.3; "despite": the concessive clause x0.4) and the tone weight of causal sub-clauses, written
 * onto the items they reach.
 */
import { hasValence, joinLow, type Item } from './read-items.ts';
import { BARRIER, SCOPE_END, SUB } from './reading-words.ts';
import { Kind, type Tokens } from './text.ts';

const SUB_WEIGHT = 0.35;

/** What the modifiers make of one item: weights and flags by item index. */
export interface Scope {
  /** Contrast weight ("but": before x0.5, after x1.3; "despite": x0.4). */
  w: number;
  /** Sentiment-only weight: a causal or temporal sub-clause ("Oil falls as ceasefire holds") says less about tone. */
  ws: number;
  neg: boolean;
  /** Index of the negator that last toggled `neg` (a negating predicate does not negate its own object). */
  negBy: number;
  deny: boolean;
  hedge: number;
  int: number;
}

/** The scope of every modifier over the items, one `Scope` per item; the items are not touched. */
export function readModifiers(items: readonly Item[], t: Tokens): Scope[] {
  const scopes: Scope[] = items.map(() => ({ w: 1, ws: 1, neg: false, negBy: -1, deny: false, hedge: 1, int: 1 }));
  let seenValence = -1;
  for (let k = 0; k < items.length; k++) {
    const m = items[k];
    if (m.kind === Kind.Stop) seenValence = -1;
    else if (seenValence < 0 && hasValence(m) && !m.e?.mod) seenValence = m.sentence;
    if (m.kind === Kind.Word && seenValence === m.sentence && (!m.e || m.e.mod === 'skip') && SUB.has(joinLow(t, m.start, m.end - m.start))) {
      for (let j = k + 1; j < items.length && items[j].sentence === m.sentence; j++) scopes[j].ws *= SUB_WEIGHT;
      seenValence = -2;
    }
    const mod = m.e?.mod;
    if (!mod || mod === 'skip' || mod === 'cmp') continue;
    const sent = m.sentence;
    if (mod === 'neg' && (m.e?.scope ?? 3) < 0) {
      // A hedge read after what it doubts ("trade breakthrough seen slim", "deal remains elusive") negates
      // the words before it, back to a clause barrier or a "but".
      const back = -(m.e?.scope ?? 3);
      for (let j = k - 1; j >= 0; j--) {
        const x = items[j];
        if (x.sentence !== sent || x.kind === Kind.Stop || m.pos - x.pos > back || x.e?.mod === 'but') break;
        if (x.kind === Kind.Word && x.end - x.start === 1 && (BARRIER.has(t.low[x.start]) || SCOPE_END.has(t.low[x.start]))) break;
        scopes[j].neg = !scopes[j].neg;
        scopes[j].negBy = k;
      }
    } else if (mod === 'neg') {
      const scope = m.e?.scope ?? 3;
      for (let j = k + 1; j < items.length; j++) {
        const x = items[j];
        if (x.sentence !== sent || x.pos - m.pos > scope || x.e?.mod === 'but') break;
        if (j > k + 1 && x.kind === Kind.Word && x.end - x.start === 1 && (BARRIER.has(t.low[x.start]) || SCOPE_END.has(t.low[x.start]))) break;
        scopes[j].neg = !scopes[j].neg;
        scopes[j].negBy = k;
      }
    } else if (mod === 'deny') {
      for (let j = k + 1; j < items.length && items[j].sentence === sent; j++) scopes[j].deny = true;
    } else if (mod === 'hedge') {
      const f = m.e?.mult ?? 0.7;
      for (let j = k + 1; j < items.length; j++) {
        const x = items[j];
        if (x.sentence !== sent || x.pos - m.pos > 4) break;
        scopes[j].hedge = Math.min(scopes[j].hedge, f);
      }
    } else if (mod === 'int') {
      const f = m.e?.mult ?? 1.5;
      const target = m.e?.adv ? (findValence(items, k, -1) ?? findValence(items, k, 1)) : (findValence(items, k, 1) ?? findValence(items, k, -1));
      if (target !== undefined) scopes[target].int *= f;
    } else if (mod === 'but') {
      for (let j = k - 1; j >= 0 && items[j].sentence === sent; j--) scopes[j].w *= 0.5;
      for (let j = k + 1; j < items.length && items[j].sentence === sent; j++) scopes[j].w *= 1.3;
    } else if (mod === 'despite') {
      // The concessive clause runs to the comma; without one, a sentence-initial "despite" covers two words.
      let hasComma = false;
      for (let j = k + 1; j < items.length && items[j].sentence === sent; j++) if (items[j].kind === Kind.Comma) hasComma = true;
      const limit = !hasComma && m.pos <= 1 ? m.pos + 2 : Infinity;
      for (let j = k + 1; j < items.length; j++) {
        const x = items[j];
        if (x.sentence !== sent || x.kind === Kind.Comma || x.e?.mod === 'but' || x.pos > limit) break;
        scopes[j].w *= 0.4;
      }
    }
  }
  return scopes;
}

function findValence(items: readonly Item[], k: number, dir: 1 | -1): number | undefined {
  const from = items[k];
  for (let j = k + dir; j >= 0 && j < items.length; j += dir) {
    const x = items[j];
    if (x.sentence !== from.sentence || Math.abs(x.pos - from.pos) > 2) return undefined;
    if (x.e?.mod && x.e.mod !== 'skip') continue;
    if (hasValence(x)) return j;
  }
  return undefined;
}
