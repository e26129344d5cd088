/**
 * Reading phase 2, modifiers: negation (scope in words, stopping at a new phrase), denial (to
 * the end of the sentence), hedges, intensifiers and diminishers, contrast ("but": before
 * x0.5, after x1.3; "despite": the concessive clause x0.4) and the tone weight of causal
 * sub-clauses, written onto the items they reach.
 */
import { hasValence, joinLow, type Item } from './read-items.ts';
import { BARRIER, SCOPE_END, SUB } from './reading-words.ts';
import { Kind, type Tokens } from './text.ts';

const SUB_WEIGHT = 0.35;

export function applyModifiers(items: Item[], t: Tokens): void {
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
