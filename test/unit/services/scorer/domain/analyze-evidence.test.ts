import { describe, expect, it } from 'vitest';
import { analyzeText, type AnalyzeOptions } from '../../../../../services/scorer/domain/analyze.ts';

// Mutation tests for the arithmetic of analyze.ts (issue 11): the exact evidence totals, the tone score and confidence, the oil
// strength, the threshold and the relevance of headlines written here, so a changed factor, weight, bound or sum shows.
// Every expected value is worked out in the row's comment from the phase outputs (the items' valences, the senses' strengths
// and the scopes of read-items, read-bindings and read-modifiers) and the formulas of analyzeText:
//   pair tone  ps = cs * d * str * max(1, min(2, |ce.s|)), replaced by the predicate's own tone when that is larger and of its sign;
//   pair oil   po = co * d * str * max(1, min(2, |ce.o|));
//   factorS = w * ws * hedge * int (x -0.6 negated, x -0.4 denied); factorO = w * hedge * min(int, 2) (x -0.7 negated, x -0.75 denied);
//   a question multiplies both totals by 0.4; the summary counts at 0.5;
//   score = S / sqrt(S^2 + 4); confidence = 0.5 + 0.5 tanh((|S| - T) / 1.5 + 0.3) off neutral, 0.5 + 0.4 (1 - |S| / T) on it
//   (0.6 with no cue); T = min(0.9, max(0.5, 0.5 + 0.03 (words - 10))); strength = min(1, |O| / 3);
//   relevance = round(floor + span * within) in the band of relevance.ts (price report 90+9, direct oil 85+12, geopolitics with
//   a channel 65+24, macro or energy 30+27, geopolitics elsewhere 35+20, unrelated 0+27).

interface Numbers {
  tone: string;
  score: number;
  confidence: number;
  oil: string;
  strength: number;
  topics: string[];
  entities: string[];
  report: boolean;
  evidence: { sentiment: number; oil: number; cues: number; threshold: number };
}

function numbers(text: string, summary = '', options: AnalyzeOptions = {}): Numbers {
  const a = analyzeText(text, summary, options);
  return {
    tone: a.sentiment.label,
    score: a.sentiment.score,
    confidence: a.sentiment.confidence,
    oil: a.oil_direction.label,
    strength: a.oil_direction.strength,
    topics: a.topics,
    entities: a.entities,
    report: a.price_report,
    evidence: a.evidence,
  };
}

describe('analyzeText evidence: factors, negation, denial, hedges, intensity, questions (title only)', () => {
  it.each<[string, Numbers & { relevance: number }]>([
    // 'rise' (d +1, str 1) binds 'Oil prices' (cs 0, co 1), negated by 'not' (not by the concept): po = 1, x NEG_O -0.7 = -0.7;
    // cs 0 gives no tone. Not a price report (negated). Strength 0.7 / 3. Direct oil with crude: 85 + 12 (0.3 * 0.233 + 0.3) = 89.4.
    ['Oil prices do not rise', { tone: 'neutral', score: 0, confidence: 0.9, oil: 'bearish', strength: 0.233, topics: [], entities: [], report: false, evidence: { sentiment: 0, oil: -0.7, cues: 1, threshold: 0.5 }, relevance: 89 }],
    // 'cut' (d -1, str 1.2) binds 'oil output' (co -1): po = 1.2, denied x -0.75 = -0.9; the predicate's opec oil ('ot') is not
    // added again, it is bound. OPEC: direct oil, crude named: 85 + 12 (0.3 * 0.3 + 0.3) = 89.7.
    ['Saudi Arabia denies plan to cut oil output', { tone: 'neutral', score: 0, confidence: 0.9, oil: 'bearish', strength: 0.3, topics: ['opec'], entities: ['Saudi Arabia'], report: false, evidence: { sentiment: 0, oil: -0.9, cues: 1, threshold: 0.5 } , relevance: 90 }],
    // 'collapse' (d -1, str 1.5, own tone -1.5) binds 'nuclear talks' (cs 0.35, co -1, s 0.15, o -0.4): ps = -0.525 gives way to the
    // own -1.5; po = 1.5. score -1.5 / 2.5; confidence 0.5 + 0.5 tanh(1 / 1.5 + 0.3) = 0.8736. Iran (weight 2) is a channel:
    // 65 + 24 (0.35 * 0.5 + 0.05 * 2 + 0.3) = 78.8.
    ['Iran nuclear talks collapse', { tone: 'negative', score: -0.6, confidence: 0.874, oil: 'bullish', strength: 0.5, topics: ['mediation'], entities: ['Iran'], report: false, evidence: { sentiment: -1.5, oil: 1.5, cues: 1, threshold: 0.5 }, relevance: 79 }],
    // The same as a question: both totals x 0.4, S -0.6 exactly at -T (negative), O 0.6 exactly at the oil threshold (bullish);
    // score -0.6 / sqrt(4.36); confidence 0.5 + 0.5 tanh(0.1 / 1.5 + 0.3) = 0.6755; 65 + 24 (0.35 * 0.2 + 0.1 + 0.3) = 76.3.
    ['Iran nuclear talks collapse?', { tone: 'negative', score: -0.287, confidence: 0.676, oil: 'bullish', strength: 0.2, topics: ['mediation'], entities: ['Iran'], report: false, evidence: { sentiment: -0.6, oil: 0.6, cues: 1, threshold: 0.5 }, relevance: 76 }],
    // 'very sharply' gives 'cuts' int 2.25; the oil factor caps it at 2: po = 1.2 * 2 = 2.4. 85 + 12 (0.3 * 0.8 + 0.3) = 91.5.
    ['Saudi Arabia very sharply cuts oil output', { tone: 'neutral', score: 0, confidence: 0.9, oil: 'bullish', strength: 0.8, topics: ['opec'], entities: ['Saudi Arabia'], report: false, evidence: { sentiment: 0, oil: 2.4, cues: 1, threshold: 0.5 }, relevance: 91 }],
    // 'slumps' (d -1, str 1.5, int 1.5) binds 'factory output' (cs 1, co 1, int 1.5): ps = -1.5 (the own -1.2 is smaller), x 1.5
    // x the concept's 1.5 = -3.375; po the same, -3.375; macro with a demand channel adds 0.4 S: -3.375 - 1.35 = -4.725.
    // Strength capped at 1. Macro at world scale (China): 30 + 27 (0.55 + 0.25) = 51.6.
    ['China factory output very sharply slumps', { tone: 'negative', score: -0.86, confidence: 0.988, oil: 'bearish', strength: 1, topics: ['macro'], entities: ['China'], report: false, evidence: { sentiment: -3.375, oil: -4.725, cues: 1, threshold: 0.5 }, relevance: 52 }],
    // 'rally' (str 1.5) binds 'stocks' (cs 1, co 0.3): ps 1.5, po 0.45; 'grows' (str 1) binds 'economy' (cs 1, co 1) after 'as',
    // whose clause has ws 0.35 for the tone only: ps 1 x 0.35, po 1. S = 1.85; O = 1.45 + 0.4 * 1.85 = 2.19.
    // score 1.85 / sqrt(7.4225); confidence tanh(1.35 / 1.5 + 0.3); macro at world scale: 30 + 27 (0.55 + 0.25 * 0.73) = 49.8.
    ['US stocks rally as economy grows', { tone: 'positive', score: 0.679, confidence: 0.917, oil: 'bullish', strength: 0.73, topics: ['macro'], entities: ['United States'], report: false, evidence: { sentiment: 1.85, oil: 2.19, cues: 2, threshold: 0.5 }, relevance: 50 }],
    // Nothing bound: 'agrees' (s 1.5) and 'output cuts' (o 1.2, int 1.5: 1.8) stand alone, two cues; OPEC's output policy halves
    // the tone: S = 0.75. Direct oil, no crude word (oil relevance 1): 85 + 12 * 0.3 * 0.6 = 87.2.
    ['OPEC agrees deep output cuts', { tone: 'positive', score: 0.351, confidence: 0.718, oil: 'bullish', strength: 0.6, topics: ['opec'], entities: ['OPEC'], report: false, evidence: { sentiment: 0.75, oil: 1.8, cues: 2, threshold: 0.5 }, relevance: 87 }],
    // 'fails to' (s -1) negates 'agree' (s 1.5 x -0.6 = -0.9) and 'output cuts' (o 1.2 x -0.7 = -0.84): S = -1.9, halved by the OPEC
    // rule, -0.95; three cues. 85 + 12 * 0.3 * 0.28 = 86.0.
    ['OPEC fails to agree output cuts', { tone: 'negative', score: -0.429, confidence: 0.769, oil: 'bearish', strength: 0.28, topics: ['opec'], entities: ['OPEC'], report: false, evidence: { sentiment: -0.95, oil: -0.84, cues: 3, threshold: 0.5 }, relevance: 86 }],
    // 'cut' (d -1, str 1.2) binds OPEC as a flow (co -1) under 'mulls' (hedge 0.7): 1.2 x 0.7 = 0.84; the bound 'cut' adds no opec
    // 'ot' of its own. 85 + 12 * 0.3 * 0.28 = 86.0.
    ['OPEC mulls cut', { tone: 'neutral', score: 0, confidence: 0.9, oil: 'bullish', strength: 0.28, topics: ['opec'], entities: ['OPEC'], report: false, evidence: { sentiment: 0, oil: 0.84, cues: 1, threshold: 0.5 }, relevance: 86 }],
    // 'talks' stands alone (s 0.15, o -0.4, a diplomacy concept); an oil company's talks are corporate, so the diplomacy part
    // is taken out again: O = 0. Neutral confidence 0.5 + 0.4 (1 - 0.15 / 0.5) = 0.78. No topic; an oil company: 30 + 27 * 0.6 = 46.2.
    ['Exxon in talks to buy Pioneer', { tone: 'neutral', score: 0.075, confidence: 0.78, oil: 'neutral', strength: 0, topics: [], entities: ['ExxonMobil'], report: false, evidence: { sentiment: 0.15, oil: 0, cues: 1, threshold: 0.5 }, relevance: 46 }],
    // 'No' negates both 'oil output' and 'rise': the predicate's negation counts once (not again as the concept's): po = -1 x
    // -0.7 = 0.7. Crude named: 85 + 12 (0.3 * 0.233 + 0.3) = 89.4.
    ['No oil output rise seen', { tone: 'neutral', score: 0, confidence: 0.9, oil: 'bullish', strength: 0.233, topics: [], entities: [], report: false, evidence: { sentiment: 0, oil: 0.7, cues: 1, threshold: 0.5 }, relevance: 89 }],
    // 'not' negates 'cut' (str 1.2) on 'oil output' (co -1): 1.2 x -0.7 = -0.84. 85 + 12 (0.3 * 0.28 + 0.3) = 89.6.
    ['Saudi Arabia does not cut oil output', { tone: 'neutral', score: 0, confidence: 0.9, oil: 'bearish', strength: 0.28, topics: ['opec'], entities: ['Saudi Arabia'], report: false, evidence: { sentiment: 0, oil: -0.84, cues: 1, threshold: 0.5 }, relevance: 90 }],
    // 'signs' (str 1.3) binds 'deal' (cs 1, co -0.7; 'gas' its neighbour in the compound): tone 1.3, oil -0.91 read from a diplomacy
    // concept, which an oil company's deal does not carry: O = 0. Oil company: 30 + 27 * 0.6 = 46.2.
    ['Exxon signs gas deal', { tone: 'positive', score: 0.545, confidence: 0.841, oil: 'neutral', strength: 0, topics: [], entities: ['ExxonMobil'], report: false, evidence: { sentiment: 1.3, oil: 0, cues: 1, threshold: 0.5 }, relevance: 46 }],
    // 'fails to' (s -1) negates 'agree' on 'nuclear deal' (cs 1, co -1): the pair's tone 1.3 gives way to the own 1.5, negated -0.9;
    // oil -1.3 x -0.7 = 0.91. S = -1.9. Iran: 65 + 24 (0.35 * 0.303 + 0.1 + 0.3) = 77.1.
    ['Iran fails to agree nuclear deal', { tone: 'negative', score: -0.689, confidence: 0.922, oil: 'bullish', strength: 0.303, topics: ['mediation'], entities: ['Iran'], report: false, evidence: { sentiment: -1.9, oil: 0.91, cues: 2, threshold: 0.5 }, relevance: 77 }],
    // A figure compared: profit (cs 1, co 0) up from 3 to 5, 1 x 1.2 = 1.2 and no oil; unrelated, 0.
    ['Net profit 5 vs 3', { tone: 'positive', score: 0.514, confidence: 0.822, oil: 'neutral', strength: 0, topics: [], entities: [], report: false, evidence: { sentiment: 1.2, oil: 0, cues: 1, threshold: 0.5 }, relevance: 0 }],
    // 'imposes' (str 1.3) binds 'sanctions' (cs -0.35, co 1, o 0.8): ps -0.455, po 1.3; no producer, oil word or oil story, so
    // the sanctions part is taken out: O = 0. Confidence 0.5 + 0.4 (1 - 0.455 / 0.5) = 0.536. Geopolitics elsewhere with the
    // weights of the US and China (1 + 1): 35 + 20 * 0.1 * 2 = 39.
    ['US imposes sanctions on Chinese telecom firm', { tone: 'neutral', score: -0.222, confidence: 0.536, oil: 'neutral', strength: 0, topics: ['sanctions'], entities: ['United States', 'China'], report: false, evidence: { sentiment: -0.455, oil: 0, cues: 1, threshold: 0.5 }, relevance: 39 }],
    // 'retaliate' stands alone (s -1.5, o 1.2, armed); 'new' (str 0.7) binds 'tariffs' (cs -1, co -0.7): ps -0.7, po -0.49.
    // O = 0.71 before the trade story turns the armed part: 0.71 - 2 * 1.2 = -1.69. S = -2.2. Trade at world scale:
    // 30 + 27 (0.35 + 0.25 * 0.563) = 43.3.
    ['Beijing vows to retaliate against new US tariffs', { tone: 'negative', score: -0.74, confidence: 0.946, oil: 'bearish', strength: 0.563, topics: ['macro'], entities: ['China', 'United States'], report: false, evidence: { sentiment: -2.2, oil: -1.69, cues: 2, threshold: 0.5 }, relevance: 43 }],
    // Eighteen words: T = 0.5 + 8 * 0.03 = 0.74. 'grows' binds 'economy': S 1, O 1 + 0.4 = 1.4; confidence tanh(0.26 / 1.5 + 0.3);
    // macro of no world-scale economy: 30 + 27 (0.15 + 0.25 * 0.467) = 37.2.
    ['Analysts said on Tuesday that the economy in the region grows faster than anyone had expected this year', { tone: 'positive', score: 0.447, confidence: 0.72, oil: 'bullish', strength: 0.467, topics: ['macro'], entities: [], report: false, evidence: { sentiment: 1, oil: 1.4, cues: 1, threshold: 0.74 }, relevance: 37 }],
  ])('%s', (text, want) => {
    const a = analyzeText(text);
    expect({ ...numbers(text), relevance: a.relevance }).toEqual(want);
  });
});

describe('analyzeText evidence: oil and OPEC context, compounds, prepositional phrases, topic-conditional oil', () => {
  it.each<[string, Numbers & { relevance: number }]>([
    // 'production' (cs 0.5, co 0, coOil -1): Nigeria (weight 2) makes an oil context, so more production is -1 (bearish); the
    // tone is 0.5 (the own 0.5 is not larger). No topic, a producer: channel only, 40 + 20 (0.1 * 2 + 0.3 * 0.333) = 46.
    ['Nigeria production rises', { tone: 'positive', score: 0.243, confidence: 0.646, oil: 'bearish', strength: 0.333, topics: [], entities: ['Nigeria'], report: false, evidence: { sentiment: 0.5, oil: -1, cues: 1, threshold: 0.5 }, relevance: 46 }],
    // No oil context: co 0, and 'rises' has no oil valence of its own, so O = 0; unrelated, 0.
    ['Steel production rises', { tone: 'positive', score: 0.243, confidence: 0.646, oil: 'neutral', strength: 0, topics: [], entities: [], report: false, evidence: { sentiment: 0.5, oil: 0, cues: 1, threshold: 0.5 }, relevance: 0 }],
    // 'slumps' (str 1.5, own -1.2) on 'production' (cs 0.5): ps = -0.75 gives way to the own -1.2; no oil either way.
    ['Steel production slumps', { tone: 'negative', score: -0.514, confidence: 0.822, oil: 'neutral', strength: 0, topics: [], entities: [], report: false, evidence: { sentiment: -1.2, oil: 0, cues: 1, threshold: 0.5 }, relevance: 0 }],
    // An OPEC context gives 'talks' its coOpec 0.8: po = 0.8 * -1 * 1.5 = -1.2 (a pact's collapse is more supply); the own -1.5
    // halved by the OPEC rule. OPEC's talks are not mediation. Direct oil: 85 + 12 * 0.3 * 0.4 = 86.4.
    ['OPEC talks collapse', { tone: 'negative', score: -0.351, confidence: 0.718, oil: 'bearish', strength: 0.4, topics: ['opec'], entities: ['OPEC'], report: false, evidence: { sentiment: -0.75, oil: -1.2, cues: 1, threshold: 0.5 }, relevance: 86 }],
    // 'Gaza ceasefire' is the neighbour of the bound 'talks' in one compound: its own s 1, o -0.8 are not added (one cue).
    // Two geopolitical topics, no channel or oil word: 65 + 24 (0.35 * 0.5 + 0.1) = 71.6.
    ['Gaza ceasefire talks collapse', { tone: 'negative', score: -0.6, confidence: 0.874, oil: 'bullish', strength: 0.5, topics: ['mediation', 'ceasefire'], entities: [], report: false, evidence: { sentiment: -1.5, oil: 1.5, cues: 1, threshold: 0.5 }, relevance: 72 }],
    // 'nuclear program' (s -0.3, o 0.3) in the phrase 'on Iran ...' after the bound 'Talks' is part of it: not added (one cue).
    // 65 + 24 (0.35 * 0.5 + 0.1 + 0.05 * 2 + 0.3) = 81.2.
    ['Talks on Iran nuclear program collapse', { tone: 'negative', score: -0.6, confidence: 0.874, oil: 'bullish', strength: 0.5, topics: ['mediation', 'military'], entities: ['Iran'], report: false, evidence: { sentiment: -1.5, oil: 1.5, cues: 1, threshold: 0.5 }, relevance: 81 }],
    // 'grow' (str 1) on 'Supply disruption fears' (cs -1, co 1, s -1, o 1.5): ps = -1, po = 1 * max(1, min(2, 1.5)) = 1.5. No topic
    // and an oil-market word short of crude (oil 1), no producer: no direction. Unrelated, 0.
    ['Supply disruption fears grow', { tone: 'negative', score: -0.447, confidence: 0.78, oil: 'neutral', strength: 0, topics: [], entities: [], report: false, evidence: { sentiment: -1, oil: 1.5, cues: 1, threshold: 0.5 }, relevance: 0 }],
    // 'escalate' on 'Attacks' (cs -1, s -1.5): ps = -1 * max(1, min(2, 1.5)) = -1.5, po = 1. An armed event under the line of
    // a clear oil channel has no direction, and its relevance is taken again with strength 0: 35 + 20 * 0 = 35.
    ['Attacks escalate', { tone: 'negative', score: -0.6, confidence: 0.874, oil: 'neutral', strength: 0, topics: ['military'], entities: [], report: false, evidence: { sentiment: -1.5, oil: 1, cues: 1, threshold: 0.5 }, relevance: 35 }],
    // 'unity' (s 0.5, ot opec 0.7) stands alone: its topic-conditional oil counts once OPEC is a topic, a second cue; the tone
    // halved, 0.25; confidence 0.5 + 0.4 * 0.5. 85 + 12 * 0.3 * 0.233 = 85.8.
    ['OPEC shows unity', { tone: 'neutral', score: 0.124, confidence: 0.7, oil: 'bullish', strength: 0.233, topics: ['opec'], entities: ['OPEC'], report: false, evidence: { sentiment: 0.25, oil: 0.7, cues: 2, threshold: 0.5 }, relevance: 86 }],
    // 'No' negates the standalone 'ceasefire talks' (s 1, o -0.8): 1 * -0.6 and -0.8 * -0.7 = 0.56, under the oil threshold.
    // Geopolitics elsewhere: 35 + 20 * 0.5 * 0.187 = 36.9.
    ['No ceasefire talks planned', { tone: 'negative', score: -0.287, confidence: 0.676, oil: 'neutral', strength: 0.187, topics: ['mediation', 'ceasefire'], entities: [], report: false, evidence: { sentiment: -0.6, oil: 0.56, cues: 1, threshold: 0.5 }, relevance: 37 }],
    // 'fire' stands alone (-1.5); 'halts' (str 1.5, own -1) binds 'output' in the oil context of 'Refinery' (oil 1): tone -1
    // (larger than -0.75), oil -1 * -1 * 1.5 = 1.5; no topic, oil weight 1 and no channel: no direction. Fuel supply disrupted:
    // 60 + 20 * 0.25 = 65.
    ['Refinery fire halts output', { tone: 'negative', score: -0.781, confidence: 0.963, oil: 'neutral', strength: 0, topics: [], entities: [], report: false, evidence: { sentiment: -2.5, oil: 1.5, cues: 2, threshold: 0.5 }, relevance: 65 }],
  ])('%s', (text, want) => {
    const a = analyzeText(text);
    expect({ ...numbers(text), relevance: a.relevance }).toEqual(want);
  });
});

describe('analyzeText evidence: the corrections of analyzeText (sanctions, OPEC talks, demand channel) and the bounds', () => {
  it.each<[string, Numbers & { relevance: number }]>([
    // 'sanctions' (o 0.8) and 'drone' (o 1, armed) stand alone: O = 1.8. No oil story: the sanctions part goes, and in a sanctions
    // story the armed words are the target's business, so they go once: 1.8 - 0.8 - 1 = 0. S = -0.3 - 1.5. 35 + 20 * 0.1 * 2 = 39.
    ['US sanctions Chinese drone maker', { tone: 'negative', score: -0.669, confidence: 0.912, oil: 'neutral', strength: 0, topics: ['sanctions'], entities: ['United States', 'China'], report: false, evidence: { sentiment: -1.8, oil: 0, cues: 2, threshold: 0.5 }, relevance: 39 }],
    // 'delayed' (str 1.5, own -1) binds 'meeting' (cs 0.3, coOpec 0.8, o -0.2): tone -1 (larger than -0.45), oil -1.2; 'clash' after
    // 'as' (ws 0.35) stands alone: -1.5 * 0.35 and +1. S = -1.525, O = -0.2. OPEC's own meeting is not mediation, and with OPEC
    // the only topic its tone is halved: -0.7625. Direct oil: 85 + 12 * 0.3 * 0.067 = 85.2.
    ['OPEC meeting delayed as Iran and Saudi Arabia clash', { tone: 'negative', score: -0.356, confidence: 0.721, oil: 'neutral', strength: 0.067, topics: ['opec'], entities: ['OPEC', 'Iran', 'Saudi Arabia'], report: false, evidence: { sentiment: -0.762, oil: -0.2, cues: 2, threshold: 0.5 }, relevance: 85 }],
    // 'cuts rates' stands alone (s 1, o 0.5); 'slows' binds 'economy' after 'as': tone -1 * 0.35, oil -1. S = 0.65; O = -0.5 plus
    // the demand channel's 0.4 * 0.65 = -0.24. Macro at world scale (the Fed): 30 + 27 (0.55 + 0.25 * 0.08) = 45.4.
    ['Fed cuts rates as economy slows', { tone: 'positive', score: 0.309, confidence: 0.69, oil: 'neutral', strength: 0.08, topics: ['macro'], entities: ['Federal Reserve'], report: false, evidence: { sentiment: 0.65, oil: -0.24, cues: 2, threshold: 0.5 }, relevance: 45 }],
    // Sixty standalone 'attack' (s -1.5, o 1): S = -90 and O = 60, both held at 50; T at its 0.9 ceiling; score -50 / sqrt(2504);
    // no topic, oil word or producer: no direction, unrelated.
    [Array.from({ length: 60 }, () => 'attack').join(' '), { tone: 'negative', score: -0.999, confidence: 1, oil: 'neutral', strength: 0, topics: [], entities: [], report: false, evidence: { sentiment: -50, oil: 50, cues: 60, threshold: 0.9 }, relevance: 0 }],
  ])('%s', (text, want) => {
    const a = analyzeText(text);
    expect({ ...numbers(text), relevance: a.relevance }).toEqual(want);
  });
});

describe('analyzeText evidence: price reports take their tone from the cause', () => {
  it.each<[string, Numbers & { relevance: number }]>([
    // The cause after 'after' is 'tanker attack': its tone is the attack's -1.5. The title's oil: 'jumps' (str 1.5) on 'Oil' 1.5,
    // plus the attack's own 1 = 2.5; strength max(2.5 / 3, 0.5). Price report with armed topics: 90 + 9 (0.4 + 0.3 * 0.833 + 0.3) = 98.6.
    ['Oil jumps after tanker attack', { tone: 'negative', score: -0.6, confidence: 0.874, oil: 'bullish', strength: 0.833, topics: ['military', 'shipping'], entities: [], report: true, evidence: { sentiment: -1.5, oil: 2.5, cues: 2, threshold: 0.5 }, relevance: 99 }],
    // The cause is the words before the verb that precedes the oil subject, 'Tanker attack off Yemen': tone -1.5. Oil: 'higher'
    // (str 1) on 'oil' 1 plus the attack's 1 = 2. 90 + 9 (0.4 + 0.3 * 0.667 + 0.3) = 98.1.
    ['Tanker attack off Yemen sends oil higher', { tone: 'negative', score: -0.6, confidence: 0.874, oil: 'bullish', strength: 0.667, topics: ['military', 'shipping'], entities: ['Yemen'], report: true, evidence: { sentiment: -1.5, oil: 2, cues: 2, threshold: 0.5 }, relevance: 98 }],
  ])('%s', (text, want) => {
    const a = analyzeText(text);
    expect({ ...numbers(text), relevance: a.relevance }).toEqual(want);
  });
});

describe('analyzeText evidence: the summary and the options', () => {
  it('counts a summary at half weight, its entities at half weight in the relevance, and its producer as a channel', () => {
    // S = 0.5 * -1.5, O = 0.5 * 1.5; the title names no producer, so the relevance input has none (no +0.3), and Iran's weight
    // counts 0.5 * 2: 65 + 24 (0.35 * 0.25 + 0.05 * 1) = 68.3.
    const a = analyzeText('Markets wait', 'Iran nuclear talks collapse');
    expect(numbers('Markets wait', 'Iran nuclear talks collapse')).toEqual({ tone: 'negative', score: -0.351, confidence: 0.718, oil: 'bullish', strength: 0.25, topics: ['mediation'], entities: ['Iran'], report: false, evidence: { sentiment: -0.75, oil: 0.75, cues: 1, threshold: 0.5 } });
    expect(a.relevance).toBe(68);
  });
  it('adds the summary totals at half weight, with no demand channel in an oil-specific story', () => {
    // S = -1.5 + 0.5 * -3.375 = -3.1875; O = 1.5 + 0.5 * -3.375 = -0.1875 (mediation is oil-specific: no 0.4 S); cues 1 + 1.
    expect(numbers('Iran nuclear talks collapse', 'China factory output very sharply slumps')).toEqual({ tone: 'negative', score: -0.847, confidence: 0.985, oil: 'neutral', strength: 0.063, topics: ['mediation', 'macro'], entities: ['Iran', 'China'], report: false, evidence: { sentiment: -3.187, oil: -0.187, cues: 2, threshold: 0.5 } });
  });
  it("adds the summary's tone to a price report's cause, and its oil to the title's", () => {
    // S = -1.5 (the cause) + 0.5 * -1.5; O = 2.5 + 0.5 * 1.5 = 3.25, strength capped at 1.
    expect(numbers('Oil jumps after tanker attack', 'Iran nuclear talks collapse')).toEqual({ tone: 'negative', score: -0.747, confidence: 0.949, oil: 'bullish', strength: 1, topics: ['mediation', 'military', 'shipping'], entities: ['Iran'], report: true, evidence: { sentiment: -2.25, oil: 3.25, cues: 3, threshold: 0.5 } });
  });
  it("takes the summary's diplomacy part out with the title's for an oil company", () => {
    // S = 0.15 + 0.5 * 0.15 = 0.225; O = -0.4 + 0.5 * -0.4 = -0.6, less the same diplomacy parts: 0. Confidence 0.5 + 0.4 * 0.55.
    expect(numbers('Exxon in talks to buy Pioneer', 'Exxon in talks to buy Pioneer')).toEqual({ tone: 'neutral', score: 0.112, confidence: 0.72, oil: 'neutral', strength: 0, topics: [], entities: ['ExxonMobil'], report: false, evidence: { sentiment: 0.225, oil: 0, cues: 2, threshold: 0.5 } });
  });
  it('applies the thresholds and the summary weight of the options', () => {
    // At exactly both thresholds (1.5): negative and bullish; confidence 0.5 + 0.5 tanh(0.3) = 0.6457.
    expect(numbers('Iran nuclear talks collapse', '', { sentimentThreshold: 1.5, oilThreshold: 1.5 })).toEqual({ tone: 'negative', score: -0.6, confidence: 0.646, oil: 'bullish', strength: 0.5, topics: ['mediation'], entities: ['Iran'], report: false, evidence: { sentiment: -1.5, oil: 1.5, cues: 1, threshold: 1.5 } });
    // Summary weight 0.2: S = -1.5 - 0.3, O = 1.5 + 0.3.
    expect(numbers('Iran nuclear talks collapse', 'Iran nuclear talks collapse', { summaryWeight: 0.2 })).toEqual({ tone: 'negative', score: -0.669, confidence: 0.912, oil: 'bullish', strength: 0.6, topics: ['mediation'], entities: ['Iran'], report: false, evidence: { sentiment: -1.8, oil: 1.8, cues: 2, threshold: 0.5 } });
  });
});

describe('analyzeText reading: the story way of the labels', () => {
  it.each<[string, { oil: number; tone: number }]>([
    // bullish and negative; bearish and positive; neutral on both (no cue at all).
    ['Iran nuclear talks collapse', { oil: 1, tone: -1 }],
    ['Nigeria production rises', { oil: -1, tone: 1 }],
    ['Markets wait', { oil: 0, tone: 0 }],
  ])('%s', (text, want) => {
    expect(analyzeText(text).reading).toEqual(want);
  });
  it('gives a title with no cue the confidence of an empty reading, 0.6', () => {
    expect(analyzeText('Markets wait').sentiment).toEqual({ label: 'neutral', score: 0, confidence: 0.6 });
  });
});
