/**
 * Reading phase 1, items: the tokens of a text matched longest-first against the lexicon and
 * the gazetteer through one token trie, each match an `Item` (a word, phrase, entity, number
 * or punctuation) with its position in the sentence. Later phases read and mark items.
 */
import { GAZETTEER, compileGazetteer, type GazetteerEntry } from './gazetteer.ts';
import type { Compiled } from './lexicon-builder.ts';
import { LEXICON } from './lexicon.ts';
import { LEVEL_VERB, LEVEL_WORD } from './reading-words.ts';
import { Kind, type Tokens } from './text.ts';

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

/**
 * Whether a token as written could be a cased alias, by its length and first character: most words are not (lower
 * case, or longer than any), and are not looked up in the cased table at all.
 */
const CASED_MAX_LEN = Math.max(0, ...[...GAZ.cased.keys()].map((k) => k.length));
const CASED_FIRST = new Uint8Array(128);
const casedOther = [...GAZ.cased.keys()].some((k) => k.charCodeAt(0) >= 128);
for (const k of GAZ.cased.keys()) if (k.charCodeAt(0) < 128) CASED_FIRST[k.charCodeAt(0)] = 1;

function mayBeCased(raw: string): boolean {
  if (raw.length > CASED_MAX_LEN) return false;
  const c = raw.charCodeAt(0);
  return c < 128 ? CASED_FIRST[c] === 1 : casedOther;
}

const NEUTRAL: Compiled = { mod: 'skip' };

/** One reading unit; later phases never change it, they return their own results by item index. */
export interface Item {
  readonly start: number;
  readonly end: number;
  readonly kind: Kind;
  readonly e: Compiled | undefined;
  readonly ent: number;
  /** Significant-token position inside the sentence. */
  readonly pos: number;
  readonly sentence: number;
}

export const entityEntry = (i: number): GazetteerEntry => GAZETTEER[i];

function entityConcept(item: Item): Compiled | undefined {
  if (item.ent < 0) return undefined;
  const c = entityEntry(item.ent).concept;
  return c ? { cs: c.cs, co: c.co, cls: c.cls } : undefined;
}

export function conceptOf(item: Item): Compiled | undefined {
  if (item.e?.cls) return item.e;
  return entityConcept(item);
}

export function buildItems(t: Tokens): Item[] {
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
      items.push({ start: i, end: i + 1, kind, e: undefined, ent: -1, pos, sentence });
      i++;
      continue;
    }
    const w0 = t.low[i];
    // Longest match in the gazetteer and in the lexicon; an entity wins ties.
    const hit = match(t.low, i);
    let entLen = hit.entLen;
    let ent = hit.ent;
    if (entLen === 0 && mayBeCased(t.raw[i])) {
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
    items.push({ start: i, end: i + len, kind, e, ent, pos, sentence });
    i += len;
  }
  return items;
}

export function joinLow(t: Tokens, i: number, k: number): string {
  let s = t.low[i];
  for (let j = 1; j < k; j++) s += ' ' + t.low[i + j];
  return s;
}

export function hasValence(it: Item): boolean {
  const e = it.e;
  return !!e && (e.s !== undefined || e.o !== undefined || e.senses !== undefined || e.cls !== undefined);
}
