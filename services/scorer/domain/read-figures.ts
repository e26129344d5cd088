/**
 * Reading phase 4, figures: an unbound quantity compares its figures ("operating profit EUR
 * 9.8 mn compared with EUR 11.7 mn", "EPS 0.25 ( 0.20 )") with units and the sign of the
 * reference; and the title's figures that novelty compares.
 */
import { conceptOf, type Item } from './read-items.ts';
import { CURRENCY, UNIT } from './reading-words.ts';
import { Kind, type Tokens } from './text.ts';

/** The currency written next to a figure ("EUR 12 mn", "12 mln euro", "$ 17.7"), if any. */
function currencyNear(t: Tokens, i: number): string | undefined {
  for (const j of [i - 1, i + 1, i + 2]) {
    const c = j >= 0 && j < t.low.length ? CURRENCY[t.low[j]] : undefined;
    if (c) return c;
  }
  return undefined;
}

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
export function compareFigures(items: Item[], t: Tokens, k: number): { d: number; consumed: number[] } | undefined {
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

/** Numbers in a title, years left out (a date is not a figure of the story). */
export function titleFigures(t: Tokens): number[] {
  const out: number[] = [];
  for (let i = 0; i < t.kind.length && out.length < 4; i++) {
    if (t.kind[i] !== Kind.Num) continue;
    const v = t.num[i];
    if (Number.isFinite(v) && !(Number.isInteger(v) && v >= 1900 && v <= 2100)) out.push(v);
  }
  return out;
}
