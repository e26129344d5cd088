import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { GATE_RULES, hasOilChannel, namesRegionConflict, namesSiteStrike } from '../../../../../services/scorer/domain/topic-gate.ts';
import { tokenize } from '../../../../../services/scorer/domain/text.ts';

// Headlines written for these tests; every expected label is read off docs/taxonomy.md by hand.

const words = (t: string): string[] => tokenize(t).low;

describe('what threatens a flow puts it at risk', () => {
  it('reads a threat to output, exports or a strait as less supply: bullish', () => {
    for (const t of [
      'Protests threaten Iraq oil exports',
      'Unrest threatens Libyan crude output',
      'Hurricane threatens US crude output',
      'Iran threatens Hormuz shipping',
      'Pipeline dispute threatens Kurdish oil exports',
    ]) {
      expect(analyzeText(t).oil_direction.label, t).toBe('bullish');
    }
  });

  it('still reads threatened sanctions and attacks as more of them', () => {
    for (const t of ['Trump threatens sanctions on Venezuela', 'Iran threatens to retaliate against Israeli strikes']) {
      expect(analyzeText(t).oil_direction.label, t).toBe('bullish');
    }
  });

  it('gives no oil direction to a threat to another commodity', () => {
    for (const t of ['Drought threatens wheat output in Argentina', 'Frost threatens Brazil coffee crop']) {
      const a = analyzeText(t);
      expect([a.oil_direction.label, a.topics], t).toEqual(['neutral', []]);
    }
  });
});

describe('a labour strike at an oil site is a supply outage with no topic', () => {
  it('finds a strike word together with an oil site named without the word oil', () => {
    expect(namesSiteStrike(words('Strike at Exxon refinery enters second week'), GATE_RULES)).toBe(true);
    expect(namesSiteStrike(words('Norwegian offshore workers begin strike'), GATE_RULES)).toBe(true);
    expect(namesSiteStrike(words('Walkout halts work at Kazakh oilfields'), GATE_RULES)).toBe(true);
    // A site without a strike, a strike without a site, "offshore" or "platform" alone.
    expect(namesSiteStrike(words('Refinery fire under control'), GATE_RULES)).toBe(false);
    expect(namesSiteStrike(words('Workers strike at car plant'), GATE_RULES)).toBe(false);
    expect(namesSiteStrike(words('Offshore wind workers strike in Scotland'), GATE_RULES)).toBe(false);
    expect(namesSiteStrike(words('Gig platform workers strike in Madrid'), GATE_RULES)).toBe(false);
  });

  it('reads the strike as bullish and its end as bearish, with no military topic', () => {
    for (const [t, dir] of [
      ['Strike at Exxon refinery in Texas enters second week', 'bullish'],
      ['Norwegian offshore workers begin strike, shutting platforms', 'bullish'],
      ['Oil workers strike in Norway threatens North Sea output', 'bullish'],
      ['Nigerian oil union starts nationwide strike', 'bullish'],
      ['Strike at Shell refinery in Rotterdam ends', 'bearish'],
      ['French refinery strike called off after pay offer', 'bearish'],
    ] as const) {
      const a = analyzeText(t);
      expect([a.oil_direction.label, a.topics], t).toEqual([dir, []]);
      expect(a.sentiment.label, t).toBe(dir === 'bullish' ? 'negative' : 'positive');
      expect(a.relevance, t).toBeGreaterThanOrEqual(60);
    }
  });

  it('reads strikers at an oil site back at work as supply restored: bearish, good news', () => {
    for (const t of ['Striking refinery workers return to work in France', 'Norwegian offshore workers return to work after strike', 'Nigerian oil workers back to work as union suspends strike']) {
      const a = analyzeText(t);
      expect([a.oil_direction.label, a.sentiment.label, a.topics], t).toEqual(['bearish', 'positive', []]);
    }
    for (const t of ['Teachers return to work after strike', 'Employees return to work after lockdown ends']) {
      expect(analyzeText(t).oil_direction.label, t).toBe('neutral');
    }
  });

  it('keeps strikes elsewhere labour news with no oil direction', () => {
    for (const t of [
      'Workers strike at car plant',
      'Teachers strike over pay in Chicago',
      'Offshore wind workers strike in Scotland',
      'Gig platform workers strike in Madrid',
      'Warehouse workers strike at Amazon site in Germany',
    ]) {
      const a = analyzeText(t);
      expect([a.oil_direction.label, a.topics], t).toEqual(['neutral', []]);
      expect(a.relevance, t).toBeLessThan(60);
    }
  });
});

describe('an armed attack on a plant is military, a walkout at one is not', () => {
  it('reads an armed actor or weapon striking, hitting or bombing an energy plant as military, bullish, 60-89 or above', () => {
    for (const t of [
      'Yemen rebels strike Saudi Aramco plant',
      'Houthi drones strike Aramco processing plant in Abqaiq',
      'Ukrainian drones hit Russian oil processing plant',
      'Rebels bomb gas processing plant in northern Iraq',
      'Israeli jets bomb Iranian petrochemical plant',
      'Missiles hit Iraqi power plant near Basra',
    ]) {
      const a = analyzeText(t);
      expect([a.topics, a.oil_direction.label, a.sentiment.label], t).toEqual([['military'], 'bullish', 'negative']);
      expect(a.relevance, t).toBeGreaterThanOrEqual(60);
    }
  });

  it('keeps labour strikes, accidents and cyber attacks at plants free of the military topic', () => {
    for (const t of [
      'Workers strike at car plant',
      'Union calls strike at GM plant in Michigan',
      'Staff at Aramco plant go on strike over bonuses',
      'Lightning strike sparks fire at chemical plant',
      'Gas leak at fertiliser plant kills 11',
      'Fire at Texas chemical plant forces evacuation',
      'Car plant hit by cyberattack halts output',
      'Factory workers strike in Bangladesh over wages',
    ]) {
      expect(analyzeText(t).topics, t).toEqual([]);
    }
  });

  it('gives a company halting or closing its own plant in a producer country no oil direction', () => {
    for (const t of ['Kellogg halts Venezuela cereal plant over shortages', 'Carmaker suspends Nigeria assembly plant', 'Brewer closes Russian factory amid weak sales']) {
      const a = analyzeText(t);
      expect([a.oil_direction.label, a.topics], t).toEqual(['neutral', []]);
      expect(a.relevance, t).toBeLessThan(30);
    }
  });

  it('keeps opening a plant good news for the company', () => {
    for (const t of ['Electric car maker to open second European factory', 'Tesla opens Berlin factory']) {
      const a = analyzeText(t);
      expect([a.sentiment.label, a.oil_direction.label, a.topics], t).toEqual(['positive', 'neutral', []]);
    }
  });
});

describe('a seized or hijacked ship is shipping news whatever it carries', () => {
  it('gives a ship, vessel or carrier seized, hijacked or detained the shipping topic', () => {
    for (const t of [
      'Pirates hijack cargo ship off Somalia',
      'Somali pirates seize bulk carrier in Gulf of Aden',
      'Armed men board and seize cargo vessel off Nigeria',
      'Greek-owned bulk carrier seized by Houthis',
      'Indian navy frees hijacked ship from pirates',
    ]) {
      expect(analyzeText(t).topics, t).toContain('shipping');
    }
  });

  it('reads a seizure by state forces as military too, bullish with an oil channel', () => {
    for (const t of ['Iran seizes foreign ship in Gulf', 'Iranian navy seizes container ship near Hormuz', 'Houthis hijack car carrier in Red Sea', 'Russian forces seize Ukrainian vessels in Kerch Strait']) {
      const a = analyzeText(t);
      expect(a.topics, t).toEqual(['military', 'shipping']);
      expect(a.oil_direction.label, t).toBe('bullish');
      expect(a.relevance, t).toBeGreaterThanOrEqual(60);
    }
  });

  it('gives a hijacking far from an oil channel no oil direction', () => {
    for (const t of ['Pirates hijack cargo ship off Somalia', 'Somali pirates hijack fishing vessel']) {
      const a = analyzeText(t);
      expect([a.oil_direction.label, a.oil_direction.strength], t).toEqual(['neutral', 0]);
      expect(a.relevance, t).toBeLessThan(60);
    }
  });

  it('keeps police, customs, court and hacker seizures free of shipping and military', () => {
    for (const t of [
      'Police seize cocaine hidden in cargo ship',
      'Customs officers seize counterfeit goods at port',
      'Court orders seizure of cargo ship over unpaid debts',
      'Hackers hijack shipping company website',
      'Thieves hijack cargo truck in Mexico',
      'Hijacked: how a startup took over the cargo shipping market',
    ]) {
      expect(analyzeText(t).topics, t).toEqual([]);
    }
  });
});

describe('tension, attacks or conflict in the Middle East or the Gulf are an oil-region context', () => {
  it('finds the region named with a word of tension, attack or conflict, not the region alone', () => {
    expect(namesRegionConflict(words('Mideast conflict widens'), [], GATE_RULES)).toBe(true);
    expect(namesRegionConflict(words('Gulf tensions rise after tanker attacks'), [], GATE_RULES)).toBe(true);
    expect(namesRegionConflict(words('Escalation in the Middle East rattles markets'), [], GATE_RULES)).toBe(true);
    expect(namesRegionConflict(words('HSBC names new Middle East head'), [], GATE_RULES)).toBe(false);
    expect(namesRegionConflict(words('Gulf of Mexico oil platforms evacuated after attack'), ['Gulf of Mexico'], GATE_RULES)).toBe(false);
    expect(namesRegionConflict(words('Price war among Gulf airlines hurts profits'), [], GATE_RULES)).toBe(false);
    // A named gulf or a name is another place: "Gulf of Guinea", "Gulf Air".
    expect(namesRegionConflict(words('Gulf of Guinea piracy attacks rise'), [], GATE_RULES)).toBe(false);
    expect(namesRegionConflict(words('Gulf Air cancels flights after attacks'), [], GATE_RULES)).toBe(false);
    expect(namesRegionConflict(words('Attacks in the Gulf rattle shippers'), [], GATE_RULES)).toBe(true);
    expect(namesRegionConflict(words('Middle East banks face cyber attacks'), [], GATE_RULES)).toBe(false);
  });

  it('gives such news, even a carrier or a market story with no topic, a bullish reading at 60-89', () => {
    for (const t of [
      'Airlines reroute flights as Middle East tensions escalate',
      'Escalation in the Middle East rattles markets',
      'Hotel bookings slump across the Middle East as conflict spreads',
      'Emirates cancels flights as Middle East airspace closes after strikes',
      'Regional airlines suspend Gulf routes as tensions escalate',
      'Travel firms cancel Mideast tours as conflict spreads',
    ]) {
      const a = analyzeText(t);
      expect(a.oil_direction.label, t).toBe('bullish');
      expect(a.sentiment.label, t).toBe('negative');
      expect(a.relevance, t).toBeGreaterThanOrEqual(60);
      expect(a.relevance, t).toBeLessThan(90);
    }
  });

  it('makes the region a party to an armed conflict named there (military), but not to tension alone', () => {
    for (const t of ['Middle East conflict threatens supply, IEA warns', 'Fighting in the Middle East spreads to shipping lanes', 'Mideast war fears grip traders as attacks spread']) {
      expect(analyzeText(t).topics, t).toContain('military');
    }
    for (const t of ['Airlines reroute flights as Middle East tensions escalate', 'Oil rises as Middle East tensions mount']) {
      expect(analyzeText(t).topics, t).not.toContain('military');
    }
  });

  it('reads an armed event in the region as having an oil channel: a deployment there is bullish, 60-89', () => {
    for (const t of ['US deploys second aircraft carrier to Middle East', 'Navy drills in the Gulf rattle shippers']) {
      const a = analyzeText(t);
      expect([a.topics.includes('military'), a.oil_direction.label], t).toEqual([true, 'bullish']);
      expect(a.relevance, t).toBeGreaterThanOrEqual(60);
      expect(a.relevance, t).toBeLessThan(90);
    }
  });

  it('reads an escalation judged unlikely as de-escalation', () => {
    const a = analyzeText('Military escalation in the Gulf seen as unlikely');
    expect(a.oil_direction.label).toBe('bearish');
  });

  it('keeps company news of a Middle East firm unrelated and oil-neutral', () => {
    for (const t of [
      'Careem, the Middle East ride-hailing app, raises $400 million',
      'Uber to buy Middle East rival Careem for $3.1 billion',
      'Amazon launches Middle East marketplace',
      'Middle East fintech startups raise record funding',
      'HSBC names new Middle East head',
      'Gulf Air appoints new chief executive',
    ]) {
      const a = analyzeText(t);
      expect([a.oil_direction.label, a.topics], t).toEqual(['neutral', []]);
      expect(a.relevance, t).toBeLessThan(30);
    }
  });

  it('keeps metaphors and history with the region out of it', () => {
    for (const t of ['Price war among Gulf airlines hurts profits', 'Talent war heats up in Gulf tech sector', 'Middle East banks face cyber attacks', 'Gulf War veterans sue over burn pits']) {
      const a = analyzeText(t);
      expect([a.oil_direction.label, a.topics], t).toEqual(['neutral', []]);
      expect(a.relevance, t).toBeLessThan(60);
    }
  });
});

describe('an oil phrase names crude as the word alone does', () => {
  it('puts supply, stocks and prices named with oil or crude in the direct oil band (docs/taxonomy.md: 90-100)', () => {
    for (const t of [
      'Storm threatens Gulf of Mexico oil production',
      'Hurricane shuts Gulf of Mexico oil production',
      'Oil supply disruption fears ease after talks in Oman',
    ]) {
      expect(analyzeText(t).relevance, t).toBeGreaterThanOrEqual(90);
    }
  });

  it('leaves an oil company or its people in a deal of its own under the oil channel line', () => {
    for (const t of ['Oil major signs deal to build petrochemical complex', "Aramco is world's most profitable oil company"]) {
      expect(analyzeText(t).relevance, t).toBeLessThan(60);
    }
  });
});

describe('a crude phrase is an oil channel of its own', () => {
  it('gives supply news that names crude in a phrase its direction with no producer or topic', () => {
    expect(analyzeText('Guyana doubles oil production').oil_direction.label).toBe('bearish');
    expect(analyzeText('Cold snap knocks out Texas oil production').oil_direction.label).toBe('bullish');
  });

  it('reads shale output as the US tight-oil supply: direct oil news with a direction, and shale gas as gas', () => {
    for (const t of ['Shale output to rise', 'U.S. shale production climbs']) {
      const a = analyzeText(t);
      expect(a.oil_direction.label, t).toBe('bearish');
      expect(a.relevance, t).toBeGreaterThanOrEqual(90);
    }
    const gas = analyzeText('US shale gas output rises');
    expect(gas.oil_direction.label).toBe('neutral');
    expect(gas.relevance).toBeLessThan(90);
  });

  it('reads a phrase whose crude word is qualified by the word before it as another oil', () => {
    const a = analyzeText('Heating oil futures jump on cold snap');
    expect(a.oil_direction.label).toBe('neutral');
    expect(a.relevance).toBeLessThan(90);
  });
});

describe('piracy is a crime at sea: shipping, not military', () => {
  const read = (t: string) => {
    const a = analyzeText(t);
    return { topics: a.topics, oil: a.oil_direction.label };
  };

  it('gives pirates who seize, hijack or attack a ship the shipping topic alone', () => {
    expect(read('Pirates hijack bulk carrier off Somalia')).toEqual({ topics: ['shipping'], oil: 'neutral' });
    expect(read('Pirates seize cargo ship off Gulf of Guinea')).toEqual({ topics: ['shipping'], oil: 'neutral' });
    expect(read('Pirates attack oil tanker off Nigeria').topics).toEqual(['shipping']);
  });

  it('keeps the military topic when state forces act against them', () => {
    expect(read('Navy frigate fires on pirates attacking tanker off Somalia').topics).toContain('military');
  });

  it('reads a named gulf as no oil region: "Gulf of Guinea" is not the Gulf', () => {
    expect(hasOilChannel(words('Cargo ship seized in Gulf of Guinea'), [])).toBe(false);
    expect(hasOilChannel(words('Cargo ship seized in the Gulf'), [])).toBe(true);
  });
});
