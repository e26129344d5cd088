import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';

// Mutation tests for the totals of analyze.ts (issue 11): the contexts, compounds, prepositional phrases, pair products and
// compared figures of analyzeTokens, and the constant lists beside it, each on a short headline written here whose evidence
// totals are worked out in its comment from the items the reading phases give (read-items, read-modifiers, read-bindings) and
// the formulas of analyzeText (see analyze-evidence.test.ts for the list):
//   pair tone ps = cs * d * str * max(1, min(2, |ce.s|)), replaced by the predicate's own tone when that is larger and of its sign;
//   pair oil  po = co * d * str * max(1, min(2, |ce.o|)), the predicate's own oil when the concept has no oil sign;
//   factorS = w * ws * hedge * int (x -0.6 negated); factorO = w * hedge * min(int, 2) (x -0.7 negated).
// Each row names the rule it pins; with the rule changed the totals move.

interface Totals {
  sentiment: number;
  oil: number;
  cues: number;
}

const totals = (text: string): Totals => {
  const { sentiment, oil, cues } = analyzeText(text).evidence;
  return { sentiment, oil, cues };
};

describe('analyzeTokens: the oil and OPEC contexts', () => {
  it.each<[string, Totals]>([
    // Iran, the gazetteer's first entry (index 0), is a producer (weight 2) like Nigeria: an oil context, where 'production'
    // (cs 0.5, co 0, coOil -1) rising is more supply: po = -1 * 1 * 1 = -1; tone 0.5 * 1 * 1 (the own 0.5 is not larger).
    ['Iran production rises', { sentiment: 0.5, oil: -1, cues: 1 }],
    // 'output quotas' is an OPEC word (topic opec) with no entity: an OPEC context, where talks take their coOpec 0.8, so their
    // collapse is more supply: po = 0.8 * -1 * 1.5 = -1.2 (bearish; -1 * -1 * 1.5 = +1.5 without the context). Tone: the own -1.5
    // of 'collapse' is larger than 0.35 * -1 * 1.5, halved by OPEC's output policy: -0.75.
    ['Talks on output quotas collapse', { sentiment: -0.75, oil: -1.2, cues: 1 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
});

describe('analyzeTokens: a compound head without an oil sign takes its neighbour\'s', () => {
  it.each<[string, Totals]>([
    // 'fears' (cs -1, co 0) beside 'Storm' (no concept, o 1.5): the head takes the sign of the storm's oil, +1:
    // po = 1 * 1 * 1 * max(1, min(2, 0)) = 1; ps = -1 * 1 * 1 * max(1, min(2, 1.2)) = -1.2. The storm's own valence is the
    // compound's, not added (one cue). No topic and no crude word: no oil label, but the evidence is read.
    ['Storm fears grow', { sentiment: -1.2, oil: 1, cues: 1 }],
    // 'growth' is a financial quantity (cls q, co 0) beside 'Oil supply' (co -1), a word and not an entity: it takes -1:
    // po = -1 * -1 * 1 = 1 (supply growth slowing is bullish); ps = 1 * -1 * 1 * 1 = -1.
    ['Oil supply growth slows', { sentiment: -1, oil: 1, cues: 1 }],
    // 'project' (cls ev, co 0) beside the Red Sea (an entity with a flow concept, co -1): an entity lends its sign to any
    // head but a company quantity: po = -1 * -1 * 1.5 = 1.5; tone: the own -1 of 'delayed' over 0.6 * -1 * 1.5 = -0.9.
    ['Red Sea project delayed', { sentiment: -1, oil: 1.5, cues: 1 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
});

describe('analyzeTokens: a prepositional phrase after the head is part of it, up to four items on', () => {
  it.each<[string, Totals]>([
    // 'Talks' (0) 'on' (1) 'the' (2, a skip word) 'Iran' (3, an entity) 'nuclear program' (4): skip words and entities are
    // passed over, and the concept four items after the head is part of the talks: its own s -0.3 / o 0.3 are not added.
    // ps: the own -1.5 of 'collapse'; po = -1 * -1 * 1.5 = 1.5.
    ['Talks on the Iran nuclear program collapse', { sentiment: -1.5, oil: 1.5, cues: 1 }],
    // 'talks' (2) 'on' 'Saudi' 'and' 'Russian' 'output cuts' (7): five items on is past the phrase, so 'output cuts' stands
    // alone (o 1.2, a second cue) and makes an OPEC context: 'backs' on the talks gives po = 0.8 * 1 * 1.2 = 0.96, so
    // O = 0.96 + 1.2 = 2.16; tone: the own 1 of 'backs' (over 0.35 * 1.2), halved by OPEC's output policy: 0.5.
    ['Iran backs talks on Saudi and Russian output cuts', { sentiment: 0.5, oil: 2.16, cues: 2 }],
    // 'near' is a predicate (it binds the talks), not a preposition that opens a phrase: 'deal' after it stands alone.
    // ps = 0.35 * 1.3 = 0.455, plus the deal's own 0.3; the oil of talks and deal (-1.3 - 0.3) is diplomacy, which a story
    // with no topic and no party to a conflict does not carry: 0.
    ['Talks near deal', { sentiment: 0.755, oil: 0, cues: 2 }],
    // 'on fears' is one two-word item (a sub-clause opener), not the preposition 'on': it opens no phrase, so 'glut' stands
    // alone (s -1 x the sub-clause's 0.35, o -1.5). 'cuts' on 'output' in the oil context of Saudi Arabia: ps = 0.5 * -1 * 1.2
    // = -0.6, po = -1 * -1 * 1.2 = 1.2. S = (-0.6 - 0.35) / 2 (OPEC's output policy), O = 1.2 - 1.5.
    ['Saudi Arabia cuts output on fears of glut', { sentiment: -0.475, oil: -0.3, cues: 2 }],
    // 'lift' binds 'oil exports' (3) and 'near' (4) binds the talks before them: a predicate of another pair after the head
    // opens no phrase either, so 'glut' (5) stands alone. Pairs: 0 and -1 * 1.2 (lift), 0.35 * 1.3 = 0.455 and -1 * 1.3
    // (near); glut s -1, o -1.5. The near pair's oil is diplomacy with no topic or party: out. S = 0.455 - 1, O = -1.2 - 1.5.
    ['Talks to lift oil exports near glut', { sentiment: -0.545, oil: -2.7, cues: 3 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
});

describe('analyzeTokens: the pair products', () => {
  it.each<[string, Totals]>([
    // Sanctions collapsing is good news: ps = -0.35 * -1 * 1.5 * max(1, min(2, 0.3)) = 0.525. The own -1.5 of 'collapse' is
    // larger but of the other sign: it does not replace the pair's tone. Oil: sanctions with no producer named carry none.
    ['Sanctions collapse', { sentiment: 0.525, oil: 0, cues: 1 }],
    // 'partnership' (co 0) has no oil sign, so the pair's oil is the predicate's own: 'within reach' o -0.8. Tone: the own 1
    // over 0.6 * 1 * 1.3 = 0.78. Iran named is a party: the diplomacy reading stays.
    ['Iran partnership within reach', { sentiment: 1, oil: -0.8, cues: 1 }],
    // 'no' negates the deal and not the predicate before it: the concept's negation counts, -0.6 and -0.7:
    // ps = 1 * 1 * 1.3 = 1.3, x -0.6; po = -0.7 * 1 * 1.3 = -0.91, x -0.7.
    ['Iran signs no deal', { sentiment: -0.78, oil: 0.637, cues: 1 }],
    // 'avoids' is a negator that is itself the predicate: the negation it puts on its object is its own sense (d -1), not
    // counted again: po = 1 * -1 * 1.5 * max(1, min(2, 1.2)) = -1.8, tone 0 (cs 0).
    ['Nigeria avoids output cut', { sentiment: 0, oil: -1.8, cues: 1 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
});

describe('analyzeTokens: the sanctions and armed parts of the oil evidence, hedged', () => {
  it.each<[string, Totals]>([
    // 'may' hedges 'impose' on sanctions (x 0.7): po = 1 * 1 * 1.3 * max(1, min(2, 0.8)) = 1.3, x 0.7 = 0.91; no producer, oil word or
    // oil story: the sanctions part, the same hedged product, is taken out exactly: 0. Tone -0.35 * 1.3 x 0.7 = -0.3185.
    ['US may impose sanctions on Chinese telecom firm', { sentiment: -0.318, oil: 0, cues: 1 }],
    // 'step up' on 'retaliation' (armed, co 1), hedged: po = 1 * 1 * 1.2 * 1 x 0.7 = 0.84; the tariffs are in its phrase. In a
    // trade story the armed part turns: 0.84 - 2 x 0.84 = -0.84. ps = -1 * 1.2 * 1.5 x 0.7 = -1.26.
    ['China may step up retaliation against US tariffs', { sentiment: -1.26, oil: -0.84, cues: 1 }],
    // The same unhedged: 1.2 - 2 x 1.2; tone -1.8.
    ['China steps up retaliation against US tariffs', { sentiment: -1.8, oil: -1.2, cues: 1 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
});

describe('analyzeTokens: compared figures', () => {
  it.each<[string, Totals]>([
    // 'lifts' binds 'net profit': 1 * 1 * 1.2 (the own 0.5 is smaller). The bound profit is not compared again ("5 vs 3"
    // would add 1.2 and a cue).
    ['Acme lifts net profit 5 vs 3', { sentiment: 1.2, oil: 0, cues: 1 }],
    // After 'but' (w 1.3) the compared profit counts 1 * 1 * 1.2 x 1.3 = 1.56; before it 'Sales fall' counts x 0.5: -0.5.
    ['Sales fall but net profit 5 vs 3', { sentiment: 1.06, oil: 0, cues: 2 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
});

describe('analyzeText: the topics of conflict, and crude named by an oil-market phrase', () => {
  it.each<[string, Totals & { topics: string[] }]>([
    // With a topic of conflict beside OPEC the tone is not OPEC's output policy, so it is not halved:
    // 'holds' on 'Gaza ceasefire' after 'as' (ws 0.35): 1 * 1.3 x 0.35 = 0.455; oil -1.3 and the standalone 'meets' -0.2.
    ['OPEC meets as Gaza ceasefire holds', { sentiment: 0.455, oil: -1.5, cues: 2, topics: ['ceasefire', 'opec'] }],
    // 'sanctions' standalone (s -0.3 x 0.35), a producer named: oil 0.8 minus the standalone 'meets' 0.2.
    ['OPEC meets as US sanctions Iran', { sentiment: -0.105, oil: 0.6, cues: 2, topics: ['sanctions', 'opec'] }],
    // 'troops' (-0.5) and 'clash' (-1.5) standalone after 'as': -2 x 0.35; oil 0.5 + 1 - 0.2.
    ['OPEC meets as troops clash', { sentiment: -0.7, oil: 1.3, cues: 3, topics: ['military', 'opec'] }],
    // 'attacked' (-1.5 x 0.35, o 1.2) standalone; the tanker makes it a shipping story: oil 1.2 - 0.2.
    ['OPEC meets as tanker attacked', { sentiment: -0.525, oil: 1, cues: 2, topics: ['shipping', 'opec'] }],
    // An oil company's talks are corporate, but talks with a topic of conflict (mediation: Iran's nuclear talks) are diplomacy
    // whoever welcomes them: the oil of 'welcomes' on the talks stays, -1 * 1 * 1.3.
    ['Exxon welcomes Iran nuclear talks', { sentiment: 1.5, oil: -1.3, cues: 1, topics: ['mediation'] }],
  ])('%s', (text, want) => {
    const a = analyzeText(text);
    expect({ ...totals(text), topics: a.topics }).toEqual(want);
  });
  it.each<[string, number]>([
    // An oil-market phrase of oil relevance 1 that opens with a crude word names crude: the direct-oil band with its crude
    // share, 85 + 12 (0.3 x 0.333 + 0.3) = 89.8 (without it 85 + 12 x 0.1 = 86). Stocks (cls inv):
    ['Crude stocks rise', 90],
    // ... and demand (cls mac): crude runs are a macro quantity, in the oil band only because crude is named.
    ['Crude runs rise', 90],
  ])('%s names crude (relevance %d)', (text, relevance) => {
    expect(analyzeText(text).relevance).toBe(relevance);
  });
});

describe('analyzeTokens: standalone valences, hedged', () => {
  it.each<[string, Totals]>([
    // 'may' hedges all that follows (x 0.7): 'sanction' (s -0.3, o 0.8) and 'drone' (s -1.5, o 1, armed) stand alone:
    // S = -1.8 x 0.7; O = 1.8 x 0.7, less the sanctions part 0.56 (no producer or oil story) and, in a sanctions story,
    // the armed part 0.7 once: exactly 0.
    ['US may sanction Chinese drone maker', { sentiment: -1.26, oil: 0, cues: 2 }],
    // 'unity' (s 0.5, topic-conditional oil 0.7 for OPEC), hedged: the oil counts once OPEC is a topic, x 0.7 like the rest:
    // O = 0.49; S = 0.5 x 0.7, halved by OPEC's output policy.
    ['OPEC may show unity', { sentiment: 0.175, oil: 0.49, cues: 2 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
});

describe('analyzeTokens: geopolitical words let weak topic words count', () => {
  it.each<[string, Totals & { topics: string[] }]>([
    // 'deal' is a weak mediation word: it counts only beside a geopolitical word or entity. Rebels are a context word of the
    // gate but no geopolitical word of the lexicon, and no entity: no topic, and the deal's oil (-0.7 * 1.3) is commerce: 0.
    ['Rebels reach deal', { sentiment: 1.3, oil: 0, cues: 1, topics: [] }],
    // An entity that is not geopolitical (the IEA) does not make it count either.
    ['IEA reaches deal with rebels', { sentiment: 1.3, oil: 0, cues: 1, topics: [] }],
    // 'uranium enrichment' is a geopolitical word (and a context word): the deal is mediation, and its oil stays: -0.91.
    ['Deal on uranium enrichment reached', { sentiment: 1.3, oil: -0.91, cues: 1, topics: ['mediation'] }],
  ])('%s', (text, want) => {
    const a = analyzeText(text);
    expect({ ...totals(text), topics: a.topics }).toEqual(want);
  });
  it('makes the oil region a party to an armed conflict only with a word of war, not of unrest', () => {
    expect(analyzeText('Middle East fighting').topics).toEqual(['military']);
    expect(analyzeText('Middle East unrest').topics).toEqual([]);
  });
});

describe('analyzeTokens: the cause of a price report is read as a text of its own', () => {
  it.each<[string, Totals]>([
    // A connector as the last word (a title cut short) opens no cause: the tone is that of the words before the causative
    // verb, 'Tanker attack off Yemen' (-1.5), as without it. Oil: 'higher' on 'oil' (1) and the attack's 1.
    ['Tanker attack off Yemen sends oil higher as', { sentiment: -1.5, oil: 2, cues: 2 }],
    // The cause 'net profit 5 vs 3' compares its own figures (5 over 3: 1 * 1.2), not the title's '2' before it.
    ['Brent falls 2 % as net profit 5 vs 3', { sentiment: 1.2, oil: -1, cues: 2 }],
  ])('%s', (text, want) => {
    expect(totals(text)).toEqual(want);
  });
});
