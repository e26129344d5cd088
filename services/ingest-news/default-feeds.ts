/**
 * Public feeds that move or explain Brent: world and Middle East desks, energy and markets
 * sections, and news-search feeds for the diplomacy that oil trades on. A config file with
 * its own `ingestNews.feeds` replaces this list whole.
 */
const googleNews = (query: string) => `https://news.google.com/rss/search?q=${encodeURIComponent(query)}&hl=en-US&gl=US&ceid=US:en`;

interface DefaultFeed {
  url: string;
  name: string;
  tags: string[];
  pollIntervalSec?: number;
}

const feed = (name: string, url: string, tags: string[], pollIntervalSec?: number): DefaultFeed => ({ name, url, tags, ...(pollIntervalSec ? { pollIntervalSec } : {}) });

export const DEFAULT_FEEDS: DefaultFeed[] = [
  feed('bbc-world', 'https://feeds.bbci.co.uk/news/world/rss.xml', ['world']),
  feed('bbc-middle-east', 'https://feeds.bbci.co.uk/news/world/middle_east/rss.xml', ['middle-east']),
  feed('bbc-business', 'https://feeds.bbci.co.uk/news/business/rss.xml', ['markets']),
  feed('aljazeera', 'https://www.aljazeera.com/xml/rss/all.xml', ['world', 'middle-east']),
  feed('guardian-world', 'https://www.theguardian.com/world/rss', ['world']),
  feed('guardian-middle-east', 'https://www.theguardian.com/world/middleeast/rss', ['middle-east']),
  feed('guardian-oil', 'https://www.theguardian.com/business/oil/rss', ['energy']),
  feed('nyt-world', 'https://rss.nytimes.com/services/xml/rss/nyt/World.xml', ['world']),
  feed('nyt-middle-east', 'https://rss.nytimes.com/services/xml/rss/nyt/MiddleEast.xml', ['middle-east']),
  feed('nyt-energy', 'https://rss.nytimes.com/services/xml/rss/nyt/EnergyEnvironment.xml', ['energy']),
  feed('cnbc-energy', 'https://www.cnbc.com/id/19836768/device/rss/rss.html', ['energy', 'markets']),
  feed('cnbc-world', 'https://www.cnbc.com/id/100727362/device/rss/rss.html', ['world', 'markets']),
  feed('france24-middle-east', 'https://www.france24.com/en/middle-east/rss', ['middle-east']),
  feed('dw-world', 'https://rss.dw.com/rdf/rss-en-world', ['world']),
  feed('oilprice', 'https://oilprice.com/rss/main', ['energy', 'markets']),
  feed('eia-today-in-energy', 'https://www.eia.gov/rss/todayinenergy.xml', ['energy'], 3600),
  // Search feeds share one host: they are polled less often, one at a time (see the per-host gate).
  feed('gnews-qatar-mediation', googleNews('Qatar mediation'), ['search', 'mediation', 'middle-east'], 900),
  feed('gnews-iran-talks', googleNews('Iran talks'), ['search', 'mediation', 'sanctions'], 900),
  feed('gnews-opec', googleNews('OPEC'), ['search', 'opec', 'energy'], 900),
  feed('gnews-brent-crude', googleNews('Brent crude'), ['search', 'energy', 'markets'], 900),
  feed('gnews-hormuz', googleNews('Strait of Hormuz'), ['search', 'shipping', 'military'], 900),
  feed('gnews-red-sea-shipping', googleNews('Red Sea shipping Houthi'), ['search', 'shipping', 'military'], 900),
  feed('gnews-oil-sanctions', googleNews('oil sanctions'), ['search', 'sanctions', 'energy'], 900),
  feed('gnews-ceasefire', googleNews('ceasefire talks Middle East'), ['search', 'ceasefire', 'middle-east'], 900),
];
