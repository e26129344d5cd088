/**
 * The demo's own sample data: a morning of mediation, war and supply headlines and a
 * simulated Brent tape that reacts to them, so a newcomer sees a real price reaction
 * measured end to end without any network.
 */
export const DEMO_DAY = '2026-06-01';
export const DEMO_SYMBOL = 'BRENT';

export interface DemoHeadline {
  at: string;
  title: string;
  summary: string;
  source: string;
  /** The price move the simulated market makes in the minutes after it (bps). */
  moveBps: number;
}

export const DEMO_HEADLINES: DemoHeadline[] = [
  { at: '09:20', source: 'Gulf Wire', moveBps: -120, title: 'Qatar-mediated US-Iran talks reach breakthrough as ceasefire framework is agreed', summary: 'Negotiators in Doha agreed a framework for a ceasefire and a path to easing restrictions on Iranian oil exports.' },
  { at: '09:45', source: 'Maritime Desk', moveBps: 150, title: 'Missile strikes tanker near the Strait of Hormuz, shipping insurers raise war-risk premiums', summary: 'A crude tanker was hit off the coast; insurers said premiums for Gulf voyages would rise.' },
  { at: '10:10', source: 'Energy Daily', moveBps: 200, title: 'OPEC+ agrees surprise output cut of 1 million barrels per day', summary: 'The group said the cut would take effect next month to support prices.' },
  { at: '10:35', source: 'Gulf Wire', moveBps: -60, title: 'Oman says US and Iranian envoys will resume nuclear talks in Muscat next week', summary: 'Omani officials confirmed a new round of indirect talks.' },
  { at: '10:50', source: 'Policy Watch', moveBps: 80, title: 'US Treasury imposes new sanctions on Iranian oil exports and shipping network', summary: 'The measures target tankers and traders moving Iranian crude.' },
  { at: '11:05', source: 'Energy Daily', moveBps: -70, title: 'EIA reports unexpected crude inventory build of 5 million barrels', summary: 'US commercial crude stocks rose against expectations of a draw.' },
  { at: '11:20', source: 'Gulf Wire', moveBps: 110, title: 'Ceasefire talks collapse as Iran rejects US proposal', summary: 'Mediators said the talks broke down after Tehran rejected the latest draft.' },
  { at: '11:40', source: 'Energy Daily', moveBps: -90, title: 'Saudi Arabia signals it will raise production to regain market share', summary: 'Officials indicated higher output from next quarter.' },
];

export const DEMO_TICKS = { start: `${DEMO_DAY}T09:00:00Z`, intervalSec: 10, count: 6 * 60 * 4 + 1, startPrice: 82.4, volBps: 2, seed: 2026 };

export const DEMO_HORIZONS = ['1m', '5m', '15m', '30m', '60m'] as const;

export function headlineTime(h: DemoHeadline): string {
  return `${DEMO_DAY}T${h.at}:00Z`;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function demoFeedXml(): string {
  const items = DEMO_HEADLINES.map(
    (h, i) => `    <item>
      <title>${xml(h.title)}</title>
      <link>https://demo.oilwire.invalid/news/${i + 1}</link>
      <guid isPermaLink="false">oilwire-demo-${i + 1}</guid>
      <pubDate>${new Date(headlineTime(h)).toUTCString()}</pubDate>
      <description>${xml(h.summary)}</description>
      <category>${xml(h.source)}</category>
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>oilwire demo wire</title>
    <link>https://demo.oilwire.invalid/</link>
    <description>Sample headlines written for the oilwire demo</description>
${items.join('\n')}
  </channel>
</rss>
`;
}
