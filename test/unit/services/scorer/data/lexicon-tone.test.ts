import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { LEXICON } from '../../../../../services/scorer/domain/lexicon.ts';

interface Group {
  why: string;
  entry: Record<string, unknown>;
  words: string[];
}
const { groups } = JSON.parse(readFileSync('services/scorer/data/lexicon-tone.json', 'utf8')) as { groups: Group[] };
const key = (w: string) => w.toLowerCase().replace(/-/g, ' ').replace(/\s+/g, ' ').trim();
/** The last group that names a word decides its fields (this file is the last lexicon layer). */
const last = new Map<string, Group>();
for (const g of groups) for (const w of g.words) last.set(key(w), g);
const ofKind = (pred: (e: Record<string, unknown>) => boolean) => [...last.entries()].filter(([, g]) => pred(g.entry));
const tone = (t: string) => analyzeText(t).sentiment.label;

describe('lexicon data: tone readings of docs/taxonomy.md (services/scorer/data/lexicon-tone.json)', () => {
  it('every group says why and lists words', () => {
    expect(groups.length).toBeGreaterThan(10);
    for (const g of groups) {
      expect(g.why.length, JSON.stringify(g.entry)).toBeGreaterThan(10);
      expect(g.words.length).toBeGreaterThan(0);
    }
  });

  it('valence entries reach the lexicon with their sentiment value', () => {
    const valence = ofKind((e) => e.s !== undefined && e.cs === undefined && e.mod === undefined);
    expect(valence.length).toBeGreaterThan(40);
    for (const [w, g] of valence) expect(LEXICON.get(w)?.s, w).toBe(g.entry.s);
    expect(tone('Microsoft to buy Nuance for $16 billion')).toBe('positive');
    expect(tone('Regulators fine bank $1 billion')).toBe('negative');
    expect(tone('Union strikes at car plant over pay')).toBe('negative');
    expect(tone('China economy grows 4.9%, missing forecasts')).toBe('negative');
    expect(tone('UK imposes windfall tax on oil producers')).toBe('negative');
    expect(tone('Spotify posts first annual profit')).toBe('positive');
    expect(tone('Fed signals rate cuts next year')).toBe('positive');
  });

  it('a labour strike is no military story, and is bullish only at an oil site', () => {
    expect(analyzeText('Union strikes at car plant over pay').topics).toEqual([]);
    expect(analyzeText('Union strikes at car plant over pay').oil_direction.label).toBe('neutral');
    expect(analyzeText('French refinery workers strike, causing fuel shortages').oil_direction.label).toBe('bullish');
  });

  it('concept entries carry their tone sign, so what happens to them decides the tone', () => {
    const concepts = ofKind((e) => e.cs !== undefined);
    expect(concepts.length).toBeGreaterThan(100);
    for (const [w, g] of concepts) {
      expect(LEXICON.get(w)?.cs, w).toBe(g.entry.cs);
      if (g.entry.cls !== undefined) expect(LEXICON.get(w)?.cls, w).toBe(g.entry.cls);
    }
    expect(tone('Measles cases surge in Europe')).toBe('negative');
    expect(tone('Inflation eases to 2.1%')).toBe('positive');
    expect(tone('Zoom revenue growth slows')).toBe('negative');
    expect(tone('Central bank hikes key rate to 21%')).toBe('negative');
  });

  it('policy facts and diplomacy under way are neutral; outcomes and breakdowns carry the tone', () => {
    expect(tone('US imposes new sanctions on Iran oil sector')).toBe('neutral');
    expect(tone('EU adopts 12th sanctions package against Russia')).toBe('neutral');
    expect(tone('Ruble crashes as Western sanctions bite')).toBe('negative');
    expect(tone('Iran and US hold indirect nuclear talks in Oman')).toBe('neutral');
    expect(tone('Iran nuclear talks collapse')).toBe('negative');
    expect(tone('Iran and US reach nuclear agreement')).toBe('positive');
    expect(tone('Khashoggi killing strains Saudi-US relations')).toBe('negative');
  });

  it('oil volumes moving are the oil view, not a tone, while their oil direction stays', () => {
    const a = analyzeText('Saudi crude exports fall to lowest in months');
    expect(a.sentiment.label).toBe('neutral');
    expect(a.oil_direction.label).toBe('bullish');
    expect(tone('US crude inventories rise for a third week')).toBe('neutral');
  });

  it('a bare "weighs" is a hedge, the pressure reading needs "weighs on"', () => {
    expect(LEXICON.get('weighs')?.mod).toBe('hedge');
    expect(LEXICON.get('weighs on')?.senses?.[0]?.d).toBe(-1);
    const a = analyzeText('Israel weighs response to missile attack');
    expect(a.sentiment.label).toBe('negative');
    expect(a.oil_direction.label).toBe('bullish');
  });
});

describe('lexicon data: tone classes of issue 12 (coverage, idioms, relief, hedges, deals under way, the oil view)', () => {
  it('legal, regulatory and technical trouble the core lacked is bad news for the company named', () => {
    expect(tone('Shareholder files complaint against media group over buyback')).toBe('negative');
    expect(tone('Former bank trader convicted of rigging rates')).toBe('negative');
    expect(tone('Whistleblower says insurer hid claims data')).toBe('negative');
    expect(tone('Watchdog to investigate grocers over price rises')).toBe('negative');
    expect(tone('Glitch halts trading on Asian exchange')).toBe('negative');
    expect(tone('Carmaker finds defect in electric SUV battery packs')).toBe('negative');
    expect(tone('Hackers steal customer records from car dealer')).toBe('negative');
    expect(tone('Investors rattled by chipmaker profit slump')).toBe('negative');
    expect(tone('Bakery chain blamed for flour shortage')).toBe('negative');
    expect(tone('Jeweller announces 40 store closures')).toBe('negative');
    expect(tone('Cinema chain to close 30 sites')).toBe('negative');
    expect(tone('Toymaker pulls out of Chinese market')).toBe('negative');
    expect(tone('Airline furloughs cabin crew for winter')).toBe('negative');
    expect(tone('Property developer downgraded to junk')).toBe('negative');
    expect(tone('Airlines must cut emissions or face fines')).toBe('negative');
    expect(tone('Banker questioned by police over bonus scheme')).toBe('negative');
    // a court name and a report that "sheds light" carry no tone of their own
    expect(tone('Appeals court hears tobacco case')).toBe('neutral');
    expect(tone('Report sheds light on how banks set fees')).toBe('neutral');
    // the price of a project and the brand Axe are no distress
    expect(tone('Utility to build wind farm costing 2 billion euros')).toBe('neutral');
    expect(tone('Unilever sells Axe deodorant brand')).toBe('neutral');
    expect(tone('Americans less likely to buy new cars')).toBe('negative');
  });

  it('idioms read as wholes: deals struck, crowds pulled in, orders placed and tax cuts are good news', () => {
    expect(tone('Lessor and planemaker strike $3 billion order deal')).toBe('positive');
    expect(tone('New theme park pulls in crowds on opening weekend')).toBe('positive');
    expect(tone('Cargo airline places order for 20 freighters')).toBe('positive');
    expect(tone('Engineering group lands contract for metro line')).toBe('positive');
    expect(tone('Tax cuts lift retailers\' profits')).toBe('positive');
    expect(tone('Sneaker brand falls out of favour with teenagers')).toBe('negative');
    // "pulls" alone is still a withdrawal, and a labour strike still hurts
    expect(tone('Bank pulls out of coal financing deal')).toBe('negative');
    expect(tone('Dock workers strike at container port')).toBe('negative');
  });

  it('relief: a suit thrown out, charges cleared, a bankruptcy left, a strike held back are good news', () => {
    expect(tone('Retailer wins dismissal of shareholder lawsuit')).toBe('positive');
    expect(tone('Former chairman cleared of insider trading')).toBe('positive');
    expect(tone('Airline exits bankruptcy after two years')).toBe('positive');
    expect(tone('Streaming giant emerges unscathed from tax probe')).toBe('positive');
    expect(tone('Bank dodges fine over reporting failures')).toBe('positive');
    expect(tone('Pilots hold back on calling a strike')).toBe('positive');
    expect(tone('Review finds no evidence of fraud at lender')).toBe('positive');
    expect(tone('Tech group wins appeal against tax penalty')).toBe('positive');
    expect(tone('Class action against drugmaker dismissed by judge')).toBe('positive');
    expect(tone('Rail strike averted after last-minute deal')).toBe('positive');
    expect(tone('Union calls off strike at car plant')).toBe('positive');
    expect(tone('Government shutdown averted')).toBe('positive');
    // the negative without the relief stays negative, and a denial of allegations is no relief
    expect(tone('Investors flee emerging markets')).toBe('negative');
    expect(tone('Rail workers strike over pay')).toBe('negative');
    expect(tone('Retailer faces shareholder lawsuit')).toBe('negative');
    expect(tone('Bank denies allegations of money laundering')).toBe('negative');
  });

  it('hedges after or before an outcome negate it: a breakthrough seen slim is bad news', () => {
    expect(LEXICON.get('seen slim')?.mod).toBe('neg');
    expect(LEXICON.get('seen slim')?.scope).toBeLessThan(0);
    expect(tone('Prospects of breakthrough at climate summit seen slim')).toBe('negative');
    expect(tone('Deal on fishing rights remains elusive')).toBe('negative');
    expect(tone('Little hope of recovery for regional airports')).toBe('negative');
    expect(tone('Breakthrough at climate summit')).toBe('positive');
  });

  it('deals under way are neutral; the phrase keeps every field of "talks", and an agreed purchase stays positive', () => {
    const talks = LEXICON.get('talks');
    for (const w of ['talks to buy', 'talks to acquire', 'talks to settle']) {
      const e = LEXICON.get(w);
      expect(e?.mod, w).toBe('hedge');
      expect({ ...e, mod: undefined, mult: undefined }, w).toEqual({ ...talks, mod: undefined, mult: undefined });
    }
    expect(tone('Brewer in talks to buy craft beer maker')).toBe('neutral');
    expect(tone('Media group in talks to settle defamation lawsuit')).toBe('neutral');
    expect(tone('Buyout firm explores sale of ferry operator')).toBe('neutral');
    expect(tone('Brewer agrees to buy craft beer maker')).toBe('positive');
  });

  it('crude and its price are the oil view; "firm" the company noun has no tone; outbreak words are bad news, measures against them not', () => {
    expect(LEXICON.get('oil prices')?.cs).toBe(0);
    expect(LEXICON.get('oil prices')?.co).toBe(1);
    expect(tone('Saudi minister says world needs more oil')).toBe('neutral');
    expect(tone('Iran seeks high oil prices to fund budget')).toBe('neutral');
    expect(tone('Airlines hit by higher oil prices')).toBe('negative');
    expect(tone('Law firm names new chief executive')).toBe('neutral');
    expect(tone('Private equity firms explore buyout of ski resort operator')).toBe('neutral');
    expect(tone('Tech firms battle for cloud customers')).toBe('neutral');
    expect(tone('Coronavirus outbreak shuts car plants')).toBe('negative');
    expect(tone('Parliament approves pandemic relief for hotels')).toBe('positive');
    expect(tone('Coronavirus cases fall for fifth day in Spain')).toBe('positive');
    expect(tone('Hotel bookings recover to pre-pandemic levels')).toBe('positive');
  });
});
