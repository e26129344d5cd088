import { z } from 'zod';
import { parseDateOrTime } from '../../../shared/contracts/time.ts';
import { FileTickSource } from '../adapters/file-tick-source.ts';
import { defineSource } from './define.ts';

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).describe('RFC 3339 time or YYYY-MM-DD (UTC)');

const fileFields = {
  path: z.string().min(1),
  symbol: z.string().min(1).default('BRENT'),
  /** Data time per wall time: 60 replays a minute of ticks each second; 0 replays as fast as the bus takes them. */
  speed: z.number().nonnegative().default(0),
  /** Only ticks in [from, to] are replayed. */
  from: instant.optional(),
  to: instant.optional(),
};

/** `YYYY-MM-DD` bounds cover the whole day: `to: 2018-12-31` includes that day's close. */
export function boundMs(text: string | undefined, end: boolean): number | undefined {
  if (!text) return undefined;
  return parseDateOrTime(text, { endOfDay: end });
}

// Both kinds read the same files (NDJSON is recognised by its first character); the kind only names the default `source`.
function fileSource<K extends 'csv' | 'ndjson'>(kind: K) {
  return defineSource({
    kind,
    /** A price file: daily `Date,Price` (EIA), ticks `ts,symbol,price[,size][,seq]`, or NDJSON. */
    schema: z.strictObject({ kind: z.literal(kind), ...fileFields, source: z.string().min(1).default(kind) }),
    create: (src, deps) =>
      Object.assign(
        new FileTickSource(src.path, src.path, { symbol: src.symbol, closeUtc: deps.dailyCloseUtc, batchSize: deps.batchSize, fromMs: boundMs(src.from, false), toMs: boundMs(src.to, true) }),
        { source: src.source, speed: src.speed },
      ),
  });
}

export const csvSource = fileSource('csv');
export const ndjsonSource = fileSource('ndjson');
