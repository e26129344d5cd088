import { describe, expect, it } from 'vitest';

// Imported inside the test, in a file that imports nothing else of the scorer: the shipped rules
// (data/topic-context.json) are compiled while topic-gate.ts loads, and a compile that throws must fail
// a test, not only the import of every file that reads topics.
describe('topic gate: the shipped rules, compiled while the module loads', () => {
  it('compiles the topic and promote rules with their word bits', async () => {
    const { GATE_RULES, readWordBits } = await import('../../../../../services/scorer/domain/topic-gate.ts');
    expect(GATE_RULES.topics.size).toBeGreaterThan(0);
    expect(GATE_RULES.promote.length).toBeGreaterThan(0);
    expect(GATE_RULES.wordBits.size).toBeGreaterThan(0);
    expect(readWordBits(['gaza']).lists).not.toBe(0);
    expect(GATE_RULES.conflictEntities.size).toBeGreaterThan(0);
  });
});
