import { beforeEach, describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { compileGateRules, gateTopics, hasOilChannel, namesCompanyNews, namesCompanyResults, namesCompanyShares, namesDemandChannel, namesTrade, readSense, readWordBits, tradeAtWorldScale, WORD_LIST } from '../../../../../services/scorer/domain/topic-gate.ts';

const topics = (t: string) => analyzeText(t).topics;

describe('topic gating (docs/taxonomy.md)', () => {
  it('reads mediation only in a conflict or nuclear context, not in merger, trade, labour or debt talks', () => {
    expect(topics('Iran and US to hold indirect nuclear talks in Oman')).toContain('mediation');
    expect(topics('Qatar says Gaza ceasefire talks at a critical stage')).toEqual(expect.arrayContaining(['ceasefire', 'mediation']));
    for (const t of ['Disney merger talks with Comcast collapse over price', 'Union and automaker resume contract talks as strike deadline looms', 'Greece and creditors resume debt talks in Brussels', 'US and China resume trade talks in Beijing', 'Hollywood writers end strike after reaching deal with studios']) {
      expect(topics(t), t).not.toContain('mediation');
    }
  });

  it('does not read metaphors, labour strikes or cyber crime as military', () => {
    for (const t of ['Uber and Lyft locked in price war in key US cities', 'Bidding war erupts for British pub chain', 'Microsoft launches charm offensive in Brussels over cloud deal', 'Coronavirus crisis hits airline bookings', 'German train drivers strike for third time', 'Ransomware attack hits British Library', 'Carlsberg strikes deal to buy Britvic']) {
      expect(topics(t), t).not.toContain('military');
    }
    for (const t of ['Houthis attack commercial ship in Red Sea', 'Israel strikes military sites in Iran', 'Ukraine strikes Russian oil refinery with drones']) expect(topics(t), t).toContain('military');
  });

  it('keeps sanctions for state measures and drops them for tariffs and fines', () => {
    expect(topics('US Treasury imposes new sanctions on Iran oil sector')).toContain('sanctions');
    expect(topics('G7 agrees $60 price cap on Russian oil')).toContain('sanctions');
    for (const t of ['EU fines Google 4.3 billion euros over Android antitrust abuse', 'US slaps 25% tariffs on steel and aluminium imports', 'Judge sanctions lawyers for AI-generated citations']) {
      expect(topics(t), t).not.toContain('sanctions');
    }
  });

  it('passes a strong trigger, gates a weak one on context and block words, and never counts a trigger as its own context', () => {
    const rules = compileGateRules({ conflictEntities: ['Iran'], topics: { mediation: { strong: ['peace talks'], context: ['nuclear', 'talks'], block: ['merger'], entityContext: true } } });
    expect([...gateTopics([{ topic: 'mediation', key: 'peace talks' }], ['merger', 'peace', 'talks'], [], rules)]).toEqual(['mediation']);
    expect([...gateTopics([{ topic: 'mediation', key: 'talks' }], ['nuclear', 'talks'], [], rules)]).toEqual(['mediation']);
    expect([...gateTopics([{ topic: 'mediation', key: 'talks' }], ['talks'], [], rules)]).toEqual([]);
    expect([...gateTopics([{ topic: 'mediation', key: 'talks' }], ['talks'], ['Iran'], rules)]).toEqual(['mediation']);
    expect([...gateTopics([{ topic: 'mediation', key: 'talks' }], ['merger', 'nuclear', 'talks'], ['Iran'], rules)]).toEqual([]);
    // A topic with no rule passes as read.
    expect([...gateTopics([{ topic: 'macro', key: 'gdp' }], ['gdp'], [], rules)]).toEqual(['macro']);
  });

  it('vetoes even a strong trigger in defence-industry or space news, and reads a producer policy as OPEC without OPEC named', () => {
    expect(topics('Lockheed wins contract for missile warning satellites')).not.toContain('military');
    expect(topics('Space firm details plans for rockets')).not.toContain('military');
    expect(topics('Saudi Arabia pledges extra oil output cut')).toContain('opec');
    expect(topics('Saudi Arabia plans $500 billion megacity')).not.toContain('opec');
  });

  it('never reads economy-class seats or contract manufacturing as macro', () => {
    expect(topics('Airline finds premium economy a tougher sell on new routes')).not.toContain('macro');
    expect(topics('Carmaker reviews investing in contract manufacturing')).not.toContain('macro');
    expect(topics('US economy grew at 3.3% rate in fourth quarter')).toContain('macro');
  });
});

describe('topic gating on rules of its own', () => {
  // Rules written here (not the data file), so tuning topic-context.json does not move these tests.
  // Compiled in a hook, so a compile that throws fails each test instead of the file's collection.
  let rules: ReturnType<typeof compileGateRules>;
  beforeEach(() => {
    rules = compileGateRules({
      conflictEntities: ['Iran', 'Hamas'],
      channelWords: ['gaza'],
      promote: [{ topic: 'opec', entities: ['Saudi Arabia'], words: ['cut', 'output'], context: ['oil', 'output'] }],
      topics: {
        mediation: { strong: ['peace talks'], weak: ['talks', 'negotiations'], context: ['nuclear', 'envoy', 'talks'], block: ['merger'], entityContext: true },
        military: { strong: ['airstrike'], hardBlock: ['satellite'], context: ['army', 'troops', 'border'], block: ['price'], entityContext: true, entities: ['Hezbollah'], minDistinct: 3 },
        sanctions: { strong: [], context: ['treasury'], block: [], entityContext: false },
        ceasefire: { strong: [], context: ['truce'], block: [], entityContext: true },
      },
    });
  });
  const gate = (evidence: [string, string][], words: string, entities: string[] = []) => [...gateTopics(evidence.map(([topic, key]) => ({ topic: topic as 'mediation', key })), words.split(' ').filter(Boolean), entities, rules)].sort();

  it("lets a company's or a sector's shares veto a topic that asks for it, even for a strong trigger, and the market's not", () => {
    const shares = compileGateRules({
      conflictEntities: [],
      stockWords: ['shares', 'stocks'],
      marketScope: ['world'],
      topics: {
        military: { strong: ['missiles'], companySharesBlock: true, context: [], block: [], entityContext: false },
        shipping: { strong: ['tanker'], context: [], block: [], entityContext: false },
      },
    });
    const topics = (words: string) => [...gateTopics([{ topic: 'military', key: 'missiles' }, { topic: 'shipping', key: 'tanker' }], words.split(' '), [], shares)].sort();
    expect(topics('defence stocks rally after missiles hit tanker')).toEqual(['shipping']);
    expect(topics('world stocks fall after missiles hit tanker')).toEqual(['military', 'shipping']);
    expect(topics('stocks fall after missiles hit tanker')).toEqual(['military', 'shipping']);
  });

  it('fills the optional parts of a rule with their defaults', () => {
    const s = rules.topics.get('sanctions');
    expect(s).toMatchObject({ hardBlock: new Set(), companySharesBlock: false, weak: undefined, entities: undefined, minDistinct: 1, ambiguous: undefined });
    expect(compileGateRules({ conflictEntities: [], topics: {} })).toMatchObject({ conflictEntities: new Set(), promote: [], channelWords: new Set(), topics: new Map() });
    // The sets a rule was given are kept as given.
    expect(rules.topics.get('military')).toMatchObject({ strong: new Set(['airstrike']), hardBlock: new Set(['satellite']), context: new Set(['army', 'troops', 'border']), block: new Set(['price']), entities: new Set(['Hezbollah']), minDistinct: 3 });
    expect(rules.topics.get('mediation')?.weak).toEqual(new Set(['talks', 'negotiations']));
    expect(rules.promote[0]).toMatchObject({ topic: 'opec', entities: new Set(['Saudi Arabia']), words: new Set(['cut', 'output']), context: new Set(['oil', 'output']), block: new Set() });
    const withBlock = compileGateRules({ conflictEntities: [], topics: {}, promote: [{ topic: 'macro', entities: [], words: ['zorkmid'], context: ['slides'], block: ['shares'] }] });
    expect(withBlock.promote[0].block).toEqual(new Set(['shares']));
  });

  it('finds an oil channel by a conflict entity or a channel word', () => {
    expect(hasOilChannel([], ['Iran'], rules)).toBe(true);
    expect(hasOilChannel(['gaza', 'truce'], [], rules)).toBe(true);
    expect(hasOilChannel(['truce'], ['France'], rules)).toBe(false);
    expect(hasOilChannel([], [], rules)).toBe(false);
  });

  it('passes a strong trigger and any trigger outside the weak list without context', () => {
    expect(gate([['mediation', 'peace talks']], 'peace talks')).toEqual(['mediation']);
    expect(gate([['mediation', 'mediator']], 'mediator')).toEqual(['mediation']);
    expect(gate([['mediation', 'talks']], 'talks')).toEqual([]);
    expect(gate([['mediation', 'talks']], 'envoy talks')).toEqual(['mediation']);
  });

  it('vetoes even a strong trigger on a hard block word, and any gated trigger on a block word', () => {
    expect(gate([['military', 'airstrike']], 'airstrike')).toEqual(['military']);
    expect(gate([['military', 'airstrike']], 'airstrike satellite')).toEqual([]);
    expect(gate([['mediation', 'talks']], 'merger envoy talks')).toEqual([]);
    // A block word does not stop a strong trigger.
    expect(gate([['mediation', 'peace talks']], 'merger peace talks')).toEqual(['mediation']);
  });

  it('counts a party named beside a trigger word as context, from the rule\'s own list when it has one', () => {
    expect(gate([['mediation', 'talks']], 'talks', ['Iran'])).toEqual(['mediation']);
    expect(gate([['mediation', 'talks']], 'talks', ['France'])).toEqual([]);
    expect(gate([['military', 'attack']], 'attack', ['Hezbollah'])).toEqual(['military']);
    expect(gate([['military', 'attack']], 'attack', ['Iran'])).toEqual([]);
    // Without entityContext a party is no context.
    expect(gate([['sanctions', 'penalties']], 'penalties', ['Iran'])).toEqual([]);
    expect(gate([['sanctions', 'penalties']], 'treasury penalties', ['Iran'])).toEqual(['sanctions']);
  });

  it('does not count an entity that triggered the topic as its own context', () => {
    expect(gate([['ceasefire', 'ent:Iran']], 'iran', ['Iran'])).toEqual([]);
    expect(gate([['ceasefire', 'ent:Iran']], 'iran truce', ['Iran'])).toEqual(['ceasefire']);
    expect(gate([['ceasefire', 'ent:Iran'], ['ceasefire', 'halt']], 'iran halt', ['Iran'])).toEqual(['ceasefire']);
  });

  it('does not count a trigger word as context, and counts each context word once', () => {
    expect(gate([['mediation', 'negotiations']], 'negotiations talks')).toEqual(['mediation']);
    expect(gate([['mediation', 'talks']], 'talks talks')).toEqual([]);
    expect(gate([['mediation', 'talks'], ['mediation', 'talks']], 'talks')).toEqual([]);
  });

  it('needs minDistinct context words and triggers together, with at least one context word', () => {
    expect(gate([['military', 'attack']], 'attack army')).toEqual([]);
    expect(gate([['military', 'attack']], 'attack army troops')).toEqual(['military']);
    expect(gate([['military', 'attack']], 'attack army army troops')).toEqual(['military']);
    expect(gate([['military', 'attack'], ['military', 'shelling']], 'attack shelling army')).toEqual(['military']);
    expect(gate([['military', 'attack'], ['military', 'shelling'], ['military', 'raid']], 'attack shelling raid')).toEqual([]);
    // The same trigger read twice counts once toward minDistinct.
    expect(gate([['military', 'attack'], ['military', 'attack']], 'attack army')).toEqual([]);
  });

  it('gates each topic by its own rule, and passes a topic without one', () => {
    expect(gate([['mediation', 'talks'], ['military', 'airstrike'], ['macro', 'gdp']], 'talks airstrike gdp')).toEqual(['macro', 'military']);
  });

  it('promotes a topic on a named entity, a policy word and a different context word', () => {
    expect(gate([], 'saudi arabia to cut oil', ['Saudi Arabia'])).toEqual(['opec']);
    expect(gate([], 'saudi arabia to cut output', ['Saudi Arabia'])).toEqual(['opec']);
    expect(gate([], 'saudi arabia to cut', ['Saudi Arabia'])).toEqual([]);
    expect(gate([], 'saudi arabia output', ['Saudi Arabia'])).toEqual([]);
    expect(gate([], 'saudi arabia oil', ['Saudi Arabia'])).toEqual([]);
    expect(gate([], 'kuwait to cut oil', ['Kuwait'])).toEqual([]);
  });
});

// Headlines written for this test (none taken from a data set).
describe('macro: a currency move is the dollar story (topic-context.json promote, no entity needed)', () => {
  it('reads a currency with a word of its move, level or policy as macro', () => {
    for (const t of ['Swiss franc climbs as investors seek safety', "Indonesia's rupiah slides to weakest since 1998", 'Canadian dollar firms as jobs data beats forecasts', "Japan's finance ministry warns against sharp yen moves"]) {
      expect(topics(t), t).toContain('macro');
    }
  });

  it('a single currency word without its move, or inside a company\'s own news, is not enough', () => {
    for (const t of ['Dollar Tree shares sink on weak holiday sales', 'Billion-dollar chip plant gets green light', 'Crypto exchange launches euro stablecoin', 'Bakery chain prices its new loaf at one pound']) {
      expect(topics(t), t).not.toContain('macro');
    }
  });

  it('an empty entity list needs no entity, a block word rules the promotion out, and a named list still needs its entity', () => {
    const rules = compileGateRules({
      conflictEntities: [],
      topics: {},
      promote: [
        { topic: 'macro', entities: [], words: ['zorkmid'], context: ['slides'], block: ['shares'] },
        { topic: 'opec', entities: ['Kuwait'], words: ['quota'], context: ['oil'] },
      ],
    });
    expect([...gateTopics([], ['zorkmid', 'slides'], [], rules)]).toEqual(['macro']);
    expect([...gateTopics([], ['zorkmid', 'shares', 'slides'], [], rules)]).toEqual([]);
    expect([...gateTopics([], ['zorkmid'], [], rules)]).toEqual([]);
    expect([...gateTopics([], ['oil', 'quota'], [], rules)]).toEqual([]);
    expect([...gateTopics([], ['oil', 'quota'], ['Kuwait'], rules)]).toEqual(['opec']);
  });
});

describe('macro: the WTO in a dispute and a state relief package (topic-context.json promote)', () => {
  it('reads them as macro, with positive and negative controls', () => {
    for (const t of ['WTO rules against EU subsidies for planemaker', 'US moves to curb WTO appeals body', 'Senate approves $900 billion pandemic relief package', 'Germany unveils 130 billion euro stimulus package']) {
      expect(topics(t), t).toContain('macro');
    }
    for (const t of ['WTO chief resigns a year early', 'Company unveils new benefits package for staff', 'Lawmakers unveil farm bill', 'Insurer posts profit on pandemic relief package sales']) {
      expect(topics(t), t).not.toContain('macro');
    }
  });
});

describe('word bits: a headline\'s words looked up once for every list and rule', () => {
  // Compiled in a hook, so a compile that throws fails each test instead of the file's collection.
  let rules: ReturnType<typeof compileGateRules>;
  beforeEach(() => {
    rules = compileGateRules({
      conflictEntities: [],
      channelWords: ['gaza'],
      demandChannel: ['jobs'],
      stockWords: ['shares'],
      topics: { military: { strong: [], hardBlock: ['rocket'], context: ['troops'], block: ['game'], entityContext: false } },
      promote: [
        { topic: 'macro', entities: [], words: ['zorkmid'], context: ['slides'], block: ['shares'] },
        { topic: 'opec', entities: [], words: ['quota'], context: ['oil'] },
      ],
    });
  });

  it('gives each list, promote rule and topic rule its own bits, combined over the words', () => {
    expect(readWordBits([], rules)).toEqual({ lists: 0, promote: 0, topics: 0 });
    expect(readWordBits(['gaza', 'jobs', 'unlisted'], rules).lists).toBe(WORD_LIST.channel | WORD_LIST.demand);
    // "shares" is both a stock word and the first promote rule's block word.
    expect(readWordBits(['shares'], rules)).toEqual({ lists: WORD_LIST.stock, promote: 0b100, topics: 0 });
    expect(readWordBits(['zorkmid', 'slides', 'quota', 'oil'], rules).promote).toBe(0b011011);
    expect(readWordBits(['rocket', 'game', 'troops'], rules).topics).toBe(0b111);
    // The third promote rule takes bits 6-8.
    const three = compileGateRules({ conflictEntities: [], topics: {}, promote: ['a', 'b', 'c'].map((w) => ({ topic: 'macro', entities: [], words: [`${w}word`], context: [`${w}ctx`], block: [`${w}block`] })) });
    expect(readWordBits(['cword', 'cctx', 'cblock'], three).promote).toBe(0b111 << 6);
    expect(readWordBits(['bword', 'bctx', 'bblock'], three).promote).toBe(0b111 << 3);
  });

  it('answers the same with bits the caller read once as with the words alone', () => {
    const words = ['gaza', 'jobs', 'chipmaker', 'shares', 'slide'];
    const bits = readWordBits(words, rules);
    expect(hasOilChannel(words, [], rules, bits)).toBe(true);
    expect(namesDemandChannel(words, rules, bits)).toBe(true);
    expect(namesCompanyShares(words, rules, bits)).toBe(true);
    // Bits say what the words name: with none read, no list is named, whatever the words.
    const none = { lists: 0, promote: 0, topics: 0 };
    expect(hasOilChannel(words, [], rules, none)).toBe(false);
    expect(namesDemandChannel(words, rules, none)).toBe(false);
    expect(namesCompanyShares(words, rules, none)).toBe(false);
    expect([...gateTopics([], ['zorkmid', 'slides'], [], rules, none)]).toEqual([]);
    expect([...gateTopics([], ['zorkmid', 'slides'], [], rules)]).toEqual(['macro']);
  });

  it('refuses more rules than its masks have bits for, with the counts', () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ topic: 'macro', entities: [], words: [`w${i}`], context: ['c'] }));
    expect(() => compileGateRules({ conflictEntities: [], topics: {}, promote: many })).toThrow(/at most 10 topic rules and 10 promote rules \(0 and 11 given\)/);
    expect(() => compileGateRules({ conflictEntities: [], topics: {}, promote: many.slice(0, 10) })).not.toThrow();
  });

  it('a hard-block or block word vetoes a weak topic, and context needs a context word', () => {
    const ev = [{ topic: 'military' as const, key: 'clash' }];
    expect([...gateTopics(ev, ['clash', 'troops'], [], rules)]).toEqual(['military']);
    expect([...gateTopics(ev, ['clash', 'troops', 'game'], [], rules)]).toEqual([]);
    expect([...gateTopics(ev, ['clash', 'troops', 'rocket'], [], rules)]).toEqual([]);
    expect([...gateTopics(ev, ['clash'], [], rules)]).toEqual([]);
  });
});

describe('the gate\'s word lists and masks on rules of the test\'s own', () => {
  // Compiled in a hook, so a compile that throws fails each test instead of the file's collection.
  let rules: ReturnType<typeof compileGateRules>;
  beforeEach(() => {
    rules = compileGateRules({
      conflictEntities: [],
      channelWords: ['gaza'],
      demandChannel: ['jobs'],
      companyWords: ['recall'],
      companyResults: ['profit'],
      tradeWords: ['tariffs'],
      tradeScale: ['global'],
      tradePowers: [['United States', 'Donald Trump'], ['China'], ['European Union']],
      stockWords: ['shares', 'stocks'],
      marketScope: ['asian'],
      topics: {
        military: { strong: [], context: ['troops'], block: [], entityContext: false },
        sanctions: { strong: [], hardBlock: ['antitrust'], context: ['treasury'], block: ['fines'], entityContext: false },
      },
    });
  });

  it('gives each list its own bit and answers each list question from it', () => {
    expect(readWordBits(['recall', 'profit', 'tariffs', 'global', 'shares', 'asian'], rules).lists).toBe(WORD_LIST.company | WORD_LIST.results | WORD_LIST.trade | WORD_LIST.tradeScale | WORD_LIST.stock | WORD_LIST.marketScope);
    const ask = (words: string[]) => [namesCompanyNews(words, rules), namesCompanyResults(words, rules), namesTrade(words, rules), namesDemandChannel(words, rules), hasOilChannel(words, [], rules)];
    expect(ask(['carmaker', 'recall'])).toEqual([true, false, false, false, false]);
    expect(ask(['profit', 'beats'])).toEqual([false, true, false, false, false]);
    expect(ask(['new', 'tariffs'])).toEqual([false, false, true, false, false]);
    expect(ask(['jobs', 'gaza'])).toEqual([false, false, false, true, true]);
    expect(ask(['nothing', 'listed'])).toEqual([false, false, false, false, false]);
  });

  it('gives the second topic rule the next three bits (hard block, block, context)', () => {
    expect(readWordBits(['troops'], rules).topics).toBe(0b100);
    expect(readWordBits(['antitrust'], rules).topics).toBe(0b001000);
    expect(readWordBits(['fines'], rules).topics).toBe(0b010000);
    expect(readWordBits(['treasury'], rules).topics).toBe(0b100000);
    const ev = (key: string) => [{ topic: 'sanctions' as const, key }];
    expect([...gateTopics(ev('penalties'), ['treasury', 'penalties'], [], rules)]).toEqual(['sanctions']);
    expect([...gateTopics(ev('penalties'), ['treasury', 'fines', 'penalties'], [], rules)]).toEqual([]);
    expect([...gateTopics(ev('penalties'), ['treasury', 'antitrust', 'penalties'], [], rules)]).toEqual([]);
  });

  it('refuses more than ten topic rules, with the counts, and takes ten', () => {
    const rule = { strong: [], context: [], block: [], entityContext: false };
    const topics = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`topic${i}`, rule]));
    expect(() => compileGateRules({ conflictEntities: [], topics: topics(11) })).toThrow(/at most 10 topic rules and 10 promote rules \(11 and 0 given\)/);
    expect(compileGateRules({ conflictEntities: [], topics: topics(10) }).topics.size).toBe(10);
  });

  it('reads a trade story at world scale by a scale word or two of the largest economies, each counted once', () => {
    expect(tradeAtWorldScale(['global', 'tariffs'], [], rules)).toBe(true);
    expect(tradeAtWorldScale(['tariffs'], ['United States', 'China'], rules)).toBe(true);
    expect(tradeAtWorldScale(['tariffs'], ['China', 'European Union', 'United States'], rules)).toBe(true);
    expect(tradeAtWorldScale(['tariffs'], ['United States', 'Donald Trump'], rules)).toBe(false);
    expect(tradeAtWorldScale(['tariffs'], ['China'], rules)).toBe(false);
    expect(tradeAtWorldScale(['tariffs'], ['Mexico', 'Canada'], rules)).toBe(false);
    expect(tradeAtWorldScale(['tariffs'], [], rules)).toBe(false);
  });

  it('reads a company\'s or sector\'s shares after a word or a figure, not after punctuation, the market\'s scope, another stock word or at the start', () => {
    for (const before of ['a', 'z', 'halliburton', '0', '9', '3m']) expect(namesCompanyShares([before, 'shares', 'jump'], rules), before).toBe(true);
    for (const before of ['`', '{', '/', ':', ';', '-', 'asian', 'stocks']) expect(namesCompanyShares([before, 'shares', 'jump'], rules), before).toBe(false);
    expect(namesCompanyShares(['shares', 'jump'], rules)).toBe(false);
    expect(namesCompanyShares(['asian', 'shares', 'and', 'chipmaker', 'stocks'], rules)).toBe(true);
    expect(namesCompanyShares(['chipmaker', 'results'], rules)).toBe(false);
  });
});

describe('topic gating: a party named is context enough, whatever the context words', () => {
  it('keeps a topic a party gave context to even when its context words are too few', () => {
    const rules = compileGateRules({ conflictEntities: [], topics: { military: { strong: [], context: ['army', 'troops'], block: [], entityContext: true, entities: ['Hezbollah'], minDistinct: 3 } } });
    expect([...gateTopics([{ topic: 'military', key: 'attack' }], ['attack', 'army'], ['Hezbollah'], rules)]).toEqual(['military']);
    expect([...gateTopics([{ topic: 'military', key: 'attack' }], ['attack', 'army'], [], rules)]).toEqual([]);
  });
});

// Headlines written for this test (none taken from a data set). docs/taxonomy.md: a labour strike is not military.
describe('military: a bare "strike" is a labour strike unless an armed force, a weapon, a target or a party says otherwise', () => {
  it('reads labour strikes at oil sites without the military topic, and keeps their supply reading', () => {
    for (const t of ['Strike at Norwegian oil fields ends', 'French refinery strike enters third week', 'Workers at Kuwait refinery go on strike', 'Kuwait oil sector strike enters second day', 'Iraq refinery strike enters fourth day over unpaid bonuses', 'Dock strike at Antwerp port delays crude cargoes', 'Strike at Libyan oil port halts loadings', 'Norway oil strike threatens to shut six fields', 'General strike paralyses Nigeria\'s oil hub', 'Five-day strike at Dutch refinery ends', 'Strike shuts Ecuador pipeline for a fourth day', 'Oil tanker crews launch strike in Rotterdam', 'Cargo ship strikes bridge in Rotterdam harbour']) {
      expect(topics(t), t).not.toContain('military');
    }
    // The outage is still bullish for crude, its end bearish, whatever the topic.
    expect(analyzeText('Strike at Libyan oil port halts loadings').oil_direction.label).toBe('bullish');
    expect(analyzeText('Strike at Norwegian oil fields ends').oil_direction.label).toBe('bearish');
  });

  it('keeps air, drone, missile and state strikes military, at the same sites', () => {
    for (const t of ['US air strike hits militia base in Iraq', 'Israel strikes Iranian oil depot', 'Houthis claim strike on tanker in Red Sea', 'Drone strike on Saudi facility cuts output', 'Ukraine strikes Russian refinery in Volgograd', 'Israeli strikes on Gaza enter second week', 'Strike on Saudi oil facility halts half of output', 'Strike at Iraqi air base wounds US troops', 'Russia strikes Odesa port with missiles', 'Pentagon confirms strike on Iraqi militia commander', 'Coalition jets strike Houthi-held oil terminal']) {
      expect(topics(t), t).toContain('military');
    }
  });

  let rules: ReturnType<typeof compileGateRules>;
  beforeEach(() => {
    rules = compileGateRules({
      conflictEntities: ['Iran'],
      topics: {
        military: {
          strong: ['air strike'],
          context: ['refinery', 'troops'],
          block: ['union'],
          entityContext: true,
          ambiguous: { triggers: ['strike', 'strikes'], cues: ['drones', 'troops'], cuesAfter: ['on'], other: ['week'], otherAfter: ['at', 'ends'] },
        },
      },
    });
  });
  const gate = (keys: string[], words: string, entities: string[] = []) => [...gateTopics(keys.map((key) => ({ topic: 'military' as const, key })), words.split(' '), entities, rules)];
  const sense = (words: string) => {
    const a = rules.topics.get('military')?.ambiguous;
    if (a === undefined) throw new Error('the rule lost its ambiguous triggers');
    return readSense(a, words.split(' '));
  };

  it('compiles the ambiguous triggers and their cues as sets', () => {
    expect(rules.topics.get('military')?.ambiguous).toEqual({ triggers: new Set(['strike', 'strikes']), cues: new Set(['drones', 'troops']), cuesAfter: new Set(['on']), other: new Set(['week']), otherAfter: new Set(['at', 'ends']) });
  });

  it('reads the sense: a cue anywhere or a cue word right after a trigger wins; else an other-sense word anywhere or right after a trigger; else none', () => {
    expect(sense('refinery strike')).toBe(0);
    expect(sense('drones strike refinery')).toBe(1);
    expect(sense('strike refinery drones')).toBe(1);
    expect(sense('strike on refinery')).toBe(1);
    expect(sense('strikes on refinery')).toBe(1);
    // "on" counts only right after a trigger, not before it or two words on.
    expect(sense('on refinery strike')).toBe(0);
    expect(sense('strike x on refinery')).toBe(0);
    expect(sense('strike at refinery')).toBe(-1);
    expect(sense('refinery strike ends')).toBe(-1);
    expect(sense('at refinery strike')).toBe(0);
    expect(sense('ends refinery strike')).toBe(0);
    expect(sense('refinery strike x week')).toBe(-1);
    expect(sense('week x strike')).toBe(-1);
    // The topic's cues win over the other sense's in either order.
    expect(sense('strike at base troops')).toBe(1);
    expect(sense('troops strike at week')).toBe(1);
    expect(sense('strike week on refinery')).toBe(-1);
    expect(sense('strike on week')).toBe(1);
  });

  it('gates a bare strike: the topic\'s cue lets the usual gate decide, the other sense rules it out, and with neither only a party gives context', () => {
    // No cue: a site alone is no context, a party is.
    expect(gate(['strike'], 'refinery strike')).toEqual([]);
    expect(gate(['strike'], 'refinery strike', ['Iran'])).toEqual(['military']);
    expect(gate(['strike'], 'strike', ['Iran'])).toEqual(['military']);
    // Another sense's cue rules it out, even with a party named.
    expect(gate(['strike'], 'strike at refinery', ['Iran'])).toEqual([]);
    expect(gate(['strike'], 'refinery strike enters week', ['Iran'])).toEqual([]);
    // The topic's cue: the usual context decides (a site counts again), and the block words still rule it out.
    expect(gate(['strike'], 'strike on refinery')).toEqual(['military']);
    expect(gate(['strike'], 'strike on x')).toEqual([]);
    expect(gate(['strike'], 'strike on x', ['Iran'])).toEqual(['military']);
    expect(gate(['strike'], 'troops strike at base')).toEqual(['military']);
    expect(gate(['strike'], 'union strike on refinery')).toEqual([]);
    expect(gate(['strikes', 'strike'], 'strikes refinery strike')).toEqual([]);
  });

  it('reads the triggers as usual when another trigger of the topic is there too', () => {
    // "drone" is no ambiguous trigger, so the site is context as before, and the other sense's cue does not rule it out.
    expect(gate(['strike', 'drone'], 'drone x strike at refinery')).toEqual(['military']);
    expect(gate(['strike', 'ent:Iran'], 'strike at refinery iran', ['Iran'])).toEqual(['military']);
    expect(gate(['air strike'], 'air strike at week')).toEqual(['military']);
    // A rule without ambiguous triggers reads "strike" by its context as before.
    const plain = compileGateRules({ conflictEntities: [], topics: { military: { strong: [], context: ['refinery'], block: [], entityContext: true } } });
    expect([...gateTopics([{ topic: 'military', key: 'strike' }], ['strike', 'at', 'refinery'], [], plain)]).toEqual(['military']);
  });
});
