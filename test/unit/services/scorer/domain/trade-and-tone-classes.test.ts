import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { namesCompanyShares, namesTrade, tradeAtWorldScale } from '../../../../../services/scorer/domain/topic-gate.ts';

// Classes of error found on real business news (docs/scorer.md, the direction and tone rule
// tables); every headline here is written for the test, none is taken from a data set.
const dir = (t: string) => analyzeText(t).oil_direction.label;

describe('a trade dispute moves crude only as a world demand shock (docs/taxonomy.md)', () => {
  it('gives no direction to tariffs between one of the largest economies and a smaller partner', () => {
    for (const t of ['Canada slaps tariffs on US-made boats and whiskey', 'India cuts import duties on American almonds', 'South Korea wins tariff exemption from Washington on washing machines']) expect(dir(t), t).toBe('neutral');
  });

  it('keeps the direction of a trade war between two of the largest economies, and of a world-scale one', () => {
    expect(dir('Washington raises tariffs on $200 billion of Chinese goods')).toBe('bearish');
    expect(dir('Beijing and Washington agree to roll back tariffs')).toBe('bullish');
    expect(dir('EU and Washington agree to scrap tariffs on industrial goods')).toBe('bullish');
    expect(dir('Global stocks tumble as tariff war widens')).toBe('bearish');
  });

  it('tells a trade headline and its scale from the words and the named powers', () => {
    expect(namesTrade(['canada', 'slaps', 'tariffs', 'on', 'boats'])).toBe(true);
    expect(namesTrade(['canada', 'wins', 'hockey', 'final'])).toBe(false);
    expect(tradeAtWorldScale(['tariffs', 'on', 'boats'], ['Canada', 'United States'])).toBe(false);
    expect(tradeAtWorldScale(['tariffs', 'on', 'soybeans'], ['Donald Trump', 'China'])).toBe(true);
    expect(tradeAtWorldScale(['tariffs', 'on', 'soybeans'], ['China'])).toBe(false);
    expect(tradeAtWorldScale(['tariffs', 'on', 'soybeans'], ['China', 'Xi Jinping'])).toBe(false);
    expect(tradeAtWorldScale(['tariffs', 'on', 'cheese'], ['Japan', 'European Union'])).toBe(true);
    expect(tradeAtWorldScale(['sweeping', 'tariffs'], [])).toBe(true);
  });
});

describe('tone words the core lexicon lacked', () => {
  const tone = (t: string) => analyzeText(t).sentiment.label;

  it('reads sagging, skidding and lagging as a fall of the subject before them', () => {
    for (const t of ['Car sales sag in the euro zone', 'Retailer shares skid after weak holiday season', 'Shipbuilder lagging behind on orders', 'Factory orders slacken in November']) expect(tone(t), t).toBe('negative');
    // Bound to something bad, a fall is good news.
    expect(tone('Unemployment claims sag to four-month low')).not.toBe('negative');
  });

  it('reads a sizzling economy or market as a strong rise', () => {
    expect(tone('Housing market sizzles as buyers return')).toBe('positive');
  });

  it('reads retrenching, wrecks, fretting investors, hurdles, ousters and sentences as bad news', () => {
    for (const t of ['Telecom group retrenches in Europe', 'Freight train collision halts coal deliveries', 'Investors fret over carmaker debt pile', 'Merger faces regulatory hurdles', 'Bank chairman ousted after audit', 'Former fund manager sentenced to eight years', 'Bulk carrier runs aground off Chile']) expect(tone(t), t).toBe('negative');
  });

  it('reads "not out of the woods" as bad news and "out of the woods" as relief', () => {
    expect(tone('Airline not out of the woods yet, analysts say')).toBe('negative');
    expect(tone('Carmaker out of the woods after bond sale')).toBe('positive');
  });
});

describe("an oil company's deals are corporate, not conflict diplomacy", () => {
  it('gives no de-escalation reading to the deals, bids and contract talks of a national oil company', () => {
    for (const t of ['ADNOC to sign nine deals worth $20 billion', 'Aramco signs partnership deals with Korean firms', 'NIOC and foreign partners hold talks on new contracts']) expect(dir(t), t).toBe('neutral');
  });

  it('keeps the reading of a deal with a conflict topic, with or without a company', () => {
    expect(dir('Aramco welcomes Gaza ceasefire deal')).toBe('bearish');
    expect(dir('Iran and US hold constructive talks in Oman')).toBe('bearish');
  });
});

describe('remedies and forecasts in company and market news', () => {
  const tone = (t: string) => analyzeText(t).sentiment.label;

  it('reads a step taken against a problem as a plain fact, and the problem alone as bad news', () => {
    for (const t of ['Airline seeks to counter pilot shortages', 'Central bank moves to soothe bond market nerves', 'Retailer names new boss to steer it through slump', 'City launches scheme to tackle housing shortage']) expect(tone(t), t).toBe('neutral');
    expect(tone('Airline hit by pilot shortages')).toBe('negative');
    expect(tone('Insurer faces fraud probe')).toBe('negative');
  });

  it('damps an outcome only forecast as likely', () => {
    const s = (t: string) => Math.abs(analyzeText(t).evidence.sentiment);
    expect(s('Quarterly figures likely to reveal tariff fallout')).toBeLessThan(s('Quarterly figures to reveal tariff fallout'));
    expect(s('Court seen likely to reject appeal')).toBeLessThan(s('Court to reject appeal'));
  });
});

describe("a company's or a sector's shares are company news", () => {
  it('gives no oil direction to one company or sector moving on macro news', () => {
    for (const t of ['Chipmaker shares slide as recession fears grow', 'Steel stocks rally as Fed signals rate cuts']) expect(dir(t), t).toBe('neutral');
  });

  it("keeps the macro reading of the market's stocks", () => {
    expect(dir('Global stocks slide as recession fears grow')).toBe('bearish');
    expect(dir('Asian shares tumble on growth worries')).toBe('bearish');
    expect(dir('Fed signals rate cuts; stocks rally')).toBe('bullish');
  });

  it('tells a named holding from the market by the word before the stock word', () => {
    expect(namesCompanyShares(['chipmaker', 'shares', 'slide'])).toBe(true);
    expect(namesCompanyShares(['global', 'stocks', 'slide'])).toBe(false);
    expect(namesCompanyShares(['stocks', 'slide'])).toBe(false);
    expect(namesCompanyShares(['cuts', ';', 'stocks', 'rally'])).toBe(false);
  });
});

describe('diplomacy under way is neutral in tone', () => {
  const tone = (t: string) => analyzeText(t).sentiment.label;

  it('reads a mediator or negotiators named or on the way as a plain fact', () => {
    for (const t of ['Norway mediates between rival Sudanese factions', 'Kenya hosts rebel and government negotiators', 'Swiss mediator arrives in Caracas']) expect(tone(t), t).toBe('neutral');
  });

  it('keeps the tone of an agreement or a breakdown', () => {
    expect(tone('Rebels and army agree ceasefire after mediation')).toBe('positive');
    expect(tone('Mediated talks between rebels and army collapse')).toBe('negative');
  });
});

describe("OPEC's output policy is the oil view, not a tone", () => {
  const tone = (t: string) => analyzeText(t).sentiment.label;

  it('reads an agreed output change as a plain fact', () => {
    expect(tone('OPEC+ agrees to lift output by 300,000 bpd')).toBe('neutral');
    expect(tone('OPEC+ extends output cuts to end of next year')).toBe('neutral');
  });

  it('keeps the tone of talks that collapse and of an attack on a member', () => {
    expect(tone('OPEC+ talks collapse in acrimony')).toBe('negative');
    expect(tone("Drone attack hits OPEC member's oil field")).toBe('negative');
  });
});
