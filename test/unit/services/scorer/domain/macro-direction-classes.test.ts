import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { GAZETTEER } from '../../../../../services/scorer/domain/gazetteer.ts';
import { compileMacroScale, MACRO_SCALE, macroScale, pricesOnly } from '../../../../../services/scorer/domain/macro-scale.ts';
import { tokenize } from '../../../../../services/scorer/domain/text.ts';

// docs/taxonomy.md (oil_direction): macro news moves crude only as a world demand shock, so
// only world-scale news (the Fed, the ECB, the Bank of Japan, the PBoC; US, Chinese, euro-zone,
// Japanese or world data; world or US markets; the dollar) carries a direction, and another
// economy's own central bank, data or currency is neutral unless it is framed at world scale or
// is oil demand itself. Every headline here is written for the test, none is taken from a data set.
const dir = (t: string) => analyzeText(t).oil_direction.label;

describe('macro news of one economy outside the world-scale ones has no oil direction', () => {
  it("gives no direction to another economy's central bank, whichever way it moves", () => {
    for (const t of [
      'Bank of England cuts rates to 4.5%',
      'Bank of Canada raises rates by a quarter point',
      'Reserve Bank of New Zealand slashes rates in surprise move',
      "Norway's central bank hikes rates to 4.5%",
      'Riksbank raises rates for third time this year',
      'Swiss National Bank unexpectedly lowers rates',
      "Brazil's central bank hikes Selic to 13.75%",
      "Chile's central bank cuts rates by 100 basis points",
      "Indonesia's central bank cuts rates to support growth",
      "Poland's central bank raises rates again",
      "South Africa's Reserve Bank cuts repo rate",
      'Turkish central bank slashes rates despite soaring inflation',
    ]) expect(dir(t), t).toBe('neutral');
  });

  it("gives no direction to another economy's growth, jobs, factory, trade or confidence data", () => {
    for (const t of [
      "Australia's economy grows faster than expected",
      "Canada's jobless rate jumps to 7%",
      'British factory output slumps',
      'German exports fall for third month',
      'France slips into recession',
      "Italy's unemployment rate drops to record low",
      'Spanish GDP beats forecasts',
      'Mexican economy contracts in second quarter',
      'Indian factory activity hits 13-year high',
      "South Korea's exports tumble on weak chip sales",
      'Thai economy rebounds as tourists return',
      'Polish retail sales jump',
      "Argentina's economy shrinks 5%",
      'Dutch consumer confidence falls',
    ]) expect(dir(t), t).toBe('neutral');
  });

  it("gives no direction to another economy's currency, a dollar of its own included", () => {
    for (const t of ['Sterling slumps to 30-year low', 'Indian rupee hits record low', 'Canadian dollar rallies on strong jobs data']) expect(dir(t), t).toBe('neutral');
  });
});

describe('inflation, wage and housing figures alone have no oil direction, whatever the economy', () => {
  it('gives no direction to price, wage, mortgage and housing figures of the world-scale economies', () => {
    for (const t of [
      'Euro zone inflation surges to record high',
      'US consumer prices jump more than expected',
      'US mortgage rates climb to highest in two decades',
      'US housing starts tumble to three-year low',
      'Japanese wages rise at fastest pace in decades',
      'Home prices slump across China',
    ]) expect(dir(t), t).toBe('neutral');
  });

  it('keeps the direction when a demand channel is named with them', () => {
    expect(dir('Fed raises rates as inflation surges')).toBe('bearish');
    expect(dir('Euro zone economy shrinks as inflation bites')).toBe('bearish');
    expect(dir('US consumer spending jumps despite inflation')).toBe('bullish');
  });

  it('tells a figure alone from one beside a demand channel, phrases read whole', () => {
    expect(pricesOnly(tokenize('Euro zone inflation hits record').low)).toBe(true);
    expect(pricesOnly(tokenize('Mortgage rates hit highest since 2000').low)).toBe(true);
    expect(pricesOnly(tokenize('Euro zone inflation hits record as growth stalls').low)).toBe(false);
    expect(pricesOnly(tokenize('Ten-year Treasury yield drops as inflation eases').low)).toBe(false);
    expect(pricesOnly(tokenize('Consumer confidence hits record').low)).toBe(false);
    // "consumer prices" needs both of its tokens; "home" alone is no housing figure.
    expect(pricesOnly(tokenize('Consumer group sues over prices of phones').low)).toBe(false);
    expect(pricesOnly(tokenize('Home team wins').low)).toBe(false);
    expect(pricesOnly([])).toBe(false);
  });
});

describe('world-scale macro news keeps its direction', () => {
  it('reads the Fed, the ECB, the Bank of Japan and the PBoC: easing bullish, hikes bearish', () => {
    expect(dir('Fed cuts rates by a quarter point')).toBe('bullish');
    expect(dir('ECB raises rates again to fight inflation')).toBe('bearish');
    expect(dir('Bank of Japan raises rates for first time in 17 years')).toBe('bearish');
    expect(dir('PBOC cuts lending rates to support economy')).toBe('bullish');
  });

  it('reads US, Chinese, Japanese and world data, markets and the dollar', () => {
    expect(dir('US economy shrinks in first quarter')).toBe('bearish');
    expect(dir('US payrolls beat forecasts')).toBe('bullish');
    expect(dir("China's factory activity contracts for fifth month")).toBe('bearish');
    expect(dir("Japan's economy contracts as exports slump")).toBe('bearish');
    expect(dir('Global growth to slow sharply, IMF warns')).toBe('bearish');
    expect(dir('Wall Street tumbles on recession fears')).toBe('bearish');
    expect(dir('Dollar slumps as Fed signals cuts')).toBe('bullish');
  });

  it('reads a Treasury yield named by its maturity or in the singular as the bond market (macro): rising yields bearish', () => {
    for (const t of ['U.S. 10-year Treasury yield hits 3 percent', 'Two-year yield climbs to decade high', 'Bond yield jumps as inflation fears grow']) {
      expect(analyzeText(t).topics, t).toEqual(['macro']);
    }
    expect(dir('Two-year yield climbs to decade high')).toBe('bearish');
    expect(dir('Treasury yields climb to decade high')).toBe('bearish');
    expect(dir('Ten-year yield drops below 4% as inflation eases')).toBe('bullish');
  });

  it('reads a hawkish central bank as a signal of hikes and a dovish one of cuts, only in a macro story', () => {
    expect(dir('Wall St. falls as investors eye a united hawkish Fed')).toBe('bearish');
    expect(dir('Stocks rally as dovish Powell soothes markets')).toBe('bullish');
    expect(dir("Trump's hawkish stance on Iran")).toBe('neutral');
  });

  it("keeps a smaller economy's news that is framed at world scale", () => {
    expect(dir("Canada's exports fall as US demand slows")).toBe('bearish');
    expect(dir('German exports slump as China demand weakens')).toBe('bearish');
    expect(dir('World economy heads for recession as Germany and Britain contract')).toBe('bearish');
  });

  it("keeps another economy's fuel demand, which is oil demand itself", () => {
    expect(dir("India's fuel demand hits record high")).toBe('bullish');
  });
});

describe('macroScale', () => {
  const words = (t: string) => tokenize(t).low;

  it('is world for a world-scale entity, whatever else is named', () => {
    expect(macroScale(words('Canada exports fall'), ['Canada', 'United States'])).toBe('world');
    expect(macroScale(words('Italy budget'), ['Federal Reserve'])).toBe('world');
  });

  it('is world for a world-scale phrase, read as whole tokens in order', () => {
    expect(macroScale(words('Bank of Japan holds'), [])).toBe('world');
    expect(macroScale(words('Bank of Korea holds'), [])).toBe('local');
    expect(macroScale(words('Swiss franc slides as S&P 500 sinks'), [])).toBe('world');
    expect(macroScale(words('Turkish lira steadies, Wall Street gains'), [])).toBe('world');
  });

  it("is local for another economy's dollar, world for the dollar itself", () => {
    expect(macroScale(words('Canadian dollar rallies'), [])).toBe('local');
    expect(macroScale(words('Dollar rallies'), [])).toBe('world');
    expect(macroScale(words('Peso slides as dollar rallies'), [])).toBe('world');
  });

  it('is local only with another economy named, none with no economy at all', () => {
    expect(macroScale(words('Riksbank cuts rates'), [])).toBe('local');
    expect(macroScale(words('South Korea exports rebound'), [])).toBe('local');
    expect(macroScale(words('Central bank cuts rates'), [])).toBe('none');
    // "south" alone names no economy; a phrase needs all of its tokens.
    expect(macroScale(words('South of the border, rates rise'), [])).toBe('none');
    expect(macroScale([], [])).toBe('none');
  });

  it('reads the lists it is given', () => {
    const scale = compileMacroScale({ worldEntities: ['Atlantis'], worldPhrases: ['big bank'], localPhrases: ['small town'], localDollars: ['toy'], priceFigures: ['rent'], demandWords: ['jobs'] });
    expect(macroScale(['small', 'town', 'grows'], [], scale)).toBe('local');
    expect(macroScale(['small', 'town', 'grows'], ['Atlantis'], scale)).toBe('world');
    expect(macroScale(['small', 'town', 'and', 'big', 'bank'], [], scale)).toBe('world');
    expect(macroScale(['big', 'town'], [], scale)).toBe('none');
    // Without the word in the lists, "dollar" is nothing here.
    expect(macroScale(['toy', 'dollar'], [], scale)).toBe('none');
    expect(macroScale(['riksbank', 'cuts'], [], scale)).toBe('none');
  });

  it('keeps every phrase that starts with the same token', () => {
    const scale = compileMacroScale({ worldEntities: [], worldPhrases: ['big bank'], localPhrases: ['big town', 'big'], localDollars: [], priceFigures: ['rent rise', 'rent'], demandWords: ['job gains', 'job'] });
    expect(pricesOnly(['rent', 'rise'], scale)).toBe(true);
    expect(pricesOnly(['rent', 'rise', 'job'], scale)).toBe(false);
    expect(pricesOnly(['rent', 'job', 'gains'], scale)).toBe(false);
    expect(macroScale(['big', 'bank'], [], scale)).toBe('world');
    expect(macroScale(['big', 'town'], [], scale)).toBe('local');
    expect(macroScale(['big', 'city'], [], scale)).toBe('local');
  });

  it("reads a local word as another economy's only before 'dollar', not before another world-scale phrase", () => {
    const scale = compileMacroScale({ worldEntities: [], worldPhrases: ['dollar', 'bank'], localPhrases: [], localDollars: ['toy'], priceFigures: [], demandWords: [] });
    expect(macroScale(['toy', 'dollar'], [], scale)).toBe('local');
    expect(macroScale(['toy', 'bank'], [], scale)).toBe('world');
  });
});

describe('macro-scale data (services/scorer/data/macro-scale.json)', () => {
  const raw = JSON.parse(readFileSync('services/scorer/data/macro-scale.json', 'utf8')) as Record<string, unknown>;

  it('has each phrase list non-empty, without duplicates, each entry written as the tokenizer writes it', () => {
    for (const key of ['worldPhrases', 'localPhrases', 'localDollars', 'priceFigures', 'demandWords']) {
      const list = raw[key] as string[];
      expect(list.length, key).toBeGreaterThan(0);
      expect(new Set(list).size, `${key} has a duplicate`).toBe(list.length);
      for (const w of list) expect(tokenize(w).low.join(' '), `${key}: ${w}`).toBe(w);
    }
    const world = new Set(raw.worldPhrases as string[]);
    for (const w of raw.localPhrases as string[]) expect(world.has(w), `${w} is in both lists`).toBe(false);
    const demand = new Set(raw.demandWords as string[]);
    for (const w of raw.priceFigures as string[]) expect(demand.has(w), `${w} is in both lists`).toBe(false);
    expect(typeof raw.$comment).toBe('string');
  });

  it('names only gazetteer entities as world-scale entities', () => {
    const names = new Set(GAZETTEER.map((e) => e.name));
    const list = raw.worldEntities as string[];
    expect(list.length).toBeGreaterThan(0);
    for (const n of list) expect(names.has(n), n).toBe(true);
    expect(MACRO_SCALE.worldEntities.has('European Union')).toBe(true);
  });
});

describe('economic indicators named by their statistic are macro, toned by their move', () => {
  const read = (t: string) => {
    const a = analyzeText(t);
    return { topics: a.topics, tone: a.sentiment.label, oil: a.oil_direction.label };
  };

  it('reads job, wage, order and morale statistics as macro news, good when they rise and bad when they fall', () => {
    expect(read('US job growth slows sharply in March')).toEqual({ topics: ['macro'], tone: 'negative', oil: 'bearish' });
    expect(read('US factory orders jump for third straight month')).toEqual({ topics: ['macro'], tone: 'positive', oil: 'bullish' });
    expect(read('Chinese business sentiment sinks to two-year low')).toMatchObject({ topics: ['macro'], tone: 'negative' });
    expect(read('Euro zone economic sentiment improves in May')).toMatchObject({ topics: ['macro'], tone: 'positive' });
  });

  it("keeps another economy's statistic macro but without an oil direction", () => {
    expect(read('German business morale sinks to lowest in four years')).toEqual({ topics: ['macro'], tone: 'negative', oil: 'neutral' });
    expect(read("Canada's job growth beats forecasts")).toMatchObject({ topics: ['macro'], oil: 'neutral' });
  });

  it('names the yield curve as macro, and a currency at a level, not only in a move', () => {
    expect(read('Treasury yield curve flattens further')).toMatchObject({ topics: ['macro'] });
    expect(read('Yuan hits weakest level in a decade')).toMatchObject({ topics: ['macro'] });
    expect(read('Rupee at record low against the dollar')).toMatchObject({ topics: ['macro'] });
  });

  it("leaves a lender's own loans and a learning curve company news", () => {
    expect(read('Regional lender posts profit jump on loan growth').topics).toEqual([]);
    expect(read('Startup says steep learning curve behind it').topics).toEqual([]);
    expect(read('Retailer flags hiring freeze at stores').topics).toEqual([]);
  });
});
