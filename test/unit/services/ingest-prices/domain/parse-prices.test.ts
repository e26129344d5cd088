import { describe, expect, it } from 'vitest';
import { detectFormat, parseDecimal, parsePriceCsv, parseTime, replayDueMs, toTickEvent } from '../../../../../services/ingest-prices/domain/parse-prices.ts';

const opts = { symbol: 'BRENT', closeUtc: '19:30' };

describe('parsePriceCsv', () => {
  it('stamps a daily close at the end of its session (19:30 UTC), never at the midnight before it', () => {
    const r = parsePriceCsv('Date,Price\n2026-06-05,81.25\n2026-06-08,83\n', opts);
    expect(r.format).toBe('daily');
    expect(r.ticks.map((t) => [new Date(t.ts).toISOString(), t.price, t.seq])).toEqual([
      ['2026-06-05T19:30:00.000Z', 81.25, 0],
      ['2026-06-08T19:30:00.000Z', 83, 0],
    ]);
  });

  it('gives a repeated date the same identity (a day has one close)', () => {
    const r = parsePriceCsv('Date,Price\n2026-06-05,81\n2026-06-05,81\n', opts);
    expect(r.ticks.map((t) => [t.ts, t.seq])).toEqual([
      [Date.parse('2026-06-05T19:30:00Z'), 0],
      [Date.parse('2026-06-05T19:30:00Z'), 0],
    ]);
  });

  it('numbers trades sharing a timestamp in file order, takes an explicit seq column, and reads sizes', () => {
    const r = parsePriceCsv('ts,symbol,price,size\n2026-06-01T10:00:00Z,BRENT,80,5\n2026-06-01T10:00:00Z,BRENT,80.1,\n1780308060,WTI,75,2\n', opts);
    expect(r.ticks.map((t) => [t.symbol, new Date(t.ts).toISOString(), t.price, t.size, t.seq])).toEqual([
      ['BRENT', '2026-06-01T10:00:00.000Z', 80, 5, 0],
      ['BRENT', '2026-06-01T10:00:00.000Z', 80.1, null, 1],
      ['WTI', '2026-06-01T10:01:00.000Z', 75, 2, 0],
    ]);
    expect(parsePriceCsv('ts,price,seq\n2026-06-01 10:00:00,80,7\n', opts).ticks[0]).toMatchObject({ ts: Date.parse('2026-06-01T10:00:00Z'), seq: 7 });
  });

  it('reads NDJSON and reports unreadable lines with a reason instead of stopping', () => {
    const r = parsePriceCsv('{"ts":"2026-06-01T10:00:00Z","price":80,"size":1}\nnot json\n{"ts":"yesterday","price":1}\n{"time":1780308000000,"close":"80.5","symbol":"WTI","seq":3}\n', opts);
    expect(r.format).toBe('ndjson');
    expect(r.ticks.map((t) => [t.symbol, t.ts, t.price, t.seq])).toEqual([
      ['BRENT', Date.parse('2026-06-01T10:00:00Z'), 80, 0],
      ['WTI', 1780308000000, 80.5, 3],
    ]);
    expect(r.rejected).toEqual([
      { line: 2, reason: 'bad_json' },
      { line: 3, reason: 'bad_timestamp' },
    ]);
  });

  it('passes a missing or non-numeric price through as NaN for validation to count', () => {
    expect(parsePriceCsv('Date,Price\n2026-06-05,.\n', opts).ticks[0].price).toBeNaN();
  });

  it('reads plain decimals only: hex, binary, octal, exponents, Infinity, separators and blanks are NaN', () => {
    for (const ok of ['81.25', ' 81.25 ', '-0.5', '+3', '.5', '5.', '1200', '0']) expect(parseDecimal(ok), ok).toBe(Number(ok));
    for (const bad of ['0x50', '0X50', '0b101', '0o17', '1e3', '8.1E+01', 'Infinity', '-Infinity', 'NaN', '', '   ', '1,234', '1_000', '81.25.3', '$81', '81 25', '\u0660', '٨١', '--1', '0x', '.', '+', 'null', '1n'])
      expect(parseDecimal(bad), JSON.stringify(bad)).toBeNaN();
    expect(parseDecimal(81.25)).toBe(81.25);
    for (const bad of [Infinity, NaN, null, undefined, true, {}, [81]]) expect(parseDecimal(bad), String(bad)).toBeNaN();
  });

  it('applies that reading to prices, sizes and seqs of CSV and NDJSON files', () => {
    const csv = parsePriceCsv('ts,symbol,price,size,seq\n2026-06-05T10:00:00Z,BRENT,0x50,1,0\n2026-06-05T10:00:01Z,BRENT,80,1e3,0\n2026-06-05T10:00:02Z,BRENT,80,1,0x1\n2026-06-05T10:00:03Z,BRENT,Infinity,,\n', opts);
    expect(csv.ticks.map((t) => t.price)).toEqual([NaN, 80, NaN]);
    expect(csv.ticks[1].size).toBeNaN();
    expect(csv.rejected).toEqual([{ line: 4, reason: 'bad_seq' }]);
    const nd = parsePriceCsv(['{"ts":1780000000000,"price":"0x50"}', '{"ts":1780000000001,"price":1e400}', '{"ts":1780000000002,"price":"81.5","size":"  "}', '{"ts":1780000000003,"price":81.5,"seq":"1e1"}'].join('\n'), opts);
    expect(nd.ticks.map((t) => t.price)).toEqual([NaN, NaN, 81.5]);
    expect(nd.ticks[2].size).toBeNaN();
    expect(nd.rejected).toEqual([{ line: 4, reason: 'bad_seq' }]);
  });

  it('refuses an unknown header', () => {
    const r = parsePriceCsv('when,value\n1,2\n', opts);
    expect(r.format).toBe('unknown');
    expect(r.rejected[0].reason).toMatch(/unknown header/);
    expect(detectFormat('ts,symbol,price')).toBe('ticks');
  });

  it('reads times as UTC when they carry no zone, and epoch seconds or milliseconds', () => {
    expect(parseTime('2026-06-01 10:00:00')).toBe(Date.parse('2026-06-01T10:00:00Z'));
    expect(parseTime('2026-06-01T12:00:00+02:00')).toBe(Date.parse('2026-06-01T10:00:00Z'));
    expect(parseTime('1780308000')).toBe(1780308000000);
    expect(parseTime(1780308000123)).toBe(1780308000123);
  });

  it('makes the bus event of a tick', () => {
    expect(toTickEvent({ symbol: 'BRENT', ts: Date.parse('2026-06-01T10:00:00Z'), price: 80, size: null, seq: 2, line: 1 }, 'csv')).toEqual({
      schema: 'prices.ticks/v1',
      symbol: 'BRENT',
      ts: '2026-06-01T10:00:00.000Z',
      price: 80,
      size: null,
      source: 'csv',
      seq: 2,
    });
  });
});

describe('replayDueMs', () => {
  it('spaces ticks by data time divided by the speed factor', () => {
    expect(replayDueMs(0, 60_000, 60)).toBe(1_000);
    expect(replayDueMs(0, 86_400_000, 86_400)).toBe(1_000);
    expect(replayDueMs(0, 60_000, 0)).toBe(0);
    expect(replayDueMs(10_000, 5_000, 1)).toBe(0);
  });
});
