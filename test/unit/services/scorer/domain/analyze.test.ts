import { describe, expect, it } from 'vitest';
import { analyzeText, explain } from '../../../../../services/scorer/domain/analyze.ts';

const sent = (t: string) => analyzeText(t).sentiment.label;
const oil = (t: string) => analyzeText(t).oil_direction.label;

describe('domain model: financial quantities', () => {
  it.each([
    ['Operating profit rose to EUR 13.1 mn from EUR 8.7 mn', 'positive'],
    ['Net sales decreased to EUR 220.5 mn from EUR 255.9 mn', 'negative'],
    ['Operating loss narrowed to EUR 2.0 mn', 'positive'],
    ['Net loss widened to EUR 12 mn', 'negative'],
    ['Costs fell 5 % thanks to efficiency measures', 'positive'],
    ['The bank cut its growth forecast for next year', 'negative'],
    ['The company raised its guidance after a strong quarter', 'positive'],
    ['Operating profit was EUR 9.8 mn compared with EUR 11.7 mn', 'negative'],
    ['Earnings per share were EUR 0.25 ( EUR 0.20 )', 'positive'],
    ['Operating result improved to EUR 2.5 mn from a loss of EUR 1.1 mn', 'positive'],
    ['Pre-tax loss totalled EUR 0.3 mn compared to a profit of EUR 2.2 mn', 'negative'],
    ['Sales were flat compared with last year', 'neutral'],
    // A figure in another currency in brackets is a conversion, not last year's figure.
    ['Net sales were EUR 12 mln ( $ 17.7 mln ) in 2006 .', 'neutral'],
    ['The company has offices in Finland and Sweden', 'neutral'],
  ])('%s -> %s', (text, label) => {
    expect(sent(text)).toBe(label);
  });
});

describe('domain model: company-news sentences', () => {
  it.each([
    ["The company's net sales are expected to remain at the previous year's level .", 'neutral'],
    ['Net sales rose by 2.7 % but operating profit fell 10 % .', 'negative'],
    ['The company did not disclose the value of the deal .', 'neutral'],
    ['Demand for steel has weakened considerably .', 'negative'],
    ['Layoffs will affect 30 people .', 'negative'],
    ['Acme posted a net loss of EUR 3 mn .', 'negative'],
    ['Orders were down 12 % .', 'negative'],
    ['Sales were up 12 % .', 'positive'],
    ['Operating profit margin improved to 8.1 % from 6.5 % .', 'positive'],
    ['The plant will close at the end of March , and 80 employees will lose their jobs .', 'negative'],
    ['The company aims to cut costs by EUR 10 mn .', 'positive'],
    ['Acme raised its stake in Beta to 30 % .', 'neutral'],
    ['Revenue was boosted by strong demand in Asia .', 'positive'],
    ['The transaction has no effect on the results .', 'neutral'],
    ['Competition has intensified in all markets .', 'negative'],
    ['The company will close two stores in Helsinki .', 'negative'],
    ['The result was burdened by the weak performance of the Russian unit .', 'negative'],
    ['The decrease in net sales was mainly due to lower volumes .', 'negative'],
    ['The increase in operating profit was mainly due to higher prices .', 'positive'],
  ])('%s -> %s', (text, label) => {
    expect(sent(text)).toBe(label);
  });
});

describe('domain model: negation, contrast, hedges', () => {
  it('flips a negated cue', () => {
    expect(analyzeText('Profit did not rise').evidence.sentiment).toBeLessThan(0);
    expect(sent('No progress in Iran talks')).toBe('negative');
  });
  it('weights the clause after "but" and discounts a "despite" clause', () => {
    expect(sent('Sales rose early in the year, but profit fell sharply')).toBe('negative');
    expect(sent('Profit fell, but sales rose sharply')).toBe('positive');
    expect(oil('Oil rises despite ceasefire announcement')).toBe('bullish');
  });
  it('discounts questions', () => {
    expect(Math.abs(analyzeText('Will OPEC+ cut output again?').evidence.oil)).toBeLessThan(Math.abs(analyzeText('OPEC+ cuts output again').evidence.oil));
  });
});

describe('domain model: oil direction is topic-aware', () => {
  it.each([
    ['Ceasefire talks collapse as Iran rejects Qatar mediation', 'bullish'],
    ['Qatar brokers breakthrough in US-Iran talks', 'bearish'],
    ['OPEC+ agrees surprise output cut of 1 million barrels per day', 'bullish'],
    ['OPEC+ to raise output by 411000 bpd in July', 'bearish'],
    ['US crude inventories fall more than expected', 'bullish'],
    ['EIA reports surprise build in crude stocks', 'bearish'],
    ['US announces new sanctions on Iranian oil exports', 'bullish'],
    ['Washington eases sanctions on Venezuelan oil', 'bearish'],
    ['Houthi rebels attack oil tanker in Red Sea', 'bullish'],
    ['Strait of Hormuz reopens to tanker traffic', 'bearish'],
    ['Saudi Arabia denies report of OPEC+ output hike', 'bullish'],
    ['OPEC+ rules out deeper cuts', 'bearish'],
    ['IEA sees oil demand growth slowing sharply', 'bearish'],
    ['Fed cuts interest rates by half a point', 'bullish'],
    ['OPEC+ keeps output policy unchanged', 'neutral'],
  ])('%s -> %s', (text, label) => {
    expect(oil(text)).toBe(label);
  });
  it('reads the same event with opposite signs for sentiment and oil', () => {
    const a = analyzeText('Israel and Hamas agree to ceasefire');
    expect(a.sentiment.label).toBe('positive');
    expect(a.oil_direction.label).toBe('bearish');
    const b = analyzeText('Gaza ceasefire collapses as fighting resumes');
    expect(b.sentiment.label).toBe('negative');
    expect(b.oil_direction.label).toBe('bullish');
  });
  it('reads talks and deals as de-escalation only in a story of conflict, sanctions or diplomacy', () => {
    // A producer's commercial deal or a trade meeting names no conflict: no topic, no oil direction.
    for (const text of ['Iraq signs deal with Chinese oil firm', 'Kuwait signs deal with Korean shipbuilder', 'Oman hosts talks between Iraq and Gulf states on trade']) {
      const a = analyzeText(text);
      expect(a.topics, text).toEqual([]);
      expect(a.oil_direction, text).toEqual({ label: 'neutral', strength: 0 });
    }
    // With the conflict's topic the same words keep their reading.
    for (const text of ['US and Iran reach nuclear deal', 'Israel and Hamas agree ceasefire deal', 'Iran talks with Qatar mediators resume']) {
      const a = analyzeText(text);
      expect(a.topics.length, text).toBeGreaterThan(0);
      expect(a.oil_direction.label, text).toBe('bearish');
    }
  });
});

describe('domain model: topics, entities, relevance', () => {
  it('finds topics and canonical entities', () => {
    const a = analyzeText('Iran threatens to close Strait of Hormuz as US sanctions bite');
    expect(a.topics).toEqual(expect.arrayContaining(['shipping', 'sanctions']));
    expect(a.entities).toEqual(['Iran', 'Strait of Hormuz', 'United States']);
  });
  it('tells the country US from the pronoun us', () => {
    expect(analyzeText('Join us for the US oil outlook').entities).toEqual(['United States']);
  });
  it('scores relevance to Brent', () => {
    expect(analyzeText('Brent jumps 5% after attack on Saudi facility').relevance).toBeGreaterThanOrEqual(70);
    expect(analyzeText('The company has offices in Finland and Sweden').relevance).toBe(0);
    expect(analyzeText('Local bakery wins award').relevance).toBeLessThan(20);
  });
  it('uses the summary at half weight', () => {
    const a = analyzeText('Markets update', 'Oil prices jumped after Houthi attacks on tankers in the Red Sea.');
    expect(a.oil_direction.label).toBe('bullish');
    expect(a.topics).toContain('shipping');
  });
});

describe('domain model: hostile input gets a bounded, clear result', () => {
  const bounded = (a: ReturnType<typeof analyzeText>) => {
    expect(a.sentiment.score).toBeGreaterThanOrEqual(-1);
    expect(a.sentiment.score).toBeLessThanOrEqual(1);
    expect(a.sentiment.confidence).toBeGreaterThanOrEqual(0);
    expect(a.sentiment.confidence).toBeLessThanOrEqual(1);
    expect(a.oil_direction.strength).toBeGreaterThanOrEqual(0);
    expect(a.oil_direction.strength).toBeLessThanOrEqual(1);
    expect(a.relevance).toBeGreaterThanOrEqual(0);
    expect(a.relevance).toBeLessThanOrEqual(100);
    expect(a.entities.length).toBeLessThanOrEqual(100);
  };
  it('empty text is neutral with zero confidence', () => {
    const a = analyzeText('', '');
    expect(a).toMatchObject({ empty: true, sentiment: { label: 'neutral', score: 0, confidence: 0 }, relevance: 0, topics: [] });
  });
  it('binary junk and emoji are empty, not errors', () => {
    const junk = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 65536));
    bounded(analyzeText(junk));
    bounded(analyzeText(Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131) % 256)).toString('latin1')));
    expect(analyzeText('\u0000\u0001\u0002\u0003\ufffd').empty).toBe(true);
    expect(analyzeText('🛢️📉🔥💥').empty).toBe(true);
  });
  it('right-to-left text is read as text with no cues', () => {
    const a = analyzeText('إيران تنفي إغلاق مضيق هرمز', 'שביתת נשק');
    expect(a.empty).toBe(false);
    expect(a.sentiment.label).toBe('neutral');
    bounded(a);
  });
  it('a 10 MB title costs the same as a short one and stays in range', () => {
    const huge = 'Oil prices surge as tanker attacked in Red Sea. '.repeat(220_000);
    expect(huge.length).toBeGreaterThan(10_000_000);
    const a = analyzeText(huge, huge);
    bounded(a);
    expect(a.oil_direction.label).toBe('bullish');
  });
  it('never throws on odd types', () => {
    expect(() => analyzeText(null as unknown as string, undefined as unknown as string)).not.toThrow();
  });
});

describe('domain model: determinism and explainability', () => {
  it('gives the same output for the same input', () => {
    const t = 'OPEC+ surprise cut lifts Brent as Iran talks stall';
    expect(analyzeText(t)).toEqual(analyzeText(t));
  });
  it('explains its reading', () => {
    const e = explain('Ceasefire talks collapse');
    expect(e).toContain('concept(ev');
    expect(e).toContain('=> sentiment negative');
  });
  // The trace is read by people debugging a label: each tag (entity, modifier, concept with its signs, senses with
  // their bindings, valences, negation, denial, contrast weight, hedge, intensity) and the item numbering are its content.
  it.each([
    [
      'Ceasefire talks collapse',
      [' 0 p1 Ceasefire talks  concept(ev cs=1 co=-1) s=1 o=-0.8', ' 1 p2 collapse  pred[-b -b:ev/mil/sanc] s=-1.5', '=> sentiment negative (-1.5), oil bullish (1.5), topics mediation,ceasefire'],
    ],
    [
      'Oil did not rise sharply, analysts said, as Iran may cut exports',
      [
        ' 0 p1 Oil  concept(px cs=0 co=1)',
        ' 1 p2 did',
        ' 2 p3 not  mod=neg',
        ' 3 p4 rise  pred[+b] s=0.5 NEG int=1.5',
        ' 4 p5 sharply  mod=int NEG',
        ' 5 p6 ,  NEG',
        ' 6 p7 analysts',
        ' 7 p7 said  mod=skip',
        ' 8 p8 ,',
        ' 9 p8 as  mod=skip',
        '10 p9 Iran  ent=Iran',
        '11 p10 may  mod=hedge',
        '12 p11 cut  pred[-a] s=-0.5 hedge=0.7',
        '13 p12 exports  concept(flow cs=0 co=0 coOil=-1) hedge=0.7',
        '=> sentiment neutral (0), oil neutral (-0.21), topics ',
      ],
    ],
    [
      'Saudi Arabia denies report of OPEC+ output hike',
      [
        ' 0 p1 Saudi Arabia  ent=Saudi Arabia',
        ' 1 p2 denies  mod=deny',
        ' 2 p2 report  mod=skip DENY',
        ' 3 p2 of  mod=skip DENY',
        ' 4 p3 OPEC +  ent=OPEC DENY',
        ' 5 p4 output hike  concept(flow cs=0 co=-1) o=-1.2 DENY',
        '=> sentiment neutral (0), oil bullish (0.9), topics opec',
      ],
    ],
    [
      'Profit fell, but sales rose sharply',
      [
        ' 0 p1 Profit  concept(q cs=1 co=0) w=0.5',
        ' 1 p2 fell  pred[-b] s=-0.5 w=0.5',
        ' 2 p3 ,  w=0.5',
        ' 3 p4 but  mod=but',
        ' 4 p5 sales  concept(q cs=1 co=0) w=1.3',
        ' 5 p6 rose  pred[+b] s=0.5 w=1.3 int=1.5',
        ' 6 p7 sharply  mod=int w=1.3',
        '=> sentiment positive (1.45), oil neutral (0), topics ',
      ],
    ],
    ['Iran holds talks with Qatar', [' 0 p1 Iran  ent=Iran', ' 1 p2 holds  pred[0b +b:ev]', ' 2 p3 talks with  concept(ev cs=1 co=-1) s=0.5 o=-0.4', ' 3 p4 Qatar  ent=Qatar', '=> sentiment positive (1.3), oil bearish (-1.3), topics mediation']],
  ])('traces %s item by item', (text, lines) => {
    expect(explain(text).split('\n')).toEqual(lines);
  });
});

describe('domain model: the labels phase, field by field', () => {
  const fields = (a: ReturnType<typeof analyzeText>) => ({ ...a, shingles: a.shingles.length, frame: [a.frame.entities.length, a.frame.events.length] });
  it('a price report takes its tone from the cause after the connector, its direction from the move', () => {
    expect(fields(analyzeText('Oil jumps after attack on tanker'))).toEqual({
      sentiment: { label: 'negative', score: -0.6, confidence: 0.874 },
      oil_direction: { label: 'bullish', strength: 0.833 },
      topics: ['military', 'shipping'],
      entities: [],
      relevance: 99,
      price_report: true,
      shingles: 4,
      frame: [0, 3],
      reading: { oil: 1, tone: -1 },
      figures: [],
      evidence: { sentiment: -1.5, oil: 2.5, cues: 2, threshold: 0.5 },
      empty: false,
    });
  });
  it('a price report with no cause has no tone and at least the report strength', () => {
    expect(fields(analyzeText('Oil jumps'))).toMatchObject({
      sentiment: { label: 'neutral', score: 0, confidence: 0.9 },
      oil_direction: { label: 'bullish', strength: 0.5 },
      price_report: true,
      reading: { oil: 1, tone: 0 },
      evidence: { sentiment: 0, oil: 1.5, cues: 1, threshold: 0.5 },
    });
  });
  it('a price report caused by the words before its causative verb takes their tone', () => {
    expect(fields(analyzeText('Tanker attack off Yemen sends oil higher'))).toMatchObject({
      sentiment: { label: 'negative', score: -0.6, confidence: 0.874 },
      oil_direction: { label: 'bullish', strength: 0.667 },
      topics: ['military', 'shipping'],
      entities: ['Yemen'],
      price_report: true,
      frame: [1, 3],
      evidence: { sentiment: -1.5, oil: 2, cues: 2 },
    });
  });
  it('a falling price report with good news as its cause is bearish and positive', () => {
    expect(fields(analyzeText('Oil prices fall as ceasefire holds'))).toMatchObject({
      sentiment: { label: 'positive', score: 0.545, confidence: 0.841 },
      oil_direction: { label: 'bearish', strength: 0.767 },
      topics: ['ceasefire'],
      reading: { oil: -1, tone: 1 },
      evidence: { sentiment: 1.3, oil: -2.3, cues: 2 },
    });
  });
  it("OPEC's own talks are supply management: no mediation topic, a weak tone", () => {
    expect(fields(analyzeText('OPEC ministers hold talks in Vienna'))).toMatchObject({
      sentiment: { label: 'neutral', score: 0.037, confidence: 0.84 },
      oil_direction: { label: 'neutral', strength: 0.133 },
      topics: ['opec'],
      entities: ['OPEC'],
      relevance: 85,
      evidence: { sentiment: 0.075, oil: -0.4, cues: 1 },
    });
  });
  it('an OPEC cut is bullish with half its tone; the thresholds given are the ones applied', () => {
    const t = 'OPEC+ agrees surprise output cut of 1 million barrels per day';
    expect(fields(analyzeText(t))).toMatchObject({
      sentiment: { label: 'positive', score: 0.351, confidence: 0.718 },
      oil_direction: { label: 'bullish', strength: 0.6 },
      topics: ['opec'],
      relevance: 87,
      figures: [1],
      reading: { oil: 1, tone: 1 },
      evidence: { sentiment: 0.75, oil: 1.8, cues: 2, threshold: 0.5 },
    });
    expect(fields(analyzeText(t, '', { sentimentThreshold: 5, oilThreshold: 5 }))).toMatchObject({
      sentiment: { label: 'neutral', score: 0.351, confidence: 0.84 },
      oil_direction: { label: 'neutral', strength: 0.6 },
      reading: { oil: 0, tone: 0 },
      evidence: { threshold: 5 },
    });
  });
  it('a title with no letters is read from its summary, shingles and frame included', () => {
    expect(fields(analyzeText('!!!', 'Oil prices jumped after Houthi attacks on tankers in the Red Sea.'))).toEqual({
      sentiment: { label: 'negative', score: -0.293, confidence: 0.679 },
      oil_direction: { label: 'bullish', strength: 0.417 },
      topics: ['military', 'shipping'],
      entities: ['Houthis'],
      relevance: 83,
      price_report: false,
      shingles: 8,
      frame: [1, 3],
      reading: { oil: 1, tone: -1 },
      figures: [],
      evidence: { sentiment: -0.612, oil: 1.25, cues: 3, threshold: 0.5 },
      empty: false,
    });
  });
  it('a summary weight of 0 keeps only its topics and entities', () => {
    expect(fields(analyzeText('Markets update', 'Oil prices jumped after Houthi attacks on tankers in the Red Sea.', { summaryWeight: 0 }))).toMatchObject({
      sentiment: { label: 'neutral', score: 0, confidence: 0.9 },
      oil_direction: { label: 'neutral', strength: 0 },
      topics: ['military', 'shipping'],
      entities: ['Houthis'],
      shingles: 1,
      frame: [0, 0],
      evidence: { sentiment: 0, oil: 0, cues: 3 },
    });
  });
  it('a long title needs more evidence to leave neutral; its figures are kept', () => {
    expect(fields(analyzeText('Brent rises 3% to $85 after Saudi output cut, the biggest weekly gain in two months for the global benchmark crude'))).toMatchObject({
      sentiment: { label: 'neutral', score: 0, confidence: 0.9 },
      oil_direction: { label: 'bullish', strength: 0.933 },
      topics: ['opec'],
      entities: ['Saudi Arabia'],
      relevance: 96,
      price_report: true,
      figures: [3, 85],
      evidence: { sentiment: 0, oil: 2.8, cues: 2, threshold: 0.77 },
    });
  });
});

describe('domain model: title and summary together', () => {
  it("a price report's tone adds the summary's at half weight", () => {
    const a = analyzeText('Oil jumps', 'Iran welcomes the strong growth of its economy.');
    expect(a.sentiment).toEqual({ label: 'positive', score: 0.625, confidence: 0.888 });
    expect(a.evidence).toEqual({ sentiment: 1.6, oil: 2.74, cues: 4, threshold: 0.5 });
  });
  it('an entity named in title and summary is listed once', () => {
    expect(analyzeText('Iran talks resume', 'Iran and Qatar meet.').entities).toEqual(['Iran', 'Qatar']);
  });
  it('the letters of title and summary add up: the same word in both is not empty', () => {
    expect(analyzeText('Oil', 'Oil').empty).toBe(false);
  });
  it('an empty text gives the whole neutral result', () => {
    expect(analyzeText('', '')).toEqual({
      sentiment: { label: 'neutral', score: 0, confidence: 0 },
      oil_direction: { label: 'neutral', strength: 0 },
      topics: [],
      entities: [],
      relevance: 0,
      price_report: false,
      shingles: [],
      frame: { entities: [], events: [] },
      reading: { oil: 0, tone: 0 },
      figures: [],
      evidence: { sentiment: 0, oil: 0, cues: 0, threshold: 0.5 },
      empty: true,
    });
  });
});

describe('domain model: the factors of a reading, as ratios', () => {
  const ev = (t: string) => analyzeText(t).evidence;
  it('a question keeps 0.4 of the tone and of the oil evidence, the threshold unchanged', () => {
    expect(ev('Profit rose?').sentiment).toBeCloseTo(0.4 * ev('Profit rose').sentiment, 3);
    expect(ev('Profit rose').sentiment).not.toBe(0);
    expect(ev('Oil prices rise?').oil).toBeCloseTo(0.4 * ev('Oil prices rise').oil, 3);
    expect(ev('Oil prices rise').oil).not.toBe(0);
    const [q, plain] = [ev('Iran attack on tanker?'), ev('Iran attack on tanker')];
    expect(q.sentiment).toBeCloseTo(0.4 * plain.sentiment, 3);
    expect(q.oil).toBeCloseTo(0.4 * plain.oil, 3);
    expect([q.cues, q.threshold]).toEqual([plain.cues, plain.threshold]);
  });
  it('a negation takes -0.6 of the tone, a denial -0.4 of the tone and -0.75 of the oil evidence', () => {
    expect(ev('Profit did not rise').sentiment).toBeCloseTo(-0.6 * ev('Profit rose').sentiment, 3);
    expect(ev('Sales did not fall').sentiment).toBeCloseTo(-0.6 * ev('Sales fell').sentiment, 3);
    const plain = ev('Iran attack on tanker');
    expect(plain.sentiment).not.toBe(0);
    expect(plain.oil).not.toBe(0);
    expect(ev('Iran denies attack on tanker').sentiment).toBeCloseTo(-0.4 * plain.sentiment, 3);
    expect(ev('Iran denies attack on tanker').oil).toBeCloseTo(-0.75 * plain.oil, 3);
  });
  it('a price report takes the tone of the words before its causative verb only from three words before its subject', () => {
    // "Yemen attack sends oil": the subject is word 3, the words before the verb are "Yemen attack".
    expect(ev('Yemen attack sends oil higher').sentiment).toBe(ev('Yemen attack').sentiment);
    expect(ev('Yemen attack').sentiment).toBeLessThan(0);
    // "Attack sends oil": the subject is word 2, too close to the start for a cause: no tone, though "Attack" has one.
    expect(ev('Attack sends oil higher').sentiment).toBe(0);
    expect(ev('Attack').sentiment).toBeLessThan(0);
    expect(analyzeText('Attack sends oil higher').price_report).toBe(true);
    // The words before the verb, not the verb: "holds" would add its own tone.
    expect(ev('As ceasefire holds oil falls').sentiment).toBe(ev('As ceasefire').sentiment);
    expect(ev('As ceasefire holds').sentiment).not.toBe(ev('As ceasefire').sentiment);
    // The subject is the first word: nothing before it is a cause.
    expect(ev('Brent hits five-month high').sentiment).toBe(0);
  });
  it('the cause clause after the connector is read as a text of its own, words and kinds together', () => {
    expect(ev('Oil falls as US eases Venezuela sanctions').sentiment).toBe(ev('US eases Venezuela sanctions').sentiment);
    expect(ev('US eases Venezuela sanctions').sentiment).toBeGreaterThan(0);
    expect(ev('Brent reaches USD 80 a barrel after fall in US crude stocks').sentiment).toBe(ev('fall in US crude stocks').sentiment);
  });
  it('the topics of two named parties: a mediator meeting a party to a conflict, a ceasefire agreed by both', () => {
    // Iran is a geographic entity: the weak evidence of "meet" counts with it.
    expect(analyzeText('Iran and Qatar meet.').topics).toEqual(['mediation']);
    // Both parties carry the military topic as entities (`ent:` evidence), which without a word of fighting makes no military story.
    expect(analyzeText('Israel and Hamas agree to ceasefire').topics).toEqual(['ceasefire']);
  });
});

describe('domain model: the labels at their thresholds, and a price report over the evidence', () => {
  it('evidence exactly at a threshold is enough for a label, either way', () => {
    // "Profit rose" has tone evidence 1, "Sales fell" -1; "Iran attack on tanker" oil evidence 1, its denial -0.75.
    expect(analyzeText('Profit rose', '', { sentimentThreshold: 1 }).sentiment.label).toBe('positive');
    expect(analyzeText('Sales fell', '', { sentimentThreshold: 1 }).sentiment.label).toBe('negative');
    expect(analyzeText('Iran attack on tanker', '', { oilThreshold: 1 }).oil_direction.label).toBe('bullish');
    expect(analyzeText('Iran denies attack on tanker', '', { oilThreshold: 0.75 }).oil_direction.label).toBe('bearish');
  });
  it('a steady price report states no move: neutral with no strength, whatever its words', () => {
    expect(analyzeText('Oil prices steady as traders await OPEC+ meeting')).toMatchObject({ price_report: true, oil_direction: { label: 'neutral', strength: 0 }, reading: { oil: 0 } });
  });
  it('a rising price report is bullish with at least the report strength 0.5 over weaker evidence (1 / 3 here)', () => {
    const a = analyzeText('Brent reaches USD 80 a barrel after fall in US crude stocks');
    expect(a.evidence.oil).toBe(1);
    expect(a).toMatchObject({ price_report: true, oil_direction: { label: 'bullish', strength: 0.5 } });
  });
});
