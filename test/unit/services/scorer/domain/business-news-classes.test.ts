import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';

// Classes of error found on general business news (docs/scorer.md, "real-data estimate"); every
// headline here is written for the test, none is taken from a data set.
const tone = (t: string) => analyzeText(t).sentiment.label;

describe('tone of general business news', () => {
  it('reads legal trouble for a company or its people as bad news', () => {
    for (const t of ['Regulator subpoenas carmaker over battery claims', 'Prosecutors issue arrest warrant for former bank chief', 'Investors file class action against drugmaker', 'Retailer loses case against former supplier', 'Broker pays $40 million over misleading investors']) expect(tone(t), t).toBe('negative');
  });

  it('reads a fine that is suspended or overturned as relief, and the fine alone as bad news', () => {
    expect(tone('Appeals court overturns fine on telecom operator')).toBe('positive');
    expect(tone('Tribunal suspends fine on airline over fare rules')).toBe('positive');
    expect(tone('Watchdog fines airline over fare rules')).toBe('negative');
  });

  it('binds ebbing to the quantity before it and reads worsening alone as bad news', () => {
    expect(tone('Stocks climb as recession fears ebb')).toBe('positive');
    expect(tone('Business confidence ebbs in March')).toBe('negative');
    expect(tone("Founder's health worsens, company says")).toBe('negative');
  });

  it('reads an appointment as a plain fact and a hiring drive by the workforce it hires', () => {
    expect(tone('Airline hires former banker as chief executive')).toBe('neutral');
    expect(tone('Retailer to hire 20,000 seasonal workers')).toBe('positive');
    expect(tone('Insurer cuts 300 staff')).toBe('negative');
  });

  it('does not read the form of a takeover bid as a threat', () => {
    expect(tone('Engineering group launches hostile bid for rival')).not.toBe('negative');
  });
});

describe('oil direction of macro news', () => {
  const dir = (t: string) => analyzeText(t).oil_direction.label;

  it('moves crude with the tone of macro news that names a demand channel', () => {
    expect(dir('Global growth fears deepen as factory output slumps')).toBe('bearish');
    expect(dir('US consumer spending surges, jobs market robust')).toBe('bullish');
  });

  it('gives no direction to statements about a trade dispute that name no demand channel', () => {
    for (const t of ['Minister says new tariffs are a mistake', 'Carmaker warns trade war could hit its results']) expect(dir(t), t).toBe('neutral');
  });
});

describe('trade diplomacy', () => {
  const read = (t: string) => {
    const a = analyzeText(t);
    return [a.oil_direction.label, a.sentiment.label];
  };

  it('does not read trade talks and deals as the de-escalation of a conflict', () => {
    expect(analyzeText('Canada says trade talks with Washington remain constructive').oil_direction.label).toBe('neutral');
    expect(read('Brussels and Tokyo reach deal to lower tariffs on cars')).toEqual(['bullish', 'positive']);
    // With a party to a conflict the same words are conflict diplomacy.
    expect(analyzeText('Iran and US hold constructive talks in Oman').oil_direction.label).toBe('bearish');
  });

  it("reads a company weighing a trade dispute's cost as company news, and keeps the topic for the market and for other macro words", () => {
    for (const t of ['Carmaker cuts profit forecast on tariff costs', "Chipmaker's shares slide on trade war jitters"]) expect(analyzeText(t).topics, t).toEqual([]);
    for (const t of ['Global stocks slide on trade war fears', 'Carmaker cuts profit forecast as trade war hits global growth', 'China retaliates with tariffs on US goods']) {
      expect(analyzeText(t).topics, t).toEqual(['macro']);
    }
  });

  it('reads retaliation in a trade war between the largest economies as escalation (bearish), and an armed retaliation by its weapons', () => {
    for (const t of ['China announces retaliatory tariffs on U.S. goods', 'Beijing will respond to new U.S. tariffs', 'EU nations back retaliating against U.S. steel tariffs']) {
      expect(read(t)[0], t).toBe('bearish');
    }
    expect(read('Canada announces retaliatory tariffs on U.S. goods')[0]).toBe('neutral');
    expect(read('Iran vows to respond to U.S. strike')[0]).toBe('bullish');
    expect(read('Company hits back at short seller')[0]).toBe('neutral');
  });

  it('lets the last verb of a chain act on the object ("agree to cut tariffs")', () => {
    expect(read('Brussels and Tokyo agree to cut tariffs after talks')).toEqual(['bullish', 'positive']);
  });
});

describe('price reports', () => {
  it('does not read an oil price that is another subject\'s cause as a price report', () => {
    for (const t of ['Refiner profit beats estimates on rising oil prices', 'Airline shares slide on surging crude prices']) expect(analyzeText(t).price_report, t).toBe(false);
    expect(analyzeText('Rising oil prices lift energy shares').price_report).toBe(true);
  });
});

describe('relevance of company news that names a producer', () => {
  it('keeps a producer named in a company\'s own news in the unrelated band, and the producer alone above it', () => {
    expect(analyzeText("Russia's consumer agency announces recall of 2,000 German cars").relevance).toBeLessThan(30);
    expect(analyzeText('Saudi crown prince meets French president in Paris').relevance).toBeGreaterThanOrEqual(40);
  });

  it("keeps a company's office, stores, tycoons or bribery case in a producer country in the unrelated band", () => {
    for (const t of ['Bank opens Abu Dhabi office, eyes regional growth', 'Russian tycoon arrested on embezzlement charges', 'Telecom maker to pay $200 million over Iraq bribery probe']) {
      expect(analyzeText(t).relevance, t).toBeLessThan(30);
    }
  });

  it("places a producer's gas news with other energy (30-59) and its refined-fuel supply with direct oil", () => {
    for (const t of ['Aramco opens new gas plant', 'Aramco raises gas output', 'Qatar Petroleum starts up new gas project']) {
      const r = analyzeText(t).relevance;
      expect(r, t).toBeGreaterThanOrEqual(30);
      expect(r, t).toBeLessThan(60);
    }
    expect(analyzeText('Saudi Arabia boosts fuel exports').relevance).toBeGreaterThanOrEqual(85);
  });
});

describe('an oil direction needs an oil channel', () => {
  const dir = (t: string) => analyzeText(t).oil_direction.label;

  it('gives no direction to an oil-market word that reads another market, without crude, a producer or a topic', () => {
    for (const t of ['Supermarket chains start price war in Texas cities', 'Copper hits record on supply worries', 'Hurricane heads for Florida coast', 'Protesters storm parliament in Nairobi']) expect(dir(t), t).toBe('neutral');
    // With a producer or crude itself the same words are oil news.
    expect(dir('Russia and Saudi Arabia start price war')).toBe('bearish');
    expect(dir('Hurricane shuts Gulf of Mexico oil platforms')).toBe('bullish');
  });

  it('gives no direction to a producer named without a topic or an oil word', () => {
    expect(dir('Flood kills hundreds in northern Syria')).toBe('neutral');
  });

  it('never moves crude with a company\'s own results, unless a topic other than macro gives them a channel', () => {
    expect(dir('Bank earnings slump as economy cools')).toBe('neutral');
    expect(dir('Global recession fears deepen as factory output slumps')).toBe('bearish');
    expect(dir('Refiner posts record profit as OPEC cuts bite')).toBe('bullish');
  });
});

describe('state sanctions on a target the gazetteer does not know', () => {
  it("tags a state's or a bloc's sanctions with a word of their aim or step as sanctions", () => {
    for (const t of ['U.S. sanctions on shipping tycoon leave assets frozen', 'EU imposes sanctions on six officials', 'UK slaps sanctions on mining magnate']) {
      expect(analyzeText(t).topics, t).toContain('sanctions');
    }
  });

  it("leaves a regulator's, a court's or a league's sanctions and a state's product ban without the topic", () => {
    for (const t of ['US regulator sanctions bank over money laundering', 'U.S. court sanctions lawyers in patent case', 'UK bans new petrol cars from 2030']) {
      expect(analyzeText(t).topics, t).not.toContain('sanctions');
    }
  });
});
