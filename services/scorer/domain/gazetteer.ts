import type { TopicName } from '../../../shared/contracts/events.ts';

/**
 * Curated entities that matter to Brent: producers, consumers, chokepoints, organisations
 * and the people who move them. Aliases are matched on whole tokens; `cased` aliases only
 * as written (so "US" is the country and "us" is not).
 */
export interface GazetteerEntry {
  name: string;
  kind: 'country' | 'org' | 'person' | 'place' | 'group' | 'company';
  aliases: string[];
  cased?: string[];
  /** Relevance to Brent: 2 = a producer, chokepoint or oil body; 1 = a player in the region or the market; 0 = other. */
  weight: 0 | 1 | 2;
  topics?: TopicName[];
  geo?: boolean;
  /** Acts as this concept for predicates ("OPEC+ cuts" moves OPEC supply; "Hormuz closure" moves a flow). */
  concept?: { cs: number; co: number; cls: 'flow' };
}

const FLOW = { cs: 0.3, co: -1, cls: 'flow' } as const;

export const GAZETTEER: GazetteerEntry[] = [
  // Producers and the Gulf
  { name: 'Iran', kind: 'country', aliases: ['iran', 'iranian', 'iranians', 'tehran', 'islamic republic'], weight: 2, geo: true },
  { name: 'Iraq', kind: 'country', aliases: ['iraq', 'iraqi', 'baghdad', 'kurdistan', 'kurdish', 'basra', 'kirkuk'], weight: 2, geo: true },
  { name: 'Saudi Arabia', kind: 'country', aliases: ['saudi arabia', 'saudi', 'saudis', 'riyadh', 'kingdom'], weight: 2, geo: true },
  { name: 'United Arab Emirates', kind: 'country', aliases: ['united arab emirates', 'emirates', 'emirati', 'abu dhabi', 'dubai', 'fujairah'], cased: ['UAE'], weight: 2, geo: true },
  { name: 'Qatar', kind: 'country', aliases: ['qatar', 'qatari', 'doha'], weight: 1, geo: true },
  { name: 'Oman', kind: 'country', aliases: ['oman', 'omani', 'muscat'], weight: 1, geo: true },
  { name: 'Kuwait', kind: 'country', aliases: ['kuwait', 'kuwaiti'], weight: 2, geo: true },
  { name: 'Bahrain', kind: 'country', aliases: ['bahrain', 'bahraini', 'manama'], weight: 1, geo: true },
  { name: 'Yemen', kind: 'country', aliases: ['yemen', 'yemeni', 'sanaa', 'hodeidah', 'aden'], weight: 1, geo: true },
  { name: 'Israel', kind: 'country', aliases: ['israel', 'israeli', 'israelis', 'tel aviv', 'jerusalem', 'idf'], weight: 1, geo: true },
  { name: 'Lebanon', kind: 'country', aliases: ['lebanon', 'lebanese', 'beirut'], weight: 1, geo: true },
  { name: 'Syria', kind: 'country', aliases: ['syria', 'syrian', 'damascus'], weight: 1, geo: true },
  { name: 'Gaza', kind: 'place', aliases: ['gaza', 'gaza strip', 'west bank', 'palestinian', 'palestinians', 'rafah'], weight: 1, geo: true },
  { name: 'Egypt', kind: 'country', aliases: ['egypt', 'egyptian', 'cairo'], weight: 1, geo: true },
  { name: 'Jordan', kind: 'country', aliases: ['jordan', 'jordanian', 'amman'], weight: 0, geo: true },
  { name: 'Turkey', kind: 'country', aliases: ['turkey', 'turkish', 'turkiye', 'ankara', 'ceyhan'], weight: 1, geo: true },
  { name: 'Libya', kind: 'country', aliases: ['libya', 'libyan', 'tripoli', 'benghazi', 'sharara'], weight: 2, geo: true },
  { name: 'Algeria', kind: 'country', aliases: ['algeria', 'algerian', 'sonatrach'], weight: 1, geo: true },
  { name: 'Nigeria', kind: 'country', aliases: ['nigeria', 'nigerian', 'niger delta', 'abuja', 'nnpc'], weight: 2, geo: true },
  { name: 'Angola', kind: 'country', aliases: ['angola', 'angolan'], weight: 1, geo: true },
  { name: 'Venezuela', kind: 'country', aliases: ['venezuela', 'venezuelan', 'caracas', 'pdvsa'], weight: 2, geo: true },
  { name: 'Russia', kind: 'country', aliases: ['russia', 'russian', 'russians', 'moscow', 'kremlin', 'novorossiysk', 'primorsk', 'ust luga'], weight: 2, geo: true },
  { name: 'Ukraine', kind: 'country', aliases: ['ukraine', 'ukrainian', 'ukrainians', 'kyiv', 'kiev'], weight: 1, geo: true },
  { name: 'Kazakhstan', kind: 'country', aliases: ['kazakhstan', 'kazakh', 'tengiz', 'kashagan', 'cpc pipeline'], weight: 1, geo: true },
  { name: 'Azerbaijan', kind: 'country', aliases: ['azerbaijan', 'azeri', 'baku'], weight: 1, geo: true },
  { name: 'Norway', kind: 'country', aliases: ['norway', 'norwegian', 'johan sverdrup', 'north sea'], weight: 1, geo: true },
  { name: 'United States', kind: 'country', aliases: ['united states', 'america', 'american', 'americans', 'washington', 'white house', 'pentagon', 'state department', 'treasury department', 'u s', 'new mexico', 'texas', 'north dakota', 'permian', 'permian basin'], cased: ['US', 'USA'], weight: 1, geo: true },
  { name: 'Canada', kind: 'country', aliases: ['canada', 'canadian', 'alberta', 'ottawa'], weight: 1, geo: true },
  { name: 'Mexico', kind: 'country', aliases: ['mexico', 'mexican', 'pemex'], weight: 1, geo: true },
  { name: 'Brazil', kind: 'country', aliases: ['brazil', 'brazilian', 'petrobras'], weight: 1, geo: true },
  { name: 'Guyana', kind: 'country', aliases: ['guyana', 'guyanese'], weight: 1, geo: true },
  { name: 'China', kind: 'country', aliases: ['china', 'chinese', 'beijing', 'prc'], weight: 1, geo: true, topics: [] },
  { name: 'India', kind: 'country', aliases: ['india', 'indian', 'new delhi', 'delhi'], weight: 1, geo: true },
  { name: 'Japan', kind: 'country', aliases: ['japan', 'japanese', 'tokyo'], weight: 0, geo: true },
  { name: 'South Korea', kind: 'country', aliases: ['south korea', 'south korean', 'seoul'], weight: 0, geo: true },
  { name: 'North Korea', kind: 'country', aliases: ['north korea', 'north korean', 'pyongyang'], weight: 0, geo: true },
  { name: 'United Kingdom', kind: 'country', aliases: ['united kingdom', 'britain', 'british', 'london', 'england'], cased: ['UK'], weight: 0, geo: true },
  { name: 'European Union', kind: 'org', aliases: ['european union', 'european commission', 'brussels', 'eurozone', 'euro zone'], cased: ['EU'], weight: 0, geo: true },
  { name: 'Germany', kind: 'country', aliases: ['germany', 'german', 'berlin'], weight: 0, geo: true },
  { name: 'France', kind: 'country', aliases: ['france', 'french', 'paris'], weight: 0, geo: true },
  { name: 'Pakistan', kind: 'country', aliases: ['pakistan', 'pakistani', 'islamabad'], weight: 0, geo: true },
  { name: 'Sudan', kind: 'country', aliases: ['sudan', 'sudanese', 'south sudan'], weight: 0, geo: true },
  // Chokepoints and oil places
  { concept: FLOW, name: 'Strait of Hormuz', kind: 'place', aliases: ['strait of hormuz', 'hormuz', 'hormuz strait', 'straits of hormuz'], weight: 2, topics: ['shipping'], geo: true },
  { concept: FLOW, name: 'Red Sea', kind: 'place', aliases: ['red sea'], weight: 2, topics: ['shipping'], geo: true },
  { concept: FLOW, name: 'Bab el-Mandeb', kind: 'place', aliases: ['bab el mandeb', 'bab al mandab', 'bab el mandab', 'bab al mandeb'], weight: 2, topics: ['shipping'], geo: true },
  { concept: FLOW, name: 'Suez Canal', kind: 'place', aliases: ['suez canal', 'suez', 'sumed', 'sumed pipeline'], weight: 2, topics: ['shipping'], geo: true },
  { concept: FLOW, name: 'Persian Gulf', kind: 'place', aliases: ['persian gulf', 'arabian gulf', 'gulf of oman', 'gulf waters'], weight: 2, topics: ['shipping'], geo: true },
  { concept: FLOW, name: 'Black Sea', kind: 'place', aliases: ['black sea', 'bosphorus', 'turkish straits'], weight: 1, topics: ['shipping'], geo: true },
  { concept: FLOW, name: 'Kharg Island', kind: 'place', aliases: ['kharg', 'kharg island'], weight: 2, geo: true },
  { concept: FLOW, name: 'Abqaiq', kind: 'place', aliases: ['abqaiq', 'ras tanura', 'khurais'], weight: 2, geo: true },
  { name: 'Cushing', kind: 'place', aliases: ['cushing', 'cushing oklahoma'], weight: 2, topics: ['inventories'] },
  { name: 'Gulf of Mexico', kind: 'place', aliases: ['gulf of mexico', 'gulf of america', 'gulf coast'], weight: 1 },
  { concept: FLOW, name: 'Druzhba pipeline', kind: 'place', aliases: ['druzhba', 'druzhba pipeline'], weight: 2, geo: true },
  // Organisations
  { concept: { cs: 0, co: -1, cls: 'flow' }, name: 'OPEC', kind: 'org', aliases: ['opec', 'opec+', 'opec plus', 'organization of the petroleum exporting countries', 'organisation of the petroleum exporting countries'], weight: 2, topics: ['opec'] },
  { name: 'IEA', kind: 'org', aliases: ['international energy agency'], cased: ['IEA'], weight: 2 },
  { name: 'EIA', kind: 'org', aliases: ['energy information administration'], cased: ['EIA'], weight: 2 },
  { name: 'API', kind: 'org', aliases: ['american petroleum institute'], cased: ['API'], weight: 2, topics: ['inventories'] },
  { name: 'IRGC', kind: 'group', aliases: ['irgc', 'revolutionary guards', 'revolutionary guard', 'islamic revolutionary guard corps', 'quds force'], weight: 2, topics: ['military'], geo: true },
  { name: 'Houthis', kind: 'group', aliases: ['houthi', 'houthis', 'ansar allah', 'ansarallah'], weight: 2, topics: ['military'], geo: true },
  { name: 'Hezbollah', kind: 'group', aliases: ['hezbollah', 'hizbollah'], weight: 1, topics: ['military'], geo: true },
  { name: 'Hamas', kind: 'group', aliases: ['hamas'], weight: 1, topics: ['military'], geo: true },
  { name: 'NATO', kind: 'org', aliases: ['nato'], weight: 0, geo: true },
  { name: 'United Nations', kind: 'org', aliases: ['united nations', 'security council', 'un security council'], cased: ['UN', 'UNSC'], weight: 0, geo: true },
  { name: 'IAEA', kind: 'org', aliases: ['iaea', 'atomic energy agency', 'international atomic energy agency', 'grossi'], weight: 1, topics: ['mediation'], geo: true },
  { name: 'G7', kind: 'org', aliases: ['g7', 'group of seven', 'g 7'], weight: 0, geo: true },
  { name: 'CENTCOM', kind: 'org', aliases: ['centcom', 'central command', 'us central command'], weight: 1, topics: ['military'], geo: true },
  { name: 'Federal Reserve', kind: 'org', aliases: ['federal reserve', 'the fed', 'fomc'], cased: ['Fed'], weight: 0, topics: ['macro'] },
  { name: 'European Central Bank', kind: 'org', aliases: ['european central bank', 'ecb'], weight: 0, topics: ['macro'] },
  { name: "People's Bank of China", kind: 'org', aliases: ['people bank of china', 'pboc'], weight: 0, topics: ['macro'] },
  { name: 'IMF', kind: 'org', aliases: ['imf', 'international monetary fund'], weight: 0, topics: ['macro'] },
  { name: 'World Bank', kind: 'org', aliases: ['world bank'], weight: 0, topics: ['macro'] },
  // Companies
  { concept: { cs: 0, co: -1, cls: 'flow' }, name: 'Saudi Aramco', kind: 'company', aliases: ['aramco', 'saudi aramco'], weight: 2 },
  { name: 'ADNOC', kind: 'company', aliases: ['adnoc', 'abu dhabi national oil company'], weight: 2 },
  { name: 'NIOC', kind: 'company', aliases: ['nioc', 'national iranian oil company'], weight: 2 },
  { name: 'QatarEnergy', kind: 'company', aliases: ['qatarenergy', 'qatar energy', 'qatar petroleum'], weight: 1 },
  { name: 'Rosneft', kind: 'company', aliases: ['rosneft'], weight: 1 },
  { name: 'Lukoil', kind: 'company', aliases: ['lukoil'], weight: 1 },
  { name: 'Gazprom', kind: 'company', aliases: ['gazprom', 'gazprom neft'], weight: 1 },
  { name: 'ExxonMobil', kind: 'company', aliases: ['exxon', 'exxonmobil', 'exxon mobil'], weight: 1 },
  { name: 'Chevron', kind: 'company', aliases: ['chevron'], weight: 1 },
  { name: 'Shell', kind: 'company', aliases: ['royal dutch shell'], cased: ['Shell'], weight: 1 },
  { name: 'BP', kind: 'company', aliases: ['british petroleum'], cased: ['BP'], weight: 1 },
  { name: 'TotalEnergies', kind: 'company', aliases: ['totalenergies', 'total energies'], weight: 1 },
  { name: 'Equinor', kind: 'company', aliases: ['equinor', 'statoil'], weight: 1 },
  { name: 'Eni', kind: 'company', aliases: [], cased: ['Eni', 'ENI'], weight: 1 },
  { name: 'ConocoPhillips', kind: 'company', aliases: ['conocophillips', 'conoco'], weight: 1 },
  { name: 'Occidental', kind: 'company', aliases: ['occidental', 'occidental petroleum'], weight: 1 },
  // People
  { name: 'Donald Trump', kind: 'person', aliases: ['trump', 'donald trump'], weight: 1, geo: true },
  { name: 'Joe Biden', kind: 'person', aliases: ['biden', 'joe biden'], weight: 0, geo: true },
  { name: 'Vladimir Putin', kind: 'person', aliases: ['putin', 'vladimir putin'], weight: 1, geo: true },
  { name: 'Volodymyr Zelensky', kind: 'person', aliases: ['zelensky', 'zelenskiy', 'zelenskyy', 'volodymyr zelensky'], weight: 0, geo: true },
  { name: 'Xi Jinping', kind: 'person', aliases: ['xi jinping'], cased: ['Xi'], weight: 0, geo: true },
  { name: 'Ali Khamenei', kind: 'person', aliases: ['khamenei', 'ali khamenei', 'supreme leader'], weight: 1, geo: true },
  { name: 'Masoud Pezeshkian', kind: 'person', aliases: ['pezeshkian', 'masoud pezeshkian'], weight: 1, geo: true },
  { name: 'Abbas Araghchi', kind: 'person', aliases: ['araghchi', 'abbas araghchi'], weight: 1, geo: true },
  { name: 'Benjamin Netanyahu', kind: 'person', aliases: ['netanyahu', 'benjamin netanyahu'], weight: 1, geo: true },
  { name: 'Mohammed bin Salman', kind: 'person', aliases: ['mohammed bin salman', 'crown prince mohammed', 'mbs'], weight: 1, geo: true },
  { name: 'Abdulaziz bin Salman', kind: 'person', aliases: ['abdulaziz bin salman', 'prince abdulaziz', 'saudi energy minister'], weight: 2 },
  { name: 'Alexander Novak', kind: 'person', aliases: ['novak', 'alexander novak'], weight: 1 },
  { name: 'Tamim bin Hamad Al Thani', kind: 'person', aliases: ['tamim bin hamad', 'emir tamim', 'emir of qatar', 'sheikh tamim'], weight: 1, geo: true },
  { name: 'Mohammed bin Abdulrahman Al Thani', kind: 'person', aliases: ['mohammed bin abdulrahman', 'sheikh mohammed bin abdulrahman'], weight: 1, geo: true },
  { name: 'Badr Albusaidi', kind: 'person', aliases: ['albusaidi', 'badr albusaidi', 'busaidi'], weight: 1, geo: true },
  { name: 'Haitham bin Tarik', kind: 'person', aliases: ['haitham bin tarik', 'sultan haitham'], weight: 1, geo: true },
  { name: 'Recep Tayyip Erdogan', kind: 'person', aliases: ['erdogan'], weight: 0, geo: true },
  { name: 'Narendra Modi', kind: 'person', aliases: ['modi', 'narendra modi'], weight: 0, geo: true },
  { name: 'Marco Rubio', kind: 'person', aliases: ['rubio', 'marco rubio'], weight: 0, geo: true },
  { name: 'Steve Witkoff', kind: 'person', aliases: ['witkoff', 'steve witkoff'], weight: 1, geo: true },
  { name: 'Jerome Powell', kind: 'person', aliases: ['powell', 'jerome powell'], weight: 0, topics: ['macro'] },
  { name: 'Christine Lagarde', kind: 'person', aliases: ['lagarde', 'christine lagarde'], weight: 0, topics: ['macro'] },
  { name: 'Nicolas Maduro', kind: 'person', aliases: ['maduro', 'nicolas maduro'], weight: 1, geo: true },
  { name: 'Abdul-Malik al-Houthi', kind: 'person', aliases: ['abdul malik al houthi'], weight: 1, geo: true },
  { name: 'Haitham al-Ghais', kind: 'person', aliases: ['al ghais', 'haitham al ghais'], weight: 2, topics: ['opec'] },
  { name: 'Fatih Birol', kind: 'person', aliases: ['birol', 'fatih birol'], weight: 2 },
];

export interface CompiledGazetteer {
  /** Lower-cased alias phrase → entry index. */
  lower: Map<string, number>;
  /** Case-sensitive single-token alias → entry index. */
  cased: Map<string, number>;
  maxLen: number;
}

export function compileGazetteer(entries: GazetteerEntry[] = GAZETTEER): CompiledGazetteer {
  const lower = new Map<string, number>();
  const cased = new Map<string, number>();
  let maxLen = 1;
  entries.forEach((e, i) => {
    for (const a of e.aliases) {
      const key = a.toLowerCase().replace(/[-+]/g, (m) => (m === '+' ? ' +' : ' ')).replace(/\s+/g, ' ').trim();
      lower.set(key, i);
      maxLen = Math.max(maxLen, key.split(' ').length);
    }
    for (const c of e.cased ?? []) cased.set(c, i);
  });
  return { lower, cased, maxLen };
}
