/**
 * createLogger in-process: its defaults, the redacted keys, the error serializer, child bindings,
 * and which destination it picks (pino-pretty and pino.destination are watched, not replaced, so
 * the lines are real). The terminal-or-pipe choice in a real child process is in
 * test/integration/shared/runtime/logger-pretty.test.ts.
 */
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';

const prettyCalls: Record<string, unknown>[] = [];
vi.mock('pino-pretty', async (importOriginal) => {
  const real = ((await importOriginal()) as { default: (o: object) => NodeJS.WritableStream }).default;
  return {
    default: (options: Record<string, unknown>) => {
      prettyCalls.push({ ...options }); // a copy: pino-pretty adds its own keys to the object
      // fd 2 would write into the test runner's stderr: the same stream on a sink instead.
      return real(options.destination === 2 ? { ...options, destination: sink().stream } : options);
    },
  };
});

// Loaded afresh inside each test: REDACT_PATHS, the hooks and silentLogger are built while the module
// loads, and a mutant there must fail the test that looks at it, not only the first test to import it.
const load = () => {
  vi.resetModules();
  return import('../../../../shared/runtime/logger.ts');
};

function sink() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text, lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}
const flush = () => new Promise((r) => setImmediate(r));

const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
const json = process.env.OILWIRE_LOG_JSON;
afterEach(() => {
  prettyCalls.length = 0;
  vi.restoreAllMocks();
  if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
  else delete (process.stderr as { isTTY?: boolean }).isTTY;
  if (json === undefined) delete process.env.OILWIRE_LOG_JSON;
  else process.env.OILWIRE_LOG_JSON = json;
});

describe('createLogger', () => {
  it('logs at info under the name oilwire by default, without pid or hostname', async () => {
    const { createLogger } = await load();
    const out = sink();
    const log = createLogger({ destination: out.stream });
    log.debug('not shown');
    log.info({ n: 1 }, 'shown');
    await flush();
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(Object.keys(lines[0]!).sort()).toEqual(['level', 'msg', 'n', 'name', 'time']);
    expect(lines[0]).toMatchObject({ level: 30, name: 'oilwire', n: 1, msg: 'shown' });
  });

  it('takes the level and name it is given', async () => {
    const { createLogger } = await load();
    const out = sink();
    const log = createLogger({ destination: out.stream, level: 'debug', name: 'scorer' });
    log.trace('not shown');
    log.debug('shown');
    await flush();
    expect(out.lines().map((l) => [l.level, l.name, l.msg])).toEqual([[20, 'scorer', 'shown']]);
  });

  it('masks every listed secret key where the list puts it, and leaves other keys alone', async () => {
    const { createLogger, REDACT_PATHS } = await load();
    const out = sink();
    createLogger({ destination: out.stream }).info(
      {
        password: 'p1',
        token: 't1',
        tokens: ['t2'],
        secret: 's1',
        authorization: 'Bearer a1',
        analystPassword: 'ap1',
        headers: { authorization: 'Bearer a2', accept: 'text/plain' },
        req: { headers: { authorization: 'Bearer a3' } },
        store: { password: 'p2', url: 'http://ch:8123' },
        api: { tokens: ['t3'], port: 8787 },
        feed: { password: 'p3', token: 't4', tokens: ['t5'], secret: 's2', secrets: ['s3'], authorization: 'a4', analystPassword: 'ap2', name: 'kept' },
        target: { headers: { authorization: 'Bearer a5' } },
      },
      'config',
    );
    await flush();
    const line = out.lines()[0]!;
    const r = '[redacted]';
    expect(line).toMatchObject({
      password: r,
      token: r,
      tokens: r,
      secret: r,
      authorization: r,
      analystPassword: r,
      headers: { authorization: r, accept: 'text/plain' },
      req: { headers: { authorization: r } },
      store: { password: r, url: 'http://ch:8123' },
      api: { tokens: r, port: 8787 },
      feed: { password: r, token: r, tokens: r, secret: r, secrets: r, authorization: r, analystPassword: r, name: 'kept' },
      target: { headers: { authorization: r } },
    });
    expect(JSON.stringify(line)).not.toMatch(/p[123]|t[1-5]|s[123]|a[1-5]|ap[12]/);
    expect(REDACT_PATHS).toEqual([
      'password', '*.password', 'token', '*.token', 'tokens', '*.tokens', 'secret', '*.secret', '*.secrets',
      'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', '*.headers.authorization',
      'store.password', 'api.tokens', 'analystPassword', '*.analystPassword',
    ]);
  });

  it('masks secrets inside the message and the fields of a log call', async () => {
    const { createLogger } = await load();
    const out = sink();
    createLogger({ destination: out.stream }).warn({ url: 'https://u:pw1@h.example/rss' }, 'cannot fetch %s', 'https://h.example/?token=tk1');
    await flush();
    expect(out.lines()[0]).toMatchObject({ url: 'https://u:***@h.example/rss', msg: 'cannot fetch https://h.example/?token=***' });
  });

  it('serializes an error with its message, stack and own fields masked, other values kept', async () => {
    const { createLogger } = await load();
    const out = sink();
    const err = Object.assign(new Error('fetch https://u:pw1@h.example/x failed'), { code: 5, status: 'https://h.example/?apikey=k1', extra: { url: 'https://h.example/?token=tk1' } });
    createLogger({ destination: out.stream }).error({ err }, 'failed');
    await flush();
    const e = out.lines()[0]!.err as Record<string, unknown>;
    expect(e).toMatchObject({ type: 'Error', message: 'fetch https://u:***@h.example/x failed', code: 5, status: 'https://h.example/?apikey=***', extra: { url: 'https://h.example/?token=***' } });
    expect(e.stack).toMatch(/^Error: fetch https:\/\/u:\*\*\*@h\.example\/x failed\n {4}at /);
    expect(JSON.stringify(e)).not.toMatch(/pw1|k1|tk1/);
  });

  it('masks an err that is a message string or an object, not an Error', async () => {
    const { createLogger } = await load();
    const out = sink();
    const log = createLogger({ destination: out.stream });
    log.error({ err: 'https://u:pw1@h.example/' }, 'as text');
    log.error({ err: { url: 'https://h.example/?token=tk1', n: 2 } }, 'as object');
    await flush();
    expect(out.lines().map((l) => l.err)).toEqual(['https://u:***@h.example/', { url: 'https://h.example/?token=***', n: 2 }]);
  });

  it("masks a child's and a grandchild's bindings, and keeps the child's options", async () => {
    const { createLogger } = await load();
    const out = sink();
    const child = createLogger({ destination: out.stream }).child({ feed: 'https://u:pw1@h.example/rss' }, { level: 'warn' });
    child.info('not shown');
    child.child({ hook: 'https://h.example/?apikey=k1' }).warn('shown');
    await flush();
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ feed: 'https://u:***@h.example/rss', hook: 'https://h.example/?apikey=***', msg: 'shown' });
  });

  it('writes JSON to a given stream unless asked for pretty lines, and pretty lines there without colour', async () => {
    const { createLogger } = await load();
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    delete process.env.OILWIRE_LOG_JSON;
    const out = sink();
    createLogger({ destination: out.stream }).info('as json');
    await flush();
    expect(prettyCalls).toEqual([]);
    expect(out.lines()[0]).toMatchObject({ msg: 'as json' });

    const pretty = sink();
    createLogger({ destination: pretty.stream, pretty: true }).info({ horizon: '5m' }, 'as text');
    await flush();
    expect(prettyCalls).toEqual([{ destination: pretty.stream, sync: true, colorize: false, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' }]);
    expect(pretty.text()).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: as text\n {4}horizon: "5m"\n$/);
  });

  it('writes pretty, coloured lines to stderr on a terminal, and JSON to stderr on a pipe or with OILWIRE_LOG_JSON', async () => {
    const { createLogger } = await load();
    delete process.env.OILWIRE_LOG_JSON;
    const fd2 = sink();
    const destination = vi.spyOn(pino, 'destination').mockImplementation(() => fd2.stream as never);

    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    createLogger();
    expect(prettyCalls).toEqual([{ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' }]);
    expect(destination).not.toHaveBeenCalled();

    process.env.OILWIRE_LOG_JSON = '1';
    createLogger().info('json on a terminal');
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    delete process.env.OILWIRE_LOG_JSON;
    createLogger().info('json on a pipe');
    Object.defineProperty(process.stderr, 'isTTY', { value: undefined, configurable: true });
    createLogger().info('json, no tty flag');
    await flush();
    expect(prettyCalls).toHaveLength(1);
    expect(destination.mock.calls).toEqual([[2], [2], [2]]);
    expect(fd2.lines().map((l) => l.msg)).toEqual(['json on a terminal', 'json on a pipe', 'json, no tty flag']);

    // `pretty: false` wins over a terminal.
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    createLogger({ pretty: false });
    expect(prettyCalls).toHaveLength(1);
  });
});

describe('silentLogger', () => {
  it('writes nothing at any level', async () => {
    const { silentLogger } = await load();
    expect(silentLogger.level).toBe('silent');
    expect(silentLogger.isLevelEnabled('fatal')).toBe(false);
  });
});
