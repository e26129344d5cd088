import pino, { type Logger } from 'pino';

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

/** Logs go to stderr so that a command's own output on stdout stays clean for pipes. */
export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'oilwire',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    (options.destination as pino.DestinationStream | undefined) ?? pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
