import { describe, expect, it } from 'vitest';
import { droppedTotal, pollReport } from '../../../../../services/ingest-news/domain/poll-report.ts';

describe('droppedTotal', () => {
  it('sums the drops of every reason', () => {
    expect(droppedTotal({})).toBe(0);
    expect(droppedTotal({ empty_item: 2, over_item_limit: 5 })).toBe(7);
  });
});

describe('pollReport', () => {
  it('keeps a quiet poll at debug, with no warning', () => {
    expect(pollReport(0, {}, {})).toEqual({ warn: false, level: 'debug' });
  });

  it('reports a poll that published at info', () => {
    expect(pollReport(1, {}, {})).toEqual({ warn: false, level: 'info' });
  });

  it('puts benign repairs on the info line without a warning', () => {
    expect(pollReport(0, {}, { no_guid: 3 })).toEqual({ warn: false, level: 'info' });
    expect(pollReport(0, {}, { doctype_removed: 0 })).toEqual({ warn: false, level: 'info' });
  });

  it('warns for a lost item and for each hostile repair', () => {
    expect(pollReport(0, { empty_item: 1 }, {})).toEqual({ warn: true, level: 'debug' });
    expect(pollReport(2, { over_item_limit: 1 }, {})).toEqual({ warn: true, level: 'info' });
    expect(pollReport(0, {}, { doctype_removed: 1 })).toEqual({ warn: true, level: 'info' });
    expect(pollReport(0, {}, { entity_declarations: 1 })).toEqual({ warn: true, level: 'info' });
    expect(pollReport(0, { empty_item: 0 }, {})).toEqual({ warn: false, level: 'debug' });
  });
});
