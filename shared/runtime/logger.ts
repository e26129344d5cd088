import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** Keys that never reach a log line, wherever they sit in a logged object. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'tokens',
  '*.tokens',
  'secret',
  '*.secret',
  '*.secrets',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  'store.password',
  'api.tokens',
];

/**
 * A terminal gets pino-pretty's readable lines (`OILWIRE_LOG_JSON=1` keeps JSON); a pipe or a
 * file gets JSON, one object per line, for machines. Synchronous, so the last lines before
 * Ctrl-C or an exit are written.
 */
function destinationFor(options: { destination?: NodeJS.WritableStream; pretty?: boolean }): pino.DestinationStream {
  const wantPretty = options.pretty ?? (options.destination === undefined && Boolean(process.stderr.isTTY) && !process.env.OILWIRE_LOG_JSON);
  if (wantPretty) return pretty({ destination: options.destination ?? 2, sync: true, colorize: options.destination === undefined, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' });
  return (options.destination as pino.DestinationStream | undefined) ?? pino.destination(2);
}

/** Logs go to stderr so that a command's own output on stdout stays clean for pipes. */
export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream; pretty?: boolean } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'oilwire',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    destinationFor(options),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
