import { describe, expect, it } from 'vitest';

// Imported inside the test, in a file that imports nothing else of the scorer: the shipped word classes
// (data/relevance.json) are compiled while relevance.ts loads, and a compile that throws must fail a
// test, not only the import of relevance.test.ts.
describe('relevance: the shipped word classes, compiled while the module loads', () => {
  it('compiles every class, phrases under a shared first word kept apart', async () => {
    const { RELEVANCE_CLASS, RELEVANCE_WORDS, relevanceClasses } = await import('../../../../../services/scorer/domain/relevance.ts');
    expect(relevanceClasses(['palm', 'oil'], RELEVANCE_WORDS) & RELEVANCE_CLASS.notOil).not.toBe(0);
    expect(relevanceClasses(['dow', 'jones'], RELEVANCE_WORDS) & RELEVANCE_CLASS.marketWide).not.toBe(0);
    expect(RELEVANCE_WORDS.phrases.get('palm')?.length).toBeGreaterThan(0);
    expect(RELEVANCE_WORDS.remoteParties.size).toBeGreaterThan(0);
  });
});
