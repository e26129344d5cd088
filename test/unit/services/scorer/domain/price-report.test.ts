import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { PRICE_WORDS, readPriceReport } from '../../../../../services/scorer/domain/price-report.ts';
import { Kind, tokenize } from '../../../../../services/scorer/domain/text.ts';

const read = (t: string) => readPriceReport(tokenize(t));

describe('price reports', () => {
  it('finds a stated move and its sign', () => {
    expect(read('Oil falls 3% as Gaza ceasefire hopes ease supply fears')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(read('Brent climbs above $80 after Houthi strikes')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(read("Oil prices steady as traders await OPEC+ meeting")).toEqual({ report: true, direction: 0, subject: 0 });
    expect(read('GLOBAL MARKETS-Stocks slide, oil jumps as Mideast conflict widens')).toEqual({ report: true, direction: 1, subject: 5 });
    expect(read('Oil set for third weekly loss as demand outlook dims')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(read('Oil touches five-month high on tight supply')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(read('Tanker attack off Yemen sends oil higher')).toEqual({ report: true, direction: 1, subject: 5 });
  });

  it('reads the stronger move words of the wires (plummets, nosedives, rockets, spurts) with their sign', () => {
    expect(read('Oil plummets on global demand concerns; stocks end lower')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(read('Brent nosedives after OPEC+ surprise')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(read('Crude rockets to four-year high')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(read('WTI spurts higher on supply fears')).toEqual({ report: true, direction: 1, subject: 0 });
  });

  it('reads what a move word is about: pared gains fall, pared losses rise, a rally that fizzles falls', () => {
    expect(read('Oil pares gains after US data shows rise in inventories').direction).toBe(-1);
    expect(read('Crude pares losses in late trade').direction).toBe(1);
    expect(read('Oil rally fizzles as Iran tensions cool').direction).toBe(-1);
  });

  it('reads an analyst price forecast as a report of the price', () => {
    expect(read('Goldman raises Brent forecast to $95 on tighter supply')).toEqual({ report: true, direction: 1 });
    expect(read('Morgan Stanley cuts oil price forecast on weaker demand')).toEqual({ report: true, direction: -1 });
  });

  it('is not fooled by oil output, exports, companies, other oils or the price cap', () => {
    for (const t of ['Iraq oil exports from Basra hit record', 'Libya oil output recovers to 1.2 million bpd', 'Oil tanker hit by missile in Gulf of Aden', 'G7 agrees oil price cap on Russian crude', 'Olive oil prices hit record after drought', 'Palm oil futures extend gains', 'Oil major faces shareholder revolt', 'Fuel prices fall at the pump', 'OPEC raises global oil demand forecast']) {
      expect(read(t).report, t).toBe(false);
    }
  });

  it('reads "firm" after oil as a company unless a move follows', () => {
    for (const t of ["Venezuela's state oil firm PDVSA halts exports", 'Iraq signs deal with Chinese oil firm', 'UK windfall tax on oil firms', 'Oil firm to pay $1 bln fine', 'Oil firms to boost spending', 'Oil firm Shell cuts jobs']) {
      expect(read(t).report, t).toBe(false);
    }
    for (const t of ['Oil prices firm as stocks fall', 'Brent firms 50 cents', 'Oil firms on supply worries', 'Oil firms to three-month high', 'Brent crude futures firm']) {
      expect(read(t), t).toMatchObject({ report: true, direction: 1 });
    }
  });

  it('makes the stated move the oil direction and the report relevant', () => {
    const a = analyzeText('Oil falls as Gaza ceasefire collapses');
    expect(a.price_report).toBe(true);
    expect(a.oil_direction.label).toBe('bearish');
    expect(a.relevance).toBeGreaterThanOrEqual(90);
    expect(analyzeText('Israel and Hamas agree ceasefire deal').price_report).toBe(false);
  });
});

describe('tone and turns of price reports', () => {
  it('takes the tone of the cause, not of the move (never the oil view)', () => {
    expect(analyzeText('Oil jumps after attack on Saudi oil plants').sentiment.label).toBe('negative');
    expect(analyzeText('Oil slides as Gaza ceasefire agreement is reached').sentiment.label).toBe('positive');
  });

  it('is neutral in tone with no cause, or with a cause that has no tone (a supply decision)', () => {
    expect(analyzeText('Oil falls 2% in early trade').sentiment).toEqual({ label: 'neutral', score: 0, confidence: 0.9 });
    expect(analyzeText('Brent hits five-month high').sentiment.label).toBe('neutral');
    expect(analyzeText('Oil rises as OPEC+ extends voluntary cuts').sentiment.label).toBe('neutral');
    expect(analyzeText('Oil rises as OPEC+ extends voluntary cuts').oil_direction.label).toBe('bullish');
  });

  it('reads the words before "sends oil higher" as the cause', () => {
    const a = analyzeText('Tanker attack off Yemen sends oil higher');
    expect(a.price_report).toBe(true);
    expect(a.sentiment.label).toBe('negative');
    expect(a.oil_direction.label).toBe('bullish');
  });

  it('reads the move that stands after a contrast', () => {
    expect(read('Oil rose early, but ended lower after inventory build').direction).toBe(-1);
  });
});

describe('price-report reading on a word table of its own', () => {
  // Read inside the tests, not while the file is collected: a PRICE_WORDS that failed to build must fail a test.
  const lists = () => Object.keys(PRICE_WORDS).filter((k) => k !== '$comment');
  // A small table (not the data file) so that tuning the word lists does not move these tests.
  const TABLE: Record<string, string[]> = {
    subjects: ['oil', 'crude'],
    notAfter: ['palm'],
    fillers: ['prices', 'futures', 'oil'],
    up: ['rises', 'rally', 'firms'],
    down: ['falls'],
    flat: ['steady', 'holds'],
    level: ['hits', 'is', 'near', 'below'],
    reversers: ['pares'],
    fades: ['fizzles'],
    upAfter: ['gains', 'high'],
    downAfter: ['losses', 'low'],
    dollarUp: ['hits', 'above'],
    dollarDown: ['below'],
    scanStop: ['as'],
    forecast: ['forecast', 'outlook'],
    forecastUp: ['raises'],
    forecastDown: ['cuts'],
    prefixUp: ['rising'],
    prefixDown: ['falling'],
    prefixGoverned: ['on'],
  };
  const table = (extra: Record<string, string[]> = {}) =>
    Object.fromEntries(Object.entries(TABLE).map(([k, v]) => [k, new Set([...v, ...(extra[k] ?? [])])])) as typeof PRICE_WORDS;
  const W = table();
  const r = (text: string) => readPriceReport(tokenize(text), W);

  it('covers every list of the data file', () => {
    expect(Object.keys(TABLE).sort()).toEqual(lists().sort());
  });

  it('finds the subject anywhere but after a word that makes it another oil, and says where it is', () => {
    expect(r('x y oil rises')).toEqual({ report: true, direction: 1, subject: 2 });
    expect(r('palm oil rises')).toEqual({ report: false, direction: 0 });
    expect(r('palm oil and crude falls')).toEqual({ report: true, direction: -1, subject: 3 });
    expect(r('rises falls')).toEqual({ report: false, direction: 0 });
  });

  it('reads a move named before "prices" ("rising oil prices"), but not before the subject alone', () => {
    expect(r('rising oil prices')).toEqual({ report: true, direction: 1 });
    expect(r('falling crude prices')).toEqual({ report: true, direction: -1 });
    expect(r('falling crude price')).toEqual({ report: true, direction: -1 });
    expect(r('falling crude oil prices')).toEqual({ report: true, direction: -1 });
    expect(r('falling crude oil futures')).toEqual({ report: false, direction: 0 });
    expect(r('falling oil rises')).toEqual({ report: true, direction: 1, subject: 1 });
  });

  it('skips at most four fillers between the subject and its move', () => {
    expect(r('oil prices futures prices futures rises')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil prices futures prices futures prices rises')).toEqual({ report: false, direction: 0 });
  });

  it('reads an analyst forecast by the verb up to three words before the subject', () => {
    expect(r('bank raises oil forecast')).toEqual({ report: true, direction: 1 });
    expect(r('bank cuts x y oil forecast')).toEqual({ report: true, direction: -1 });
    expect(r('bank cuts x y z oil forecast')).toEqual({ report: true, direction: 0 });
    expect(r('oil prices forecast')).toEqual({ report: true, direction: 0 });
    // An outlook without a verb is not a price report.
    expect(r('oil outlook')).toEqual({ report: false, direction: 0 });
    expect(r('oil outlook crude falls')).toEqual({ report: true, direction: -1, subject: 2 });
  });

  it('reads "firms" as a move only before a clause, a figure or a level, or at the end after a plural subject', () => {
    expect(r('oil firms on supply')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil firms 2 %')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil firms $ 80')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil firms usd 80')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil firms 9')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil firms 0')).toEqual({ report: true, direction: 1, subject: 0 });
    // At the end: companies ("windfall tax on oil firms"), unless the subject was plural ("oil prices firms").
    expect(r('oil firms')).toEqual({ report: false, direction: 0 });
    const plurals = ['prices', 'futures', 'contracts', 'markets', 'benchmarks'];
    for (const plural of plurals)
      expect(readPriceReport(tokenize(`oil ${plural} firms`), table({ fillers: plurals })), plural).toEqual({ report: true, direction: 1, subject: 0 });
    expect(readPriceReport(tokenize('oil price firms'), table({ fillers: ['price'] }))).toEqual({ report: false, direction: 0 });
    expect(r('oil firms announce deal')).toEqual({ report: false, direction: 0 });
    // A clause end or a sign before the figure is not a figure.
    expect(r('oil firms : 2')).toEqual({ report: false, direction: 0 });
    expect(r('oil firms + 2')).toEqual({ report: false, direction: 0 });
  });

  it('takes a figure to be what the tokenizer typed a number, in any script, and only that', () => {
    // Arabic-Indic, Devanagari and Bengali digits are numbers to the tokenizer (text.ts), so they are figures here too.
    for (const t of ['oil firms \u0665\u0660', 'oil firms \u096b\u0966', 'oil firms \u09e9 %', 'oil firms to \u0668\u0665'])
      expect(r(t), t).toEqual({ report: true, direction: 1, subject: 0 });
    // The decision is the token's kind, not its text: a digit string the tokenizer did not type a number is no figure.
    const low = ['oil', 'firms', '50'];
    expect(readPriceReport({ low, kind: [Kind.Word, Kind.Word, Kind.Num] }, W)).toEqual({ report: true, direction: 1, subject: 0 });
    expect(readPriceReport({ low, kind: [Kind.Word, Kind.Word, Kind.Word] }, W)).toEqual({ report: false, direction: 0 });
    expect(readPriceReport({ low: ['oil', 'firms', 'to', '85'], kind: [Kind.Word, Kind.Word, Kind.Word, Kind.Symbol] }, W)).toEqual({ report: false, direction: 0 });
    expect(readPriceReport({ low: ['oil', 'firms', 'to', 'eighty'], kind: [Kind.Word, Kind.Word, Kind.Word, Kind.Num] }, W)).toEqual({ report: true, direction: 1, subject: 0 });
  });

  it('reads "firms to" as a move only to a figure or a level within three words', () => {
    expect(r('oil firms to $ 85')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil firms to 85')).toEqual({ report: true, direction: 1, subject: 0 });
    for (const level of ['high', 'highs', 'highest', 'low', 'lows', 'lowest', 'peak', 'peaks', 'top', 'record'])
      expect(r(`oil firms to ${level}`), level).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil firms to three-month high')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil firms to its highest')).toEqual({ report: true, direction: 1, subject: 0 });
    // The level four words on is another clause's; a figure after a verb is what the companies pay.
    expect(r('oil firms to cut jobs at high')).toEqual({ report: false, direction: 0 });
    expect(r('oil firms to pay $ 1')).toEqual({ report: false, direction: 0 });
    expect(r('oil firms to boost spending')).toEqual({ report: false, direction: 0 });
    expect(r('oil firms to')).toEqual({ report: false, direction: 0 });
  });

  it('reads what a reverser gives back within three words, and a loss without one', () => {
    expect(r('oil pares gains').direction).toBe(-1);
    expect(r('oil pares x y losses').direction).toBe(1);
    expect(r('oil pares x y z losses').direction).toBe(-1);
    expect(r('oil pares')).toEqual({ report: true, direction: -1, subject: 0 });
  });

  it('reads a move noun that fades as a fall, unless a clause comes first', () => {
    expect(r('oil rally fizzles').direction).toBe(-1);
    expect(r('oil rally x y fizzles').direction).toBe(-1);
    expect(r('oil rally x y z fizzles').direction).toBe(1);
    expect(r('oil rally as fizzles').direction).toBe(1);
    expect(r('oil rises fizzles').direction).toBe(1);
  });

  it('reads a hold by what it holds, other steady words as no move', () => {
    expect(r('oil holds gains')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil holds losses')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(r('oil holds')).toEqual({ report: true, direction: 0, subject: 0 });
    expect(r('oil steady gains')).toEqual({ report: true, direction: 0, subject: 0 });
  });

  it('reads a level by the dollar figure or the direction in the six words after it', () => {
    expect(r('oil hits $ 80')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil below $ 80')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(r('oil near $ 80')).toEqual({ report: true, direction: 0, subject: 0 });
    expect(r('oil hits three month high')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil near a b c d e low')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(r('oil near a b c d e f low')).toEqual({ report: true, direction: 0, subject: 0 });
    expect(r('oil near as high')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil near x as high')).toEqual({ report: true, direction: 0, subject: 0 });
    expect(r('oil near x above $ 80')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil near x below $ 80')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(r('oil near x $ 80 high')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil near x rises')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil near x falls')).toEqual({ report: true, direction: -1, subject: 0 });
  });

  it('reads a copula as a report only with a move or level after it', () => {
    expect(r('oil is pricing in peace')).toEqual({ report: false, direction: 0 });
    expect(r('oil is near low')).toEqual({ report: true, direction: -1, subject: 0 });
  });

  it('lets the first move with a direction within four words after a contrast stand', () => {
    const turn = (t: string) => readPriceReport(tokenize(t), W);
    expect(turn('oil rises early but falls')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(turn('oil rises but x x x falls')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(turn('oil rises but x x x x falls')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(turn('oil rises but steady x x x falls')).toEqual({ report: true, direction: 1, subject: 0 });
    // Only the first contrast is read.
    expect(turn('oil rises but x x x x then falls')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(turn('oil falls yet rises')).toEqual({ report: true, direction: 1, subject: 0 });
  });

  it('reads the data file as one set per list', () => {
    const words = PRICE_WORDS as unknown as Record<string, Set<string>>;
    for (const k of lists()) expect(words[k], k).toBeInstanceOf(Set);
    expect(PRICE_WORDS.subjects.has('brent')).toBe(true);
    expect(readPriceReport(tokenize('brent falls'))).toEqual({ report: true, direction: -1, subject: 0 });
  });

  it('reads each copula as a report only with a move or level after it', () => {
    const c = table({ level: ['are', 'was', 'were'] });
    for (const v of ['is', 'are', 'was', 'were']) {
      expect(readPriceReport(tokenize(`oil ${v} pricing in peace`), c), v).toEqual({ report: false, direction: 0 });
      expect(readPriceReport(tokenize(`oil ${v} near low`), c), v).toEqual({ report: true, direction: -1, subject: 0 });
    }
    // A level word that is not a copula reports a level with no move.
    expect(readPriceReport(tokenize('oil hits pricing'), c)).toEqual({ report: true, direction: 0, subject: 0 });
  });

  it('reads each move noun that fades as a fall, and a move verb that is followed by a fade word as a rise', () => {
    const nouns = ['rally', 'rebound', 'gains', 'gain', 'surge', 'advance', 'recovery', 'bounce', 'climb', 'rise', 'jump', 'spike'];
    const m = table({ up: [...nouns, 'rebounds'] });
    for (const n of nouns) expect(readPriceReport(tokenize(`oil ${n} fizzles`), m), n).toEqual({ report: true, direction: -1, subject: 0 });
    expect(readPriceReport(tokenize('oil rebounds fizzles'), m)).toEqual({ report: true, direction: 1, subject: 0 });
    expect(readPriceReport(tokenize('oil rally'), m)).toEqual({ report: true, direction: 1, subject: 0 });
  });

  it('reads each form of "hold" by what it holds', () => {
    const h = table({ flat: ['hold', 'held', 'holding', 'keeps'] });
    for (const v of ['hold', 'holds', 'held', 'holding']) {
      expect(readPriceReport(tokenize(`oil ${v} gains`), h), v).toEqual({ report: true, direction: 1, subject: 0 });
      expect(readPriceReport(tokenize(`oil ${v} losses`), h), v).toEqual({ report: true, direction: -1, subject: 0 });
    }
    // Another steady word before "gains" is no move.
    expect(readPriceReport(tokenize('oil keeps gains'), h)).toEqual({ report: true, direction: 0, subject: 0 });
  });

  it('reads "firms" as a move before each clause word, figure word and comma it knows', () => {
    for (const next of ['on', 'as', 'after', 'amid', 'ahead', 'in', 'above', 'toward', 'towards', ',', 'near', 'despite', 'while'])
      expect(r(`oil firms ${next} supply`), next).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil firms say')).toEqual({ report: false, direction: 0 });
    expect(r('oil firms to supply')).toEqual({ report: false, direction: 0 });
  });

  it('reads a reverser in full: what it gives back, only from the words after it', () => {
    expect(r('oil pares gains')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(r('oil pares losses')).toEqual({ report: true, direction: 1, subject: 0 });
    // The first of the two decides.
    expect(r('oil pares gains losses')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(r('oil pares losses gains')).toEqual({ report: true, direction: 1, subject: 0 });
    // After a contrast the word before the reverser is not what it gives back.
    expect(r('oil falls but gains pares losses')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil rises but losses pares gains')).toEqual({ report: true, direction: -1, subject: 0 });
  });

  it('reads a fade only after the move noun', () => {
    expect(r('oil rally fizzles')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(r('oil falls but fizzles rally')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil falls but as rally fizzles')).toEqual({ report: true, direction: -1, subject: 0 });
  });

  it('reads a level just before a dollar figure by that word alone', () => {
    expect(r('oil near $ 80 high')).toEqual({ report: true, direction: 0, subject: 0 });
    expect(r('oil hits $ 80 low')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil below $ 80 high')).toEqual({ report: true, direction: -1, subject: 0 });
  });

  it('reads each contrast word, and only a contrast word, as a turn', () => {
    for (const t of ['but', 'yet', 'however', 'then', 'before']) expect(r(`oil rises ${t} falls`), t).toEqual({ report: true, direction: -1, subject: 0 });
    expect(r('oil rises x falls')).toEqual({ report: true, direction: 1, subject: 0 });
  });

  it('reads a move named before "oil prices" only right before them', () => {
    expect(r('falling crude futures prices')).toEqual({ report: false, direction: 0 });
    expect(r('falling crude oil futures prices')).toEqual({ report: false, direction: 0 });
  });

  it('passes over a prefixed price that a preposition governs: it is the cause of something else', () => {
    expect(r('on rising oil prices')).toEqual({ report: false, direction: 0 });
    expect(r('profit on falling oil prices')).toEqual({ report: false, direction: 0 });
    expect(r('profit on rising oil prices , crude falls')).toEqual({ report: true, direction: -1, subject: 6 });
    // The preposition alone, without a move before the subject, is not enough; nor is a move with no preposition.
    expect(r('on x oil prices rises')).toEqual({ report: true, direction: 1, subject: 2 });
    expect(r('x y oil prices rises')).toEqual({ report: true, direction: 1, subject: 2 });
    expect(r('x rising oil prices')).toEqual({ report: true, direction: 1 });
    expect(r('x falling oil prices')).toEqual({ report: true, direction: -1 });
  });

  it('reads a forecast verb at the very start, and the plural "forecasts" as a forecast', () => {
    const f = table({ forecast: ['forecasts'] });
    expect(r('raises oil forecast')).toEqual({ report: true, direction: 1 });
    expect(r('cuts oil forecast')).toEqual({ report: true, direction: -1 });
    expect(readPriceReport(tokenize('oil forecasts'), f)).toEqual({ report: true, direction: 0 });
    expect(readPriceReport(tokenize('oil outlook'), f)).toEqual({ report: false, direction: 0 });
  });

  it('reads each level verb that names no level of its own ("marks", "logs") as a report only with a move after it', () => {
    const verbs = ['mark', 'marks', 'marked', 'log', 'logs', 'logged', 'notch', 'notches', 'notched', 'book', 'books', 'booked', 'chalk', 'chalks'];
    const v = table({ level: verbs });
    for (const w of verbs) {
      expect(readPriceReport(tokenize(`oil ${w} a record volume`), v), w).toEqual({ report: false, direction: 0 });
      expect(readPriceReport(tokenize(`oil ${w} weekly gains`), v), w).toEqual({ report: true, direction: 1, subject: 0 });
    }
  });

  it('reads "usd" before a figure as the dollar sign', () => {
    expect(r('oil hits usd 80')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil near usd 80 high')).toEqual({ report: true, direction: 0, subject: 0 });
    expect(r('oil near x above usd 80')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(r('oil near x below usd 80')).toEqual({ report: true, direction: -1, subject: 0 });
  });

  it('reads a form of "pull" as a fall only with "back" right after it', () => {
    for (const p of ['pull', 'pulls', 'pulled', 'pulling']) expect(r(`oil ${p} back`), p).toEqual({ report: true, direction: -1, subject: 0 });
    expect(r('oil pulls ahead')).toEqual({ report: false, direction: 0 });
    expect(r('oil pulls x back')).toEqual({ report: false, direction: 0 });
    expect(r('oil rises but pulls back')).toEqual({ report: true, direction: -1, subject: 0 });
  });
});
