import { describe, expect, it } from 'vitest';
import { parseHeadlines, toNewsRaw } from '../../../../cli/study/headlines.ts';
import { newsRawV1 } from '../../../../shared/contracts/events.ts';
import { AppError } from '../../../../shared/errors.ts';

describe('parseHeadlines', () => {
  it('parses quoted commas in headlines and reports unreadable rows', () => {
    const p = parseHeadlines('date,headline\n2018-12-31,"Wall Street rises , limps across the finish line"\nyesterday,bad\n2018-12-30,\n', 'reuters');
    expect(p.headlines).toEqual([{ ts: Date.parse('2018-12-31T00:00:00Z'), precision: 'date', source: 'reuters', headline: 'Wall Street rises , limps across the finish line', line: 2 }]);
    expect(p.rejected).toEqual([
      { line: 3, reason: 'bad_date' },
      { line: 4, reason: 'empty_headline' },
    ]);
  });

  it('reads ts,source,headline with times, an empty source falling back to the file\'s, and refuses an unknown header', () => {
    const p = parseHeadlines('ts,source,headline\n2026-05-20 08:15,Energy Desk,OPEC+ cut\n2026-05-20T09:00:00+02:00,,Tanker seized\n', 'file');
    expect(p.headlines).toEqual([
      { ts: Date.parse('2026-05-20T08:15:00Z'), precision: 'time', source: 'Energy Desk', headline: 'OPEC+ cut', line: 2 },
      { ts: Date.parse('2026-05-20T07:00:00Z'), precision: 'time', source: 'file', headline: 'Tanker seized', line: 3 },
    ]);
    expect(() => parseHeadlines('when,what\n2026-05-20,x\n', 'file')).toThrow(AppError);
  });
});

describe('toNewsRaw', () => {
  it('makes a valid news.raw event whose id depends on the day of a date-only headline, its text and source', () => {
    const h = { ts: Date.parse('2026-05-20T00:00:00Z'), precision: 'date' as const, source: 'reuters', headline: 'OPEC+ cut', line: 2 };
    const e = toNewsRaw(h);
    expect(newsRawV1.safeParse(e).success).toBe(true);
    expect(e).toMatchObject({ published_at: '2026-05-20T00:00:00.000Z', published_precision: 'date', source: 'reuters', title: 'OPEC+ cut', tags: ['study'] });
    expect(toNewsRaw({ ...h }).id).toBe(e.id);
    expect(toNewsRaw({ ...h, source: 'other' }).id).not.toBe(e.id);
    expect(toNewsRaw({ ...h, headline: 'OPEC+ cuts' }).id).not.toBe(e.id);
  });
});
