import { describe, expect, it } from 'vitest';

// Imported inside each test: the lexicon is built while the module loads, and a load that throws
// (a layer without groups, an entry the builder cannot read) must fail a test, not only the file's import.
const load = () => import('../../../../../services/scorer/domain/lexicon.ts');

describe('lexicon: the data layers applied in order', () => {
  it('applies core, then the taxonomy readings, then the tone readings', async () => {
    const { LEXICON_LAYERS } = await load();
    expect(LEXICON_LAYERS.map((l) => l.file)).toEqual(['data/lexicon-core.json', 'data/lexicon-taxonomy.json', 'data/lexicon-tone.json']);
    for (const l of LEXICON_LAYERS) expect(l.groups.length, l.file).toBeGreaterThan(10);
  });

  it('lets a later layer override a field and keeps the others ("talks": core concept, tone-layer signs)', async () => {
    const { LEXICON } = await load();
    expect(LEXICON.get('talks')).toMatchObject({ cls: 'ev', co: -1, cs: 0.35, s: 0.15, t: ['mediation'] });
  });

  it('clears a field a later layer sets to null, and accumulates predicate senses across layers', async () => {
    const { LEXICON } = await load();
    // "hit by" is defined with t and geo cleared, so it never carries a topic.
    expect(LEXICON.get('hit by')?.t).toBeUndefined();
    const strike = LEXICON.get('strike');
    expect(strike?.cls).toBe('mil');
    expect(strike?.senses?.map((s) => `${s.d}${s.side}`)).toContain('1A');
  });

  it('bounds the phrase matcher by the longest entry', async () => {
    const { LEXICON, MAX_PHRASE } = await load();
    const longest = Math.max(...[...LEXICON.keys()].map((k) => k.split(' ').length));
    expect(MAX_PHRASE).toBe(longest);
    expect(MAX_PHRASE).toBeGreaterThanOrEqual(4);
  });
});
