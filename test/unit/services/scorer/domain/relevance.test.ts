import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { BANDS, compileRelevanceWords, MARKET_LEAD, RELEVANCE_CLASS, relevanceBand, relevanceClasses } from '../../../../../services/scorer/domain/relevance.ts';

const base = { priceReport: false, titleOil: 0, oil: 0, topics: [] as const, channel: false, entityWeight: 0, strength: 0 };

describe('relevance bands (docs/taxonomy.md)', () => {
  it('puts each kind of headline in its band', () => {
    expect(relevanceBand({ ...base, priceReport: true, titleOil: 2, oil: 2 })).toBeGreaterThanOrEqual(90);
    expect(relevanceBand({ ...base, topics: ['opec'], oil: 1 })).toBeGreaterThanOrEqual(85);
    const diplomacy = relevanceBand({ ...base, topics: ['mediation'], channel: true, entityWeight: 3, strength: 0.3 });
    expect(diplomacy).toBeGreaterThanOrEqual(60);
    expect(diplomacy).toBeLessThan(90);
    const macro = relevanceBand({ ...base, topics: ['macro'], strength: 0.2 });
    expect(macro).toBeGreaterThanOrEqual(30);
    expect(macro).toBeLessThan(60);
    expect(relevanceBand(base)).toBeLessThan(30);
  });

  it('scores Middle-East diplomacy without an oil word at 60-89, above the default alert threshold', () => {
    for (const t of ['Iran rejects US proposal for direct talks', 'Qatar says Gaza ceasefire talks at a critical stage', 'Israel and Hezbollah agree to US-brokered ceasefire']) {
      const r = analyzeText(t).relevance;
      expect(r, t).toBeGreaterThanOrEqual(60);
      expect(r, t).toBeLessThan(90);
    }
  });

  it('keeps general business news under 30 and oil-price compounds in the oil band', () => {
    expect(analyzeText('Disney merger talks with Comcast collapse over price').relevance).toBeLessThan(30);
    expect(analyzeText('G7 agrees $60 price cap on Russian oil').relevance).toBeGreaterThanOrEqual(85);
  });
});

describe('relevance bands, the place inside each band', () => {
  const band = (x: Partial<Parameters<typeof relevanceBand>[0]>) => relevanceBand({ ...base, ...x });

  it('keeps every band inside the range docs/taxonomy.md gives it', () => {
    // The taxonomy's ranges (90-100 price reports, 85-100 direct oil news, 60-89 geopolitics with an oil
    // channel and refined-fuel or pipeline supply news, 30-59 macro and energy-adjacent, 0-29 unrelated); a channel alone may reach the alert line, 60.
    const ranges: Record<keyof typeof BANDS, [number, number]> = {
      priceReport: [90, 100],
      directOil: [85, 100],
      geopoliticsWithChannel: [60, 89],
      fuelSupply: [60, 89],
      geopoliticsElsewhere: [30, 59],
      macroOrEnergy: [30, 59],
      channelOnly: [30, 60],
      unrelated: [0, 29],
    };
    expect(Object.keys(BANDS).sort()).toEqual(Object.keys(ranges).sort());
    for (const [name, { floor, span }] of Object.entries(BANDS) as [keyof typeof BANDS, { floor: number; span: number }][]) {
      const [lo, hi] = ranges[name];
      expect(floor, name).toBeGreaterThanOrEqual(lo);
      expect(floor + span, name).toBeLessThanOrEqual(hi);
      expect(span, name).toBeGreaterThan(0);
    }
  });

  it('places a price report by strength and geopolitics, strength held to 0..1', () => {
    expect(band({ priceReport: true })).toBe(94);
    expect(band({ priceReport: true, strength: 1 })).toBe(96);
    expect(band({ priceReport: true, strength: 5 })).toBe(96);
    expect(band({ priceReport: true, strength: -1 })).toBe(94);
    expect(band({ priceReport: true, topics: ['shipping'] })).toBe(96);
    expect(band({ priceReport: true, strength: 1, topics: new Set(['ceasefire'] as const) })).toBe(99);
  });

  it('reads crude in the title with a move, geopolitics or macro, products with a producer and a move, or OPEC and inventories, as direct oil news', () => {
    expect(band({ titleOil: 2, strength: 0.5 })).toBe(90);
    expect(band({ titleOil: 2, topics: ['macro'] })).toBe(89);
    expect(band({ titleOil: 2, topics: ['military'] })).toBe(93);
    expect(band({ titleOil: 2, strength: 1, topics: ['opec', 'sanctions'] })).toBe(97);
    expect(band({ titleOil: 1, strength: 0.5, producer: true })).toBe(87);
    expect(band({ topics: ['inventories'] })).toBe(85);
    expect(band({ topics: new Set(['opec'] as const) })).toBe(85);
    // Not direct: crude named with nothing else, products without a producer or without a move.
    expect(band({ titleOil: 2 })).toBe(0);
    expect(band({ titleOil: 1.9, strength: 0.5 })).toBe(3);
    expect(band({ titleOil: 1, strength: 0.5 })).toBe(3);
    expect(band({ titleOil: 1, producer: true })).toBe(0);
    expect(band({ titleOil: 0.9, strength: 0.5, producer: true })).toBe(3);
  });

  it('places geopolitics with an oil channel by strength, oil named, topics and entities, each part capped', () => {
    expect(band({ topics: ['mediation'], channel: true })).toBe(65);
    expect(band({ topics: ['mediation'], channel: true, producer: true })).toBe(72);
    expect(band({ topics: ['mediation'], oil: 1 })).toBe(76);
    expect(band({ topics: ['mediation', 'ceasefire'], oil: 0.5, entityWeight: 1, strength: 0.2 })).toBe(81);
    expect(band({ topics: ['mediation', 'ceasefire', 'sanctions', 'military'], channel: true, entityWeight: 10 })).toBe(73);
    expect(band({ topics: ['mediation', 'ceasefire', 'sanctions', 'military', 'shipping'], oil: 1, channel: true, entityWeight: 10, strength: 1 })).toBe(89);
  });

  it('places geopolitics elsewhere by strength and entities', () => {
    expect(band({ topics: ['military'] })).toBe(35);
    expect(band({ topics: ['military'], strength: 0.4, entityWeight: 2 })).toBe(43);
    expect(band({ topics: ['military'], strength: 1, entityWeight: 10 })).toBe(55);
    expect(band({ topics: ['military'], entityWeight: 10 })).toBe(45);
  });

  it('places macro, other energy and oil companies by what they are, oil words only in an oil story', () => {
    expect(band({ topics: ['macro'] })).toBe(34);
    expect(band({ topics: ['macro'], entityWeight: 10 })).toBe(34);
    // An oil-market word with a producer or party named is an oil word; alone it reads another market.
    expect(band({ oil: 0.5, channel: true })).toBe(39);
    expect(band({ oil: 0.5, strength: 1, entityWeight: 10, producer: true, titleOil: 0.5 })).toBe(46);
    expect(band({ oil: 0.5 })).toBe(0);
    expect(band({ oil: 0.5, strength: 1, entityWeight: 10 })).toBe(5);
    expect(band({ oilCompany: true, strength: 0.5, entityWeight: 1 })).toBe(50);
  });

  it('places a named channel alone, and unrelated news, by entities and strength', () => {
    expect(band({ channel: true })).toBe(40);
    expect(band({ channel: true, entityWeight: 3, strength: 0.5 })).toBe(49);
    expect(band({ channel: true, entityWeight: 20, strength: 1 })).toBe(60);
    // Unrelated news without a class of data/relevance.json: strength only, entities do not lift one company's news.
    expect(band({ entityWeight: 2, strength: 0.5 })).toBe(3);
    expect(band({ entityWeight: 10, strength: 1 })).toBe(5);
  });
});

// Headlines written for these tests (none taken from a data set). Each class of data/relevance.json
// is checked by its band and by its order against a neighbour class, with positive controls.
const rel = (t: string) => analyzeText(t).relevance;
const within = (t: string, lo: number, hi: number) => {
  const r = rel(t);
  expect(r, t).toBeGreaterThanOrEqual(lo);
  expect(r, t).toBeLessThanOrEqual(hi);
};

describe('relevance classes (services/scorer/data/relevance.json)', () => {
  it('reads the word classes of a title in one pass, phrases whole and at the end of the title too', () => {
    const mask = relevanceClasses(['european', 'stocks', 'slip', 'as', 'dollar', 'firms']);
    expect(mask & RELEVANCE_CLASS.marketWide).not.toBe(0);
    expect(mask & MARKET_LEAD).not.toBe(0);
    expect(mask & RELEVANCE_CLASS.currencies).not.toBe(0);
    expect(mask & RELEVANCE_CLASS.energy).toBe(0);
    expect(relevanceClasses(['prices', 'of', 'palm', 'oil']) & RELEVANCE_CLASS.notOil).not.toBe(0);
    expect(relevanceClasses(['palm', 'trees']) & RELEVANCE_CLASS.notOil).toBe(0);
    expect(relevanceClasses(['palm']) & RELEVANCE_CLASS.notOil).toBe(0);
    // A market named late in the title is not its subject.
    expect(relevanceClasses(['chipmaker', 'shares', 'beat', 'wall', 'street']) & MARKET_LEAD).toBe(0);
    const rules = compileRelevanceWords({ notOil: ['Snake Oil'], oilCompanies: [], energy: [], marketWide: [], transport: [], currencies: [], worldScale: [], publicAffairs: [], company: [], trade: [], economy: [], fuelBuyers: [], commodities: [], fuelSupply: [], supplyEvent: [], notEnergy: [], sanctionTargets: [], majorEconomies: [], publicAffairsEntities: [] });
    expect(relevanceClasses(['snake', 'oil', 'sellers'], rules)).toBe(RELEVANCE_CLASS.notOil);
  });

  it('another commodity or sense of "oil" and "crude" names no crude, while crude itself stays direct oil news', () => {
    within('Soybean oil futures climb on strong Chinese buying', 0, 29);
    within('Critics slam senator for crude remarks about farmers', 0, 29);
    within('Oil futures climb on strong Chinese buying', 90, 100);
  });

  it('an oil-market word with no crude, producer, topic or energy market named reads another market', () => {
    within('Shoe retailer clears inventory glut with deep discounts', 0, 29);
    within('Warehouse operator sees storage demand surge', 0, 29);
    // Positive control: the same kind of word beside a producer is oil news.
    expect(rel('Kuwait says crude exports unaffected by storm')).toBeGreaterThanOrEqual(85);
  });

  it('an oil company\'s corporate news is energy-adjacent, above the same news of another company', () => {
    within('Halliburton to cut 500 jobs in restructuring', 40, 59);
    within('Chevron shareholders approve takeover of oil producer', 40, 59);
    within('Kellogg to cut 500 jobs in restructuring', 0, 29);
  });

  it('energy markets other than crude (power, wind, refining) are energy-adjacent', () => {
    within('Offshore wind auction draws record bids in Denmark', 30, 59);
    within('Electricity prices spike in Texas heat wave', 30, 59);
    within('Refinery workers walk out at French plant', 30, 59);
    within('Sneaker brand opens flagship store in Milan', 0, 29);
  });

  it('macro news of the largest economies or the world sits above a smaller economy\'s, and a company\'s own results under a macro word at the bottom', () => {
    const fed = rel('Fed signals two more rate hikes this year');
    const world = rel('Global recession fears grow as China exports slump');
    const small = rel("Iceland's central bank raises rates");
    const company = rel('Toolmaker says tariffs will dent quarterly profit');
    for (const r of [fed, world, small, company]) {
      expect(r).toBeGreaterThanOrEqual(30);
      expect(r).toBeLessThan(60);
    }
    expect(fed).toBeGreaterThan(small);
    expect(world).toBeGreaterThan(small);
    expect(small).toBeGreaterThan(company);
  });

  it('a currency\'s move is macro even when no macro topic was gated', () => {
    within('Hungarian forint slides to record low', 30, 59);
    within('Sneaker brand says strong dollar hurt quarterly profit', 0, 29);
  });

  it('inside the unrelated band: whole markets, freight and other commodities above public affairs, those above one company\'s news', () => {
    const market = rel('European stocks close higher as banks rally');
    const freight = rel('Container shipping rates slide as port congestion eases');
    const copper = rel('Copper climbs to record as mine supply tightens');
    const politics = rel('Prime minister calls snap election after budget defeat');
    const airline = rel('Budget airline adds routes to Spain');
    const company = rel('Sneaker brand opens flagship store in Milan');
    for (const r of [market, freight, copper, politics, airline, company]) expect(r).toBeLessThan(30);
    expect(market).toBeGreaterThan(politics);
    expect(freight).toBeGreaterThan(politics);
    expect(copper).toBeGreaterThan(politics);
    expect(politics).toBeGreaterThan(company);
    expect(airline).toBeGreaterThan(company);
    // A company beating the market's estimates is its own news, not the market's.
    expect(rel('Chipmaker beats Wall Street estimates as AI demand booms')).toBeLessThan(market);
  });

  it('a producer itself in a conflict sits above a conflict with only a party named, both in 60-89', () => {
    const producer = rel("Israel strikes Iran's missile sites");
    const party = rel('Israel strikes Hezbollah targets in southern Lebanon');
    expect(producer).toBeGreaterThanOrEqual(60);
    expect(producer).toBeLessThan(90);
    expect(party).toBeGreaterThanOrEqual(60);
    expect(producer).toBeGreaterThan(party);
  });

  it('refined fuels, refineries and pipelines moving or disrupted are supply news (60-89), above other energy; a company\'s pipeline is not', () => {
    const fuel = ['Gasoline futures spike as Gulf Coast refinery goes offline after fire', 'Hackers force shutdown of major fuel pipeline in Midwest', 'Diesel prices surge as refinery strike drags on'];
    for (const t of fuel) within(t, 60, 89);
    expect(rel('Hackers force shutdown of major fuel pipeline in Midwest')).toBeGreaterThan(rel('Offshore wind auction draws record bids in Denmark'));
    within('Drugmaker shares jump as drug pipeline impresses analysts', 0, 29);
    within('Luxury brand flexes pricing power as sales jump', 0, 29);
    // A fuel word with no move or disruption stays energy-adjacent.
    within('Refiner names new chief financial officer', 30, 59);
  });

  it('tanker freight is oil shipping, dry-bulk and container freight another market', () => {
    within('Supertanker rates climb to two-year high on Gulf demand', 60, 89);
    within('Dry bulk freight rates hit two-year high', 30, 59);
    expect(rel('Supertanker rates climb to two-year high on Gulf demand')).toBeGreaterThan(rel('Dry bulk freight rates hit two-year high'));
  });

  it('a producer or party named with another energy word is that state\'s news (30-60), a company\'s port or a steelworks is not', () => {
    within('Iran says it will enrich uranium to higher purity', 40, 60);
    within('Smartphone maker adds faster charging port to new model', 0, 29);
  });

  it('sanctions on people, banks or firms with no oil named sit under a sanctions package on the same producer, both in 60-89', () => {
    const targeted = rel('Treasury sanctions Iranian officials over crackdown on protesters');
    const tycoons = rel('Britain sanctions Russian tycoons tied to Kremlin');
    const iranPackage = rel('EU adopts new sanctions package on Iran');
    const russiaPackage = rel('EU adopts new sanctions package against Russia');
    for (const r of [targeted, tycoons, iranPackage, russiaPackage]) {
      expect(r).toBeGreaterThanOrEqual(60);
      expect(r).toBeLessThan(90);
    }
    expect(iranPackage).toBeGreaterThan(targeted);
    expect(russiaPackage).toBeGreaterThan(tycoons);
  });

  it('a conflict far from oil supply with no producer named is geopolitics elsewhere (30-59); a producer beside it keeps the channel', () => {
    within('North Korea test-fires new missile into sea off its coast', 30, 59);
    within('Sudan army and rivals agree week-long truce in talks', 30, 59);
    within('Iran and Sudan restore diplomatic ties', 60, 89);
    within('Israel strikes Hezbollah targets in southern Lebanon', 60, 89);
  });

  it('fuel costs, fuel protests and power cuts are energy-adjacent; a market leading the title stays the market\'s news', () => {
    within('Truckers protest as fuel price hike takes effect', 30, 59);
    within('Ice storm leaves half a million without power', 30, 59);
    const market = rel('Nasdaq slides as utilities and banks weigh');
    expect(market).toBeLessThan(30);
    expect(market).toBeGreaterThan(rel('Sneaker brand opens flagship store in Milan'));
  });
});


// Word classes written here, one made-up word per class (its name in lower case), so tuning
// data/relevance.json does not move these tests; each band's place is checked exactly.
describe('relevance bands on word classes of their own', () => {
  const names = Object.keys(RELEVANCE_CLASS) as (keyof typeof RELEVANCE_CLASS)[];
  const rules = compileRelevanceWords({
    ...(Object.fromEntries(names.map((n) => [n, [n.toLowerCase()]])) as Record<keyof typeof RELEVANCE_CLASS, string[]>),
    majorEconomies: ['Bigland'],
    publicAffairsEntities: ['Senate'],
    remoteParties: ['Farland'],
  });
  const band = (x: Partial<Parameters<typeof relevanceBand>[0]>) => relevanceBand({ ...base, ...x }, rules);

  it('reads each class word as its own bit, a market word leading the title (first or second word) as MARKET_LEAD too', () => {
    for (const n of names) expect(relevanceClasses([n.toLowerCase()], rules) & ~MARKET_LEAD, n).toBe(RELEVANCE_CLASS[n]);
    expect(relevanceClasses(['energy'], rules)).toBe(RELEVANCE_CLASS.energy);
    expect(relevanceClasses(['marketwide'], rules)).toBe(RELEVANCE_CLASS.marketWide | MARKET_LEAD);
    expect(relevanceClasses(['the', 'marketwide'], rules)).toBe(RELEVANCE_CLASS.marketWide | MARKET_LEAD);
    expect(relevanceClasses(['the', 'big', 'marketwide'], rules)).toBe(RELEVANCE_CLASS.marketWide);
    expect(relevanceClasses(['the', 'big', 'marketwide', 'marketwide'], rules)).toBe(RELEVANCE_CLASS.marketWide);
    expect(relevanceClasses(['energy', 'unlisted', 'company'], rules)).toBe(RELEVANCE_CLASS.energy | RELEVANCE_CLASS.company);
  });

  it('compiles phrases case-blind and space-blind, skips an empty entry, and keeps every phrase under a shared first word', () => {
    const empty = Object.fromEntries(names.map((n) => [n, [] as string[]])) as Record<keyof typeof RELEVANCE_CLASS, string[]>;
    const r = compileRelevanceWords({ ...empty, transport: ['Dry  Bulk', ' '], commodities: ['dry goods'], energy: ['dry'], majorEconomies: [], publicAffairsEntities: [] });
    expect([...r.phrases.keys()]).toEqual(['dry']);
    expect(r.phrases.get('dry')).toHaveLength(3);
    expect(r.remoteParties.size).toBe(0);
    expect(relevanceClasses(['dry', 'bulk'], r)).toBe(RELEVANCE_CLASS.transport | RELEVANCE_CLASS.energy);
    expect(relevanceClasses(['the', 'dry', 'goods', 'rally'], r)).toBe(RELEVANCE_CLASS.commodities | RELEVANCE_CLASS.energy);
    // A phrase's first word alone at the end of the title is not the phrase.
    expect(relevanceClasses(['bulk', 'dry'], r)).toBe(RELEVANCE_CLASS.energy);
  });

  it('reads no crude in another sense of "oil", and takes crude from the caller\'s flag before the title\'s oil weight', () => {
    expect(band({ titleOil: 2, oil: 2, strength: 0.5 })).toBe(90);
    expect(band({ titleOil: 2, oil: 2, strength: 0.5, words: ['notoil'] })).toBe(3);
    expect(band({ titleOil: 1, strength: 0.5, producer: true, words: ['notoil'] })).toBe(3);
    expect(band({ crude: true, strength: 0.5 })).toBe(90);
    expect(band({ crude: false, titleOil: 2, strength: 0.5 })).toBe(3);
  });

  it('reads crude as direct oil news with geopolitics even in company news, with a move or a producer only outside it', () => {
    expect(band({ titleOil: 2, strength: 0.5, words: ['company'] })).toBe(3);
    expect(band({ titleOil: 2, topics: ['military'], words: ['company'] })).toBe(93);
    expect(band({ titleOil: 2, producer: true })).toBe(89);
    // Crude named with nothing else: an oil word, so energy-adjacent; in company news too.
    expect(band({ titleOil: 2, oil: 2 })).toBe(48);
    expect(band({ titleOil: 2, oil: 2, words: ['company'] })).toBe(48);
  });

  it('counts an oil word only in an oil story (a producer, a channel, another energy market), never in other freight', () => {
    expect(band({ oil: 0.5 })).toBe(0);
    expect(band({ oil: 0.5, producer: true })).toBe(39);
    expect(band({ oil: 0.5, words: ['energy'] })).toBe(39);
    expect(band({ words: ['energy'] })).toBe(35);
    // Dry-bulk or container freight: no oil word, unless a fuel, crude or a channel is named beside it.
    expect(band({ oil: 0.5, producer: true, words: ['transport'] })).toBe(23);
    expect(band({ oil: 0.5, producer: true, words: ['transport', 'fuelsupply'] })).toBe(39);
    expect(band({ crude: true, oil: 0.5, words: ['transport'] })).toBe(48);
    expect(band({ channel: true, oil: 0.5, words: ['transport'] })).toBe(39);
  });

  it('reads another energy market only when no metaphor of it is named and no market leads the title', () => {
    expect(band({ words: ['energy', 'notenergy'] })).toBe(0);
    expect(band({ words: ['marketwide', 'energy'] })).toBe(23);
    expect(band({ words: ['x', 'y', 'marketwide', 'energy'] })).toBe(35);
    expect(band({ words: ['energy'], strength: 1 })).toBe(42);
    expect(band({ words: ['oilcompanies'], strength: 0.5, entityWeight: 1 })).toBe(50);
  });

  it('keeps a channel that is only a remote conflict\'s party out of geopolitics with a channel, unless a producer, a conflict party, a channel word or oil is named', () => {
    expect(band({ topics: ['military'], channel: true })).toBe(65);
    expect(band({ topics: ['military'], channel: true, entities: ['Farland'] })).toBe(35);
    expect(band({ topics: ['military'], channel: true, entities: ['Farland', 'Iran'] })).toBe(65);
    expect(band({ topics: ['military'], channel: true, entities: ['Farland'], words: ['gaza'] })).toBe(65);
    expect(band({ topics: ['military'], channel: true, entities: ['Farland'], producer: true })).toBe(72);
    expect(band({ topics: ['military'], channel: true, entities: ['Farland'], oil: 1 })).toBe(76);
  });

  it('places sanctions on people or firms alone, with no oil named, by their entities only', () => {
    const x = { channel: true, entityWeight: 2, strength: 1, producer: true };
    expect(band({ ...x, topics: ['sanctions'], words: ['sanctiontargets'] })).toBe(67);
    expect(band({ ...x, topics: ['sanctions'], words: ['sanctiontargets'], entityWeight: 10 })).toBe(69);
    expect(band({ ...x, topics: ['sanctions'] })).toBe(83);
    expect(band({ ...x, topics: ['military'], words: ['sanctiontargets'] })).toBe(83);
    expect(band({ ...x, topics: ['sanctions', 'military'], words: ['sanctiontargets'] })).toBe(85);
    expect(band({ ...x, topics: ['sanctions'], words: ['sanctiontargets'], oil: 1 })).toBe(89);
  });

  it('places refined-fuel supply by its move or a supply event, a producer and geopolitics; not in company news or a metaphor', () => {
    expect(band({ words: ['fuelsupply'], strength: 1 })).toBe(72);
    expect(band({ words: ['fuelsupply'], strength: 1, producer: true })).toBe(77);
    expect(band({ words: ['fuelsupply'], strength: 1, topics: ['military'] })).toBe(75);
    expect(band({ words: ['fuelsupply', 'supplyevent'] })).toBe(65);
    expect(band({ words: ['fuelsupply'] })).toBe(0);
    expect(band({ words: ['fuelsupply', 'company'], strength: 1 })).toBe(5);
    expect(band({ words: ['fuelsupply', 'notenergy'], strength: 1 })).toBe(5);
  });

  it('places a channel alone only outside company, fuel buyers\' and macro news, or as public affairs inside company news', () => {
    expect(band({ channel: true })).toBe(40);
    expect(band({ channel: true, words: ['company'] })).toBe(0);
    expect(band({ channel: true, words: ['fuelbuyers'] })).toBe(14);
    expect(band({ channel: true, words: ['fuelbuyers'], entityWeight: 2 })).toBe(16);
    expect(band({ channel: true, companyNews: true })).toBe(0);
    expect(band({ channel: true, companyNews: true, entityWeight: 3, words: ['publicaffairs'] })).toBe(46);
    expect(band({ channel: true, companyNews: true, entities: ['Senate'] })).toBe(40);
    expect(band({ channel: true, companyNews: true, entityWeight: 3, strength: 0.5, words: ['publicaffairs'] })).toBe(49);
    expect(band({ channel: true, companyNews: true, words: ['publicaffairs', 'company'] })).toBe(0);
    expect(band({ channel: true, topics: ['macro'] })).toBe(34);
    expect(band({ channel: true, oilCompany: true })).toBe(46);
  });

  it('places macro by its scale (the world, a major economy, trade below the economy) and a company\'s own macro news at the bottom', () => {
    expect(band({ topics: ['macro'] })).toBe(34);
    expect(band({ topics: ['macro'], words: ['company'] })).toBe(30);
    expect(band({ topics: ['macro'], words: ['worldscale'] })).toBe(45);
    expect(band({ topics: ['macro'], entities: ['Bigland'] })).toBe(45);
    expect(band({ topics: ['macro'], words: ['worldscale', 'trade'] })).toBe(39);
    expect(band({ topics: ['macro'], words: ['worldscale', 'trade', 'economy'] })).toBe(45);
    // A currency named is macro without a topic, but not in company news.
    expect(band({ words: ['currencies'] })).toBe(31);
    expect(band({ words: ['currencies', 'company'] })).toBe(0);
  });

  it('places unrelated news: whole markets, freight and commodities, then transport, fuel buyers and public affairs, then the rest', () => {
    expect(band({ words: ['marketwide'] })).toBe(23);
    expect(band({ words: ['a', 'b', 'marketwide'] })).toBe(23);
    expect(band({ words: ['a', 'b', 'marketwide', 'company'] })).toBe(0);
    expect(band({ words: ['marketwide', 'company'] })).toBe(23);
    expect(band({ words: ['transport'] })).toBe(23);
    expect(band({ words: ['commodities'] })).toBe(23);
    expect(band({ words: ['commodities', 'company'] })).toBe(0);
    expect(band({ words: ['transport', 'company'] })).toBe(14);
    expect(band({ words: ['fuelbuyers'], entityWeight: 2 })).toBe(16);
    expect(band({ words: ['publicaffairs'] })).toBe(14);
    expect(band({ words: ['publicaffairs'], entityWeight: 10 })).toBe(19);
    expect(band({ entities: ['Senate'] })).toBe(14);
    expect(band({ words: ['publicaffairs', 'company'] })).toBe(0);
    expect(band({ strength: 0.5 })).toBe(3);
  });
});
