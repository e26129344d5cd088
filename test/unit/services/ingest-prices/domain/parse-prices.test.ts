import { describe, expect, it } from 'vitest';
import { PriceLineParser, detectFormat, parseDecimal, parsePriceCsv, parseTime, replayDueMs, tickIdentity, toTickEvent } from '../../../../../services/ingest-prices/domain/parse-prices.ts';

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

describe('parseTime boundaries', () => {
  it('reads a number under 1e11 as epoch seconds and from 1e11 on as milliseconds', () => {
    expect(parseTime(99_999_999_999)).toBe(99_999_999_999_000);
    expect(parseTime(100_000_000_000)).toBe(100_000_000_000);
    expect(parseTime('99999999999')).toBe(99_999_999_999_000);
    expect(parseTime('100000000000')).toBe(100_000_000_000);
  });

  it('reads 9 to 13 digits, with a fraction and padding, as an epoch; other digit runs as dates', () => {
    expect(parseTime(' 1780308000.5 ')).toBe(1780308000500);
    expect(parseTime('178030800')).toBe(178030800000);
    expect(parseTime('1780308000123')).toBe(1780308000123);
    // 14 digits is no epoch this parser knows, and 8 digits is no epoch either.
    expect(parseTime('17803080001234')).not.toBe(17803080001234);
    expect(parseTime('17803080')).not.toBe(17803080000);
  });
});

describe('detectFormat', () => {
  it('needs date first and a price column for daily files, ts and price for tick files, in any case and with a BOM', () => {
    expect(detectFormat('\uFEFFDate,Price')).toBe('daily');
    expect(detectFormat(' DATE , PRICE ')).toBe('daily');
    expect(detectFormat('Price,Date')).toBe('unknown');
    expect(detectFormat('Date,Close')).toBe('unknown');
    expect(detectFormat('symbol,TS,Price')).toBe('ticks');
    expect(detectFormat('ts,close')).toBe('unknown');
    expect(detectFormat('price,size')).toBe('unknown');
    expect(detectFormat('\uFEFF  {"ts":1}')).toBe('ndjson');
    expect(detectFormat('')).toBe('unknown');
  });
});

describe('PriceLineParser', () => {
  it('stamps a daily close at the configured minute past midnight UTC', () => {
    const p = new PriceLineParser({ symbol: 'BRENT', closeUtc: '00:05' });
    expect(p.start('Date,Price')).toBe(true);
    expect(p.line('2026-06-05,80', 2)).toEqual({ ok: true, tick: { symbol: 'BRENT', ts: Date.parse('2026-06-05T00:05:00Z'), price: 80, size: null, seq: 0, line: 2 } });
    const q = new PriceLineParser({ symbol: 'BRENT', closeUtc: '23:59' });
    q.start('Date,Price');
    expect(q.line('2026-06-05,80', 2)).toMatchObject({ ok: true, tick: { ts: Date.parse('2026-06-05T23:59:00Z') } });
  });

  it('rejects a daily row whose date is not a date, and passes blank lines over', () => {
    const p = new PriceLineParser(opts);
    p.start('Date,Price');
    expect(p.line('someday,80', 2)).toEqual({ ok: false, reason: 'bad_timestamp' });
    expect(p.line(',80', 3)).toEqual({ ok: false, reason: 'bad_timestamp' });
    expect(p.line('   ', 4)).toBeNull();
    expect(p.line('', 5)).toBeNull();
  });

  it('reads the columns by their header names, in any order and case, with a BOM on the header', () => {
    const p = new PriceLineParser(opts);
    expect(p.start('\uFEFFPrice,Size,TS,Symbol,Seq')).toBe(true);
    expect(p.format).toBe('ticks');
    expect(p.line('80.5, 3 ,2026-06-01T10:00:00Z,WTI,4', 2)).toEqual({ ok: true, tick: { symbol: 'WTI', ts: Date.parse('2026-06-01T10:00:00Z'), price: 80.5, size: 3, seq: 4, line: 2 } });
    expect(p.start('nonsense')).toBe(false);
    expect(p.format).toBe('unknown');
  });

  it('falls back to the configured symbol, no size and file-order seqs when those cells are empty or absent', () => {
    const p = new PriceLineParser(opts);
    p.start('ts,symbol,price,size,seq');
    expect(p.line('2026-06-01T10:00:00Z,,80,,', 2)).toEqual({ ok: true, tick: { symbol: 'BRENT', ts: Date.parse('2026-06-01T10:00:00Z'), price: 80, size: null, seq: 0, line: 2 } });
    expect(p.line('2026-06-01T10:00:00Z,,80,,', 3)).toMatchObject({ ok: true, tick: { seq: 1 } });
    expect(p.line('2026-06-01T10:00:00Z,,80,,-1', 4)).toEqual({ ok: false, reason: 'bad_seq' });
    expect(p.line('2026-06-01T10:00:00Z,,80,,1.5', 5)).toEqual({ ok: false, reason: 'bad_seq' });
    expect(p.line('soon,,80,,', 6)).toEqual({ ok: false, reason: 'bad_timestamp' });
    const q = new PriceLineParser(opts);
    q.start('ts,price');
    expect(q.line('1780308000,80', 2)).toEqual({ ok: true, tick: { symbol: 'BRENT', ts: 1780308000000, price: 80, size: null, seq: 0, line: 2 } });
  });

  it('numbers trades per symbol and timestamp, and keeps counting at one timestamp while it forgets older ones', () => {
    const p = new PriceLineParser(opts);
    p.start('ts,symbol,price');
    const seq = (ts: number, symbol = 'BRENT') => {
      const r = p.line(`${ts},${symbol},80`, 0);
      if (!r?.ok) throw new Error('rejected');
      return r.tick.seq;
    };
    expect([seq(1e12), seq(1e12), seq(1e12, 'WTI'), seq(1e12 + 1), seq(1e12)]).toEqual([0, 1, 0, 0, 2]);
    // 10,000 timestamps are remembered (three used above)...
    for (let i = 2; i < 9_999; i++) seq(1e12 + i);
    expect(seq(1e12)).toBe(3);
    // ...the next new one makes it forget every other timestamp, but not its own.
    expect(seq(1e12 + 20_000)).toBe(0);
    expect(seq(1e12 + 20_000)).toBe(1);
    expect(seq(1e12)).toBe(0);
  });

  it('reads NDJSON field aliases and falls back where a field is missing, empty or of the wrong type', () => {
    const p = new PriceLineParser(opts);
    expect(p.start('{"ts":1}')).toBe(true);
    expect(p.format).toBe('ndjson');
    expect(p.line('{"timestamp":"2026-06-01T09:00:00Z","p":"80.5","qty":"2","symbol":""}', 7)).toEqual({ ok: true, tick: { symbol: 'BRENT', ts: Date.parse('2026-06-01T09:00:00Z'), price: 80.5, size: 2, seq: 0, line: 7 } });
    expect(p.line('{"ts":1780308000,"price":80,"volume":3,"symbol":5,"seq":null}', 8)).toEqual({ ok: true, tick: { symbol: 'BRENT', ts: 1780308000000, price: 80, size: 3, seq: 0, line: 8 } });
    expect(p.line('{"ts":1780308000,"price":80,"size":null,"seq":"12"}', 9)).toMatchObject({ ok: true, tick: { size: null, seq: 12 } });
    expect(p.line('{"ts":1780308000,"price":80,"seq":123456789012345}', 10)).toMatchObject({ ok: true, tick: { seq: 123456789012345 } });
    for (const seq of ['-1', '"-1"', '1.5', '"1234567890123456"', '9007199254740993', '"0x1"'])
      expect(p.line(`{"ts":1780308000,"price":80,"seq":${seq}}`, 11), seq).toEqual({ ok: false, reason: 'bad_seq' });
    for (const bad of ['null', '5', '"tick"', 'true']) expect(p.line(bad, 12), bad).toEqual({ ok: false, reason: 'bad_json' });
    for (const ts of ['true', 'null', '{}', '"soon"']) expect(p.line(`{"ts":${ts},"price":80}`, 13), ts).toEqual({ ok: false, reason: 'bad_timestamp' });
    expect(p.line('[80]', 14)).toEqual({ ok: false, reason: 'bad_timestamp' });
  });
});

describe('parsePriceCsv around the header', () => {
  it('finds the header after blank lines, reads CRLF, numbers lines as in the file', () => {
    const r = parsePriceCsv('\uFEFF\r\n  \r\nDate,Price\r\n2026-06-05,81\r\n\r\nnot-a-day,1\r\n2026-06-08,82\r\n', opts);
    expect(r.format).toBe('daily');
    expect(r.ticks.map((t) => [t.line, t.price])).toEqual([
      [4, 81],
      [7, 82],
    ]);
    expect(r.rejected).toEqual([{ line: 6, reason: 'bad_timestamp' }]);
  });

  it('reads the first line of NDJSON as data, even after blank lines', () => {
    const r = parsePriceCsv('\n{"ts":1780308000,"price":80}\n{"ts":1780308001,"price":81}', opts);
    expect(r.ticks.map((t) => [t.line, t.price])).toEqual([
      [2, 80],
      [3, 81],
    ]);
  });

  it('names the header it could not read, and an empty file at line 0', () => {
    expect(parsePriceCsv('\n\nwhen,value\n1,2', opts).rejected).toEqual([{ line: 3, reason: 'unknown header "when,value": expected Date,Price or ts,symbol,price[,size] or NDJSON' }]);
    expect(parsePriceCsv('', opts)).toEqual({ ticks: [], format: 'unknown', rejected: [{ line: 0, reason: 'unknown header "": expected Date,Price or ts,symbol,price[,size] or NDJSON' }] });
    expect(parsePriceCsv(' \n \n', opts).rejected).toEqual([{ line: 0, reason: 'unknown header " ": expected Date,Price or ts,symbol,price[,size] or NDJSON' }]);
  });
});

describe('tick identity and replay pacing', () => {
  it('identifies a tick by symbol, time and seq', () => {
    expect(tickIdentity({ symbol: 'BRENT', ts: 1780308000000, seq: 2 })).toBe('BRENT|1780308000000|2');
  });

  it('replays as fast as possible at a speed that is not positive', () => {
    expect(replayDueMs(0, 60_000, -2)).toBe(0);
    expect(replayDueMs(0, 60_000, NaN)).toBe(0);
    expect(replayDueMs(1_000, 61_000, 1)).toBe(60_000);
    expect(replayDueMs(1_000, 1_000, 1)).toBe(0);
  });
});

describe('parse-prices survivors of the Stryker run', () => {
  it('takes a seq of 0, a padded seq text, and refuses a seq that is neither number nor text; a null last size alias is no size', () => {
    const p = new PriceLineParser(opts);
    p.start('{"ts":1}');
    expect(p.line('{"ts":1780308000,"price":80,"seq":0}', 1)).toMatchObject({ ok: true, tick: { seq: 0 } });
    expect(p.line('{"ts":1780308000,"price":80,"seq":" 12 "}', 2)).toMatchObject({ ok: true, tick: { seq: 12 } });
    expect(p.line('{"ts":1780308000,"price":80,"seq":true}', 3)).toEqual({ ok: false, reason: 'bad_seq' });
    expect(p.line('{"ts":1780308001,"price":80,"qty":null}', 4)).toMatchObject({ ok: true, tick: { size: null } });
  });

  it('reads fractions of more than one digit in epochs and decimals', () => {
    expect(parseTime('1780308000.25')).toBe(1780308000250);
    expect(parseDecimal('.25')).toBe(0.25);
  });
});
