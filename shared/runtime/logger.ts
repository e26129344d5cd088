import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redactDeep, redactText } from './redact.ts';

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
  'analystPassword',
  '*.analystPassword',
];

/**
 * Secrets inside values: a URL's password, userinfo token or key-like query parameters are
 * masked in every string of a log call (message and fields, a few levels deep) and in a
 * logged error's message and stack, wherever the URL came from (`store.url`, a feed, a
 * webhook target, a vendor error quoting its request). See redact.ts.
 */
const hooks: pino.LoggerOptions['hooks'] = {
  logMethod(args, method) {
    return method.apply(this, args.map((a) => redactDeep(a)) as Parameters<typeof method>);
  },
};

function errSerializer(err: unknown): unknown {
  // `err` is often a message string (`{ err: error.message }`), which pino passes through as it is.
  if (!(err instanceof Error)) return redactDeep(err);
  // pino's serialized error is not a plain object (its own prototype): its fields are redacted in place.
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) out[k] = typeof v === 'string' ? redactText(v) : redactDeep(v, 3);
  return out;
}

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
  const logger = pino(
    {
      name: options.name ?? 'oilwire',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks,
      serializers: { err: errSerializer },
      base: undefined,
    },
    destinationFor(options),
  );
  return withRedactedChildren(logger);
}

/**
 * A child's bindings (`logger.child({ feed: url })`) go on every line without passing the hook (pino
 * applies its bindings formatter to the root only): they are redacted when the child is made. Children
 * inherit this `child` from the root, so grandchildren are covered too.
 */
function withRedactedChildren(logger: Logger): Logger {
  const child = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, options) {
    return child.call(this, redactDeep(bindings), options);
  } as Logger['child'];
  return logger;
}

export const silentLogger: Logger = pino({ level: 'silent' });
