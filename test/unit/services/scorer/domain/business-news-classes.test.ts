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

  it('does not read the form of a takeover bid as a threat', () => {
    expect(tone('Engineering group launches hostile bid for rival')).not.toBe('negative');
  });
});
