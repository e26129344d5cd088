import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { GAZETTEER } from '../../../../../services/scorer/domain/gazetteer.ts';

// Mutation tests for the corrections and labels of analyzeText (issue 11): which topics and channels keep or take out the
// diplomacy, sanctions and armed parts of the oil evidence, and the gates that leave an oil label neutral, each on headlines
// written here. The totals are worked out in the comments from the items (see analyze-evidence.test.ts for the formulas);
// most rows come in pairs or against a figure of another test, so the rule shows as the difference it makes.

interface Totals {
  sentiment: number;
  oil: number;
  cues: number;
}

const totals = (text: string, summary = ''): Totals => {
  const { sentiment, oil, cues } = analyzeText(text, summary).evidence;
  return { sentiment, oil, cues };
};

describe("analyzeText: OPEC's own talks are supply management only without a topic of conflict", () => {
  it.each<[string, string[]]>([
    // Nuclear talks (mediation) beside missile strikes (military): the talks are conflict diplomacy, mediation stays.
    ['OPEC meets as Iran nuclear talks stall amid missile strikes', ['mediation', 'military', 'opec']],
    // Ceasefire talks (mediation and ceasefire): the same.
    ['OPEC meets as ceasefire talks resume', ['mediation', 'ceasefire', 'opec']],
    // Without one OPEC's talks are its own (analyze-evidence.test.ts: 'OPEC talks collapse' has opec only).
    ['OPEC talks collapse', ['opec']],
  ])('%s', (text, topics) => {
    expect(analyzeText(text).topics).toEqual(topics);
  });
});

describe('analyzeText: the oil channel and oil words of the summary', () => {
  it('takes a producer named in the summary as an oil channel: the sanctions keep their oil', () => {
    // 'imposes' on 'sanctions': po = 1 * 1 * 1.3 * max(1, min(2, 0.8)) = 1.3. Without a channel the sanctions part goes
    // (the title alone: analyze-evidence.test.ts, oil 0); Nigeria (weight 2, no party to a conflict) in the summary is one.
    expect(totals('US imposes sanctions on Chinese telecom firm', 'Nigeria said it would comply')).toEqual({ sentiment: -0.455, oil: 1.3, cues: 1 });
  });
  it('takes an oil company named in the summary as an oil story: the sanctions keep their oil', () => {
    expect(totals('US imposes sanctions on Chinese telecom firm', 'Shell said it would comply')).toEqual({ sentiment: -0.455, oil: 1.3, cues: 1 });
  });
  it("counts the summary's oil words at half weight: two oil-market words stay short of crude", () => {
    // 'Storm' (oil relevance 1) in the title, 'Hurricane' (1) in the summary: 1 + 0.5 x 1 < 2, no topic, no producer or
    // channel and no crude word: no oil direction, though the evidence is bullish (1 + 0.5 x 1.5).
    const a = analyzeText('Storm fears grow', 'Hurricane nears coast');
    expect(a.evidence.oil).toBe(1.75);
    expect(a.oil_direction).toEqual({ label: 'neutral', strength: 0 });
  });
});

describe('analyzeText: trade talks are macro, and keep their oil reading only beside an oil word', () => {
  it.each<[string, Totals]>([
    // 'resume' on 'Trade talks' (cs 1, co 0.5): ps = 1 * 1.3 * max(1, min(2, 0.5)) = 1.3, po = 0.5 * 1.3 = 0.65; 'grows' on
    // 'fuel demand' after 'as': ps = 0.7 x 0.35 = 0.245, po = 1. With an oil word the talks' oil stays; the demand channel
    // adds 0.4 S: O = 0.65 + 1 + 0.4 x 1.545 = 2.268.
    ['Trade talks resume as fuel demand grows', { sentiment: 1.545, oil: 2.268, cues: 2 }],
    // Without one (no oil word, no channel, no oil-specific topic) the talks' 0.65 goes: O = 1 + 0.4 x 1.65; S = 1.3 + 0.35.
    ['Trade talks resume as demand grows', { sentiment: 1.65, oil: 1.66, cues: 2 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
});

describe('analyzeText: sanctions reach crude only through a producer, an oil word or an oil story', () => {
  it.each<[string, Totals]>([
    // 'sanctions' standalone (o 0.8) with 'oil' named: an oil word, so the sanctions keep their oil (without it: 0,
    // analyze-evidence.test.ts 'US sanctions Chinese drone maker').
    ['US sanctions Chinese oil refiner', { sentiment: -0.3, oil: 0.8, cues: 1 }],
    // A military story (attacks escalating, no producer named): the sanctions (1.3) and the attacks (1 * 1 * 1 x 1) keep
    // their oil: 2.3. (The label is neutral: an armed event under the line of a clear oil channel.)
    ['Attacks escalate as US imposes sanctions on telecom firm', { sentiment: -1.659, oil: 2.3, cues: 2 }],
    // A shipping story (sea lanes closing, 'close' d -1 on co -1: 1 * 1.5 = 1.5): 1.3 + 1.5.
    ['US imposes sanctions as sea lanes close', { sentiment: -0.455, oil: 2.8, cues: 2 }],
    // An OPEC story named by a word (compensation plans, topic opec, no oil word, no entity): 0.8 + its opec oil 1.
    ['US sanctions telecom firm as members submit compensation plans', { sentiment: -0.3, oil: 1.8, cues: 2 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
});

describe("analyzeText: in a sanctions story the armed words are the target's business, unless it is also diplomacy", () => {
  it.each<[string, Totals]>([
    // 'sanctions' 0.8, 'drone' 1, 'stall' on 'peace talks' -1 * -1 * 1.5 = 1.5: no oil story, so the sanctions part goes (-0.8);
    // with mediation the story is no sanctions story: the drone's 1 stays. O = 3.3 - 0.8.
    ['US sanctions Chinese drone maker as peace talks stall', { sentiment: -2.325, oil: 2.5, cues: 3 }],
    // 'holds' on 'ceasefire': -1 * 1 * 1.3 = -1.3; with ceasefire the drone's 1 stays too: 0.8 + 1 - 1.3 - 0.8.
    ['US sanctions Chinese drone maker as ceasefire holds', { sentiment: -1.345, oil: -0.3, cues: 3 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
  it("takes the summary's sanctions and armed parts out at the summary's weight", () => {
    // Title: 1.3 (sanctions). Summary: 0.8 (sanctions) + 1 (drone), x 0.5 = 0.9. Out: the sanctions parts 1.3 + 0.4, and in a
    // sanctions story the armed part 0.5 once: exactly 0. Tone -0.455 + 0.5 x -1.8.
    expect(totals('US imposes sanctions on Chinese telecom firm', 'US sanctions Chinese drone maker')).toEqual({ sentiment: -1.355, oil: 0, cues: 3 });
  });
});

describe('analyzeText: macro-only stories', () => {
  it('reads a local central bank in a sanctions story: not a macro-only story, so the direction stays', () => {
    // 'cuts rates' (s 1, o 0.5) and 'sanctions bite' (s -0.7 x 0.35, o 0.8): macro and sanctions. Only a story with no topic
    // but macro loses the direction of another economy's central bank.
    const a = analyzeText("Turkey's central bank cuts rates as sanctions bite");
    expect(a.topics).toEqual(['sanctions', 'macro']);
    expect(a.evidence).toEqual({ sentiment: 0.755, oil: 1.3, cues: 2, threshold: 0.5 });
    expect(a.oil_direction.label).toBe('bullish');
  });
});

describe('analyzeText: a story with no topic has an oil implication only with crude, a producer or enough oil words', () => {
  it.each<[string, string, { label: string; strength: number }]>([
    // A producer named in the summary only: its production plunging is bullish, 0.5 x 1.5 = 0.75 (strength 0.25).
    ['Markets wait', 'Nigeria production plunges', { label: 'bullish', strength: 0.25 }],
    // Two oil-market words of relevance 1 (a storm, a hurricane) add up to crude's 2: the direction stays, 2.5 / 3.
    ['Storm and hurricane fears grow', '', { label: 'bullish', strength: 0.833 }],
    // One of them is not enough ...
    ['Storm fears grow', '', { label: 'neutral', strength: 0 }],
    // ... unless the summary names crude itself ('Oil supply', an oil-market phrase that opens with a crude word): 1 / 3.
    ['Storm fears grow', 'Oil supply steady', { label: 'bullish', strength: 0.333 }],
  ])('%s (summary: %s)', (text, summary, want) => {
    expect(analyzeText(text, summary).oil_direction).toEqual(want);
  });
});

describe("analyzeText: a trade dispute and a company's shares keep their direction with oil words of weight 2 in the title", () => {
  it.each<[string, { label: string; strength: number }]>([
    // Tariffs between Canada and a smaller partner have no direction as a demand shock, but fuel and imports (1 + 1) are
    // the oil itself: -1.26 / 3.
    ['Canada tariffs hit Mexico fuel imports', { label: 'bearish', strength: 0.42 }],
    // A refiner's shares are company news, but fuel demand slowing beside them (oil words 1 + 1) is oil news: -1.798 / 3.
    ['Refiner shares fall as fuel demand slows', { label: 'bearish', strength: 0.599 }],
  ])('%s', (text, want) => {
    expect(analyzeText(text).oil_direction).toEqual(want);
  });
});

describe('analyzeText: the armed-event gate', () => {
  it('keeps the direction of a shipping story with no armed word, under the line of a clear oil channel too', () => {
    // Sea lanes closing (no armed oil evidence) under the sanctions: relevance 46, under 60, and still bullish, 2.8 / 3.
    const a = analyzeText('US imposes sanctions as sea lanes close');
    expect(a.relevance).toBeLessThan(60);
    expect(a.oil_direction).toEqual({ label: 'bullish', strength: 0.933 });
  });
});

describe('analyzeText: the entity list', () => {
  it('lists at most 100 entities, in the order they are named', () => {
    // Every gazetteer entry named once by its first alias: more than 100 entities, of which the first 100 are listed.
    const text = GAZETTEER.map((e) => e.aliases[0]).join(' , ');
    const a = analyzeText(text);
    expect(GAZETTEER.length).toBeGreaterThan(100);
    expect(a.frame.entities.length).toBeGreaterThan(100);
    expect(a.entities).toHaveLength(100);
    expect(a.entities.slice(0, 3)).toEqual(GAZETTEER.slice(0, 3).map((e) => e.name));
  });
});
