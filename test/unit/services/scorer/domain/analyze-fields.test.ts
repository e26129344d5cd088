import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';

// Mutation tests for the rule engine (issue 11): the survivors of analyze.ts that change a field of some headline. Every headline
// is written here. Each row pins the labels, topics, entities, price report, the relevance band of docs/taxonomy.md
// (90-100 direct oil and price reports, 60-89 geopolitics with a clear oil channel, 30-59 macro and energy-adjacent, 0-29
// unrelated), how many cues were read, the signs of the tone and oil evidence and of the oil strength, and the counts of
// shingles and frame hashes (one shingle per entity, per number and per word of three letters or more that is not a stop
// word; the frame keeps the entities and the event-class words).

interface Expect {
  tone: string;
  oil: string;
  strength: number;
  topics: string[];
  entities: string[];
  band: string;
  report: boolean;
  cues: number;
  sSign: number;
  oSign: number;
  shingles: number;
  frame: [number, number];
}

const sign = (x: number): number => Math.sign(Math.round(x * 1000));
const band = (r: number): string => (r >= 90 ? '90-100' : r >= 60 ? '60-89' : r >= 30 ? '30-59' : '0-29');

function fields(text: string, summary = ''): Expect {
  const a = analyzeText(text, summary);
  return {
    tone: a.sentiment.label,
    oil: a.oil_direction.label,
    strength: sign(a.oil_direction.strength),
    topics: a.topics,
    entities: a.entities,
    band: band(a.relevance),
    report: a.price_report,
    cues: a.evidence.cues,
    sSign: sign(a.evidence.sentiment),
    oSign: sign(a.evidence.oil),
    shingles: a.shingles.length,
    frame: [a.frame.entities.length, a.frame.events.length],
  };
}

describe('analyzeText fields: compound and prepositional phrases (the neighbour and phrase loops of analyzeTokens)', () => {
  // A concept's neighbours in a noun compound are one thing with it (they lose their own valence, and a head without an oil sign
// takes its modifier's), and a concept in a prepositional phrase after the head is part of it: each row's cue count is the
// number of bound pairs and standalone valences the definition leaves, one per thing read.
  it.each<[string, Expect]>([
    ["Guerrillas seize arms depot near oil field", { tone: 'negative', oil: 'bullish', strength: 1, topics: ["military"], entities: [], band: '90-100', report: false, cues: 1, sSign: -1, oSign: 1, shingles: 7, frame: [0, 2] }],
    ["sliding crude futures prices", { tone: 'negative', oil: 'bearish', strength: 1, topics: [], entities: [], band: '90-100', report: false, cues: 1, sSign: -1, oSign: -1, shingles: 4, frame: [0, 0] }],
    ["Carmakers must cut emissions or face penalties", { tone: 'negative', oil: 'neutral', strength: 0, topics: [], entities: [], band: '0-29', report: false, cues: 3, sSign: -1, oSign: 0, shingles: 6, frame: [0, 2] }],
    ["Pause in Sudan fighting agreed", { tone: 'positive', oil: 'neutral', strength: 0, topics: ["military"], entities: ["Sudan"], band: '30-59', report: false, cues: 2, sSign: 1, oSign: -1, shingles: 4, frame: [1, 1] }],
    ["Chances of breakthrough at trade summit seen slim", { tone: 'negative', oil: 'neutral', strength: 0, topics: [], entities: [], band: '0-29', report: false, cues: 2, sSign: -1, oSign: 0, shingles: 6, frame: [0, 0] }],
    ["Deal on fishing quotas remains elusive", { tone: 'negative', oil: 'neutral', strength: 0, topics: [], entities: [], band: '0-29', report: false, cues: 2, sSign: -1, oSign: 0, shingles: 5, frame: [0, 1] }],
    ["Traders brace for heavy supply week", { tone: 'neutral', oil: 'neutral', strength: 0, topics: [], entities: [], band: '0-29', report: false, cues: 1, sSign: 0, oSign: -1, shingles: 5, frame: [0, 1] }],
    ["Schlumberger to cut 800 jobs in restructuring", { tone: 'negative', oil: 'neutral', strength: 0, topics: [], entities: [], band: '30-59', report: false, cues: 2, sSign: -1, oSign: 0, shingles: 5, frame: [0, 1] }],
  ])('%s', (text, want) => {
    expect(fields(text)).toEqual(want);
  });
});
describe('analyzeText fields: oil and OPEC context', () => {
  // An oil word or a producer (gazetteer weight 2) makes an oil context, where production and prices move crude the supply way;
// an OPEC word or entity makes an OPEC context, where a pact's collapse is more supply (bearish), not a setback of diplomacy;
// with neither ('Power prices' in Texas) prices carry no oil direction at all.
  it.each<[string, Expect]>([
    ["Power prices spike in Texas heat wave", { tone: 'positive', oil: 'neutral', strength: 0, topics: [], entities: ["United States"], band: '30-59', report: false, cues: 1, sSign: 1, oSign: 0, shingles: 6, frame: [1, 1] }],
    ["OPEC+ talks break down in acrimony", { tone: 'negative', oil: 'bearish', strength: 1, topics: ["opec"], entities: ["OPEC"], band: '60-89', report: false, cues: 1, sSign: -1, oSign: -1, shingles: 5, frame: [1, 2] }],
    ["OPEC lifts world oil demand forecast", { tone: 'positive', oil: 'bullish', strength: 1, topics: ["opec","macro"], entities: ["OPEC"], band: '90-100', report: false, cues: 1, sSign: 1, oSign: 1, shingles: 6, frame: [1, 1] }],
    ["Net profit 5 ( oil 2 )", { tone: 'positive', oil: 'neutral', strength: 0, topics: [], entities: [], band: '30-59', report: false, cues: 1, sSign: 1, oSign: 0, shingles: 5, frame: [0, 0] }],
    ["Nigeria ships a record 2 million barrels a day from its terminals", { tone: 'neutral', oil: 'bearish', strength: 1, topics: [], entities: ["Nigeria"], band: '30-59', report: false, cues: 1, sSign: 0, oSign: -1, shingles: 8, frame: [1, 4] }],
  ])('%s', (text, want) => {
    expect(fields(text)).toEqual(want);
  });
});
describe('analyzeText fields: sanctions and military parts of the oil evidence', () => {
  // Sanctions words reach crude only through a producer; armed words in a trade story are a world demand shock (bearish);
// an armed event the relevance bands place under 60 (far from an oil channel) has no direction.
  it.each<[string, Expect]>([
    ["Russia threatens to cut gas supply as EU sanctions bite", { tone: 'negative', oil: 'neutral', strength: 1, topics: ["sanctions"], entities: ["Russia","European Union"], band: '60-89', report: false, cues: 3, sSign: -1, oSign: 1, shingles: 8, frame: [2, 4] }],
    ["Beijing vows to retaliate against new US tariffs, says Washington forces its hand", { tone: 'negative', oil: 'bearish', strength: 1, topics: ["macro"], entities: ["China","United States"], band: '30-59', report: false, cues: 3, sSign: -1, oSign: -1, shingles: 9, frame: [3, 0] }],
    ["Russian jets strike Ukrainian targets near Kharkiv", { tone: 'negative', oil: 'bullish', strength: 1, topics: ["military"], entities: ["Russia","Ukraine"], band: '60-89', report: false, cues: 2, sSign: -1, oSign: 1, shingles: 7, frame: [2, 1] }],
    ["US strikes militia camps in Somalia", { tone: 'negative', oil: 'neutral', strength: 0, topics: ["military"], entities: ["United States"], band: '30-59', report: false, cues: 1, sSign: -1, oSign: 1, shingles: 5, frame: [1, 1] }],
    ["Armenia and Azerbaijan trade prisoners in US-brokered deal", { tone: 'positive', oil: 'bearish', strength: 1, topics: ["mediation"], entities: ["Azerbaijan","United States"], band: '30-59', report: false, cues: 2, sSign: 1, oSign: -1, shingles: 7, frame: [2, 2] }],
  ])('%s', (text, want) => {
    expect(fields(text)).toEqual(want);
  });
});
describe('analyzeText fields: figures compared, the no-topic oil gate, trade and shares gates', () => {
  // Compared figures are one cue (a loss after a profit is negative, equal figures none); macro-only stories: a trade truce
// with a smaller partner and a sector's shares have no oil direction, a local economy's data neither (docs/taxonomy.md).
  it.each<[string, Expect]>([
    ["Net loss 5 compared with a profit of 2", { tone: 'negative', oil: 'neutral', strength: 0, topics: [], entities: [], band: '0-29', report: false, cues: 1, sSign: -1, oSign: 0, shingles: 6, frame: [0, 0] }],
    ["Net profit 6 ( loss 2 )", { tone: 'positive', oil: 'neutral', strength: 0, topics: [], entities: [], band: '0-29', report: false, cues: 1, sSign: 1, oSign: 0, shingles: 5, frame: [0, 0] }],
    ["Net sales EUR 7 mn compared with EUR 7 mn", { tone: 'neutral', oil: 'neutral', strength: 0, topics: [], entities: [], band: '0-29', report: false, cues: 0, sSign: 0, oSign: 0, shingles: 7, frame: [0, 1] }],
    ["Brazil economy grows 2.1%, missing forecasts", { tone: 'negative', oil: 'neutral', strength: 0, topics: ["macro"], entities: ["Brazil"], band: '30-59', report: false, cues: 2, sSign: -1, oSign: 1, shingles: 6, frame: [1, 0] }],
    ["US and Mexico agree trade truce", { tone: 'positive', oil: 'neutral', strength: 0, topics: ["macro"], entities: ["United States","Mexico"], band: '30-59', report: false, cues: 1, sSign: 1, oSign: 1, shingles: 5, frame: [2, 2] }],
    ["Steelmaker shares slide as recession fears grow", { tone: 'negative', oil: 'neutral', strength: 0, topics: ["macro"], entities: [], band: '30-59', report: false, cues: 2, sSign: -1, oSign: -1, shingles: 6, frame: [0, 2] }],
    ["it is as it is", { tone: 'neutral', oil: 'neutral', strength: 0, topics: [], entities: [], band: '0-29', report: false, cues: 0, sSign: 0, oSign: 0, shingles: 0, frame: [0, 0] }],
  ])('%s', (text, want) => {
    expect(fields(text)).toEqual(want);
  });
});

describe('analyzeText fields: shingles and frame of a title with no content word', () => {
  it('has no shingles and an empty frame without a summary', () => {
    const a = analyzeText('it is as it is');
    expect(a.shingles).toEqual([]);
    expect(a.frame).toEqual({ entities: [], events: [] });
  });
  it("takes the summary's shingles and frame when the title has none", () => {
    const alone = analyzeText('Tanker rates jump on Baltic route');
    const a = analyzeText('it is as it is', 'Tanker rates jump on Baltic route');
    expect(alone.shingles.length).toBeGreaterThan(0);
    expect(a.shingles).toEqual(alone.shingles);
    expect(a.frame).toEqual(alone.frame);
  });
});
