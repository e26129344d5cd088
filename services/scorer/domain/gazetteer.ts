import type { TopicName } from '../../../shared/contracts/events.ts';
import { AppError } from '../../../shared/errors.ts';
import DATA from '../data/gazetteer.json' with { type: 'json' };

/**
 * Curated entities that matter to Brent: producers, consumers, chokepoints, organisations
 * and the people who move them, as data (`data/gazetteer.json`). Aliases are matched on
 * whole tokens; `cased` aliases only as written (so "US" is the country and "us" is not).
 */
export interface GazetteerEntry {
  name: string;
  kind: 'country' | 'org' | 'person' | 'place' | 'group' | 'company';
  aliases: string[];
  cased?: string[];
  /** Relevance to Brent: 2 = a producer, chokepoint or oil body; 1 = a player in the region or the market; 0 = other. */
  weight: 0 | 1 | 2;
  topics?: TopicName[];
  geo?: boolean;
  /** Acts as this concept for predicates ("OPEC+ cuts" moves OPEC supply; "Hormuz closure" moves a flow). */
  concept?: { cs: number; co: number; cls: 'flow' };
}

const KINDS = new Set<string>(['country', 'org', 'person', 'place', 'group', 'company']);

/** The entities of `data/gazetteer.json`, checked once at load: a bad kind or weight is a data bug, not a reading. */
export function parseGazetteer(raw: readonly Record<string, unknown>[]): GazetteerEntry[] {
  return raw.map((e, i) => {
    if (typeof e.name !== 'string' || !KINDS.has(String(e.kind)) || ![0, 1, 2].includes(e.weight as number) || !Array.isArray(e.aliases)) {
      throw new AppError('INTERNAL', `data/gazetteer.json entity ${i} (${String(e.name)}) needs a name, a kind of ${[...KINDS].join('/')}, aliases and a weight 0-2`);
    }
    const { section: _section, ...entry } = e;
    return entry as unknown as GazetteerEntry;
  });
}

export const GAZETTEER: GazetteerEntry[] = parseGazetteer(DATA.entities);

export interface CompiledGazetteer {
  /** Lower-cased alias phrase → entry index. */
  lower: Map<string, number>;
  /** Case-sensitive single-token alias → entry index. */
  cased: Map<string, number>;
  maxLen: number;
}

export function compileGazetteer(entries: GazetteerEntry[] = GAZETTEER): CompiledGazetteer {
  const lower = new Map<string, number>();
  const cased = new Map<string, number>();
  let maxLen = 1;
  entries.forEach((e, i) => {
    for (const a of e.aliases) {
      const key = a.toLowerCase().replace(/[-+]/g, (m) => (m === '+' ? ' +' : ' ')).replace(/\s+/g, ' ').trim();
      lower.set(key, i);
      maxLen = Math.max(maxLen, key.split(' ').length);
    }
    for (const c of e.cased ?? []) cased.set(c, i);
  });
  return { lower, cased, maxLen };
}
