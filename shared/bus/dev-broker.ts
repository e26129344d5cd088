/**
 * The Kafka dev broker: `infra/dev-broker/dev-broker.c` on librdkafka's mock cluster, a real
 * Kafka wire protocol on localhost for tests and local runs where no Kafka is installed.
 * Built on demand (the binary lives outside git), driven through its stdin command loop.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dlqTopic, TOPIC_PARTITIONS } from '../contracts/events.ts';
import { AppError } from '../errors.ts';
import { silentLogger, type Logger } from '../runtime/logger.ts';

const DEV_BROKER_DIR = fileURLToPath(new URL('../../infra/dev-broker/', import.meta.url));
export const DEV_BROKER_SOURCE = join(DEV_BROKER_DIR, 'dev-broker.c');
export const DEV_BROKER_BINARY = join(DEV_BROKER_DIR, 'build', 'dev-broker');

/**
 * librdkafka is linked statically so that the broker can wrap the mock's internal log append and
 * set its retention (the shared library hides that symbol). Its own dependencies stay dynamic and
 * are named by file, since Debian installs only their runtime libraries with librdkafka-dev.
 */
const DEV_BROKER_LINK = [
  '-Wl,--wrap=rd_kafka_mock_partition_log_append',
  '-Wl,-Bstatic',
  '-lrdkafka',
  '-Wl,-Bdynamic',
  '-l:liblz4.so.1',
  '-l:libzstd.so.1',
  '-l:libsasl2.so.2',
  '-lssl',
  '-lcrypto',
  '-lz',
  '-lm',
  '-ldl',
  '-lpthread',
  '-lrt',
];

/**
 * Log kept per partition (bytes) unless told otherwise: far more than a test or a local run
 * produces, so a consumer that falls behind still finds its offset. librdkafka's mock alone keeps
 * 5 MB and drops the rest silently.
 */
export const DEFAULT_RETENTION_BYTES = 1024 * 1024 * 1024;

export interface DevBrokerStats {
  /** Per partition; 0 is unlimited. */
  retentionBytes: number;
  appendedBatches: number;
  /** Batches the broker deleted to stay within retention: a consumer behind them loses data. */
  droppedBatches: number;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}

/** The project's topics with their partition counts, and a one-partition `.dlq` beside each (as the CLI's runtime creates them). */
export function defaultDevBrokerTopics(): TopicSpec[] {
  return Object.entries(TOPIC_PARTITIONS).flatMap(([topic, partitions]) => [
    { topic, partitions },
    { topic: dlqTopic(topic), partitions: 1 },
  ]);
}

export interface BuildDevBrokerOptions {
  /** Rebuild even when the binary is newer than the source. */
  force?: boolean;
  /** C compiler (default `$CC` or `cc`). */
  cc?: string;
  logger?: Logger;
}

/**
 * Compiles the dev broker if the binary is missing or older than its source, and returns the
 * binary's path. The compiler writes to a temporary file renamed into place, so concurrent
 * builds (test workers, a CLI in another shell) never run a half-written binary.
 */
export async function buildDevBroker(options: BuildDevBrokerOptions = {}): Promise<string> {
  if (!existsSync(DEV_BROKER_SOURCE)) throw new AppError('CONFIG_INVALID', `dev broker source not found at ${DEV_BROKER_SOURCE}`);
  if (!options.force && existsSync(DEV_BROKER_BINARY) && statSync(DEV_BROKER_BINARY).mtimeMs >= statSync(DEV_BROKER_SOURCE).mtimeMs) {
    return DEV_BROKER_BINARY;
  }
  const cc = options.cc ?? process.env.CC ?? 'cc';
  mkdirSync(dirname(DEV_BROKER_BINARY), { recursive: true });
  const tmp = `${DEV_BROKER_BINARY}.${process.pid}.${Date.now()}.tmp`;
  const logger = options.logger ?? silentLogger;
  logger.info({ cc, source: DEV_BROKER_SOURCE }, 'building the Kafka dev broker');
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(cc, ['-O2', '-o', tmp, DEV_BROKER_SOURCE, ...DEV_BROKER_LINK], { timeout: 120_000 }, (err, _stdout, stderr) => {
        if (!err) return resolve();
        reject(explainBuildFailure(cc, err, stderr));
      });
    });
    renameSync(tmp, DEV_BROKER_BINARY);
  } finally {
    rmSync(tmp, { force: true });
  }
  return DEV_BROKER_BINARY;
}

function explainBuildFailure(cc: string, err: Error & { code?: string | number | null }, stderr: string): AppError {
  const install = 'apt-get install -y --no-install-recommends librdkafka-dev build-essential';
  if (err.code === 'ENOENT') {
    return new AppError('CONFIG_INVALID', `no C compiler '${cc}' to build the Kafka dev broker (${install})`, { cause: err, details: { missing: 'cc' } });
  }
  if (/librdkafka\/rdkafka(_mock)?\.h|cannot find -lrdkafka|lrdkafka: No such file/.test(stderr)) {
    return new AppError('CONFIG_INVALID', `librdkafka-dev is not installed: the Kafka dev broker needs it (${install})`, {
      cause: err,
      details: { missing: 'librdkafka-dev', stderr: stderr.slice(0, 2000) },
    });
  }
  return new AppError('INTERNAL', `building the Kafka dev broker failed: ${stderr.trim().slice(0, 2000) || err.message}`, { cause: err });
}

export interface DevBrokerOptions {
  /** Number of brokers, ids 1..N (default 3). */
  brokers?: number;
  /** Topics created at start (default: `defaultDevBrokerTopics()`); pass `[]` for none. */
  topics?: TopicSpec[];
  /** Use this binary instead of building `infra/dev-broker` (default: build on demand). */
  binary?: string;
  logger?: Logger;
  /** Deadline for the bootstrap line and for each command's answer (default 10 s). */
  timeoutMs?: number;
  /** Log kept per partition in bytes (default `DEFAULT_RETENTION_BYTES`, 0: unlimited); older batches are deleted. */
  retentionBytes?: number;
}

export interface DevBroker {
  /** `host:port,host:port,...`, ready for `brokers: bootstrap.split(',')`. */
  readonly bootstrap: string;
  readonly brokers: string[];
  readonly pid: number;
  /** Sends one command line and resolves with its `ok ...` answer; an `err ...` answer rejects. */
  command(line: string): Promise<string>;
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  /** Creates a topic; an existing topic is left as it is. */
  createTopic(name: string, partitions: number): Promise<void>;
  /** Creates each topic that does not exist yet: the `createTopics` a KafkaBus needs on the mock cluster. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** The next `count` requests of `apiKey` (number or name such as `Produce`) fail with `errorCode` (number or name). */
  injectErrors(apiKey: number | string, count: number, errorCode: number | string): Promise<void>;
  setRtt(id: number, ms: number): Promise<void>;
  /** Changes the retention for the batches produced from now on (bytes per partition, 0: unlimited). */
  setRetention(bytes: number): Promise<void>;
  /** Retention and what it cost so far. */
  stats(): Promise<DevBrokerStats>;
  /** Resolves when the process has exited (for whatever reason). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Command-line arguments of the dev broker binary, for running it in the foreground (`oilwire dev-broker`). */
export function devBrokerArgs(options: { brokers?: number; topics?: TopicSpec[]; retentionBytes?: number } = {}): string[] {
  const topics = options.topics ?? defaultDevBrokerTopics();
  for (const t of topics) validateTopic(t.topic, t.partitions);
  const retention = options.retentionBytes ?? DEFAULT_RETENTION_BYTES;
  validateRetention(retention);
  return ['--brokers', String(options.brokers ?? 3), '--retention-bytes', String(retention), ...topics.map((t) => `${t.topic}:${t.partitions}`)];
}

function validateRetention(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new AppError('CONFIG_INVALID', `dev broker: retention must be a whole number of bytes >= 0, got ${bytes}`);
}

/** Starts a dev broker process and resolves once it printed its bootstrap address. */
export async function startDevBroker(options: DevBrokerOptions = {}): Promise<DevBroker> {
  const brokers = options.brokers ?? 3;
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 100) throw new AppError('CONFIG_INVALID', `dev broker: brokers must be 1..100, got ${brokers}`);
  const topics = options.topics ?? defaultDevBrokerTopics();
  for (const t of topics) validateTopic(t.topic, t.partitions);
  const binary = options.binary ?? (await buildDevBroker({ logger: options.logger }));
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 10_000;

  const child: ChildProcessWithoutNullStreams = spawn(binary, devBrokerArgs({ brokers, topics, retentionBytes: options.retentionBytes }), {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderrTail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      // Deleted log is data a slow consumer will never see: not a debug detail.
      if (line.includes('retention dropped')) logger.warn({ devBroker: child.pid }, line.trim());
      else logger.debug({ devBroker: child.pid }, line.trim());
    }
  });
  // The child may be gone before we write; its exit is reported through `exited`, not as a stray EPIPE.
  child.stdin.on('error', () => {});

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const lines = createInterface({ input: child.stdout });
  const pending: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  let firstLine: ((line: string) => void) | undefined;
  let dead = false;
  lines.on('line', (line) => {
    if (firstLine) {
      const f = firstLine;
      firstLine = undefined;
      f(line);
      return;
    }
    pending.shift()?.resolve(line);
  });
  void exited.then(({ code, signal }) => {
    dead = true;
    const err = new AppError('BUS_UNAVAILABLE', `dev broker exited (code ${code}, signal ${signal})${stderrTail ? `: ${stderrTail.trim().slice(-500)}` : ''}`);
    for (const p of pending.splice(0)) p.reject(err);
  });

  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new AppError('BUS_TIMEOUT', `dev broker printed no bootstrap address within ${timeoutMs} ms`));
    }, timeoutMs);
    firstLine = (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    };
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (spawnError) reject(new AppError('CONFIG_INVALID', `cannot run the dev broker ${binary}: ${spawnError.message}`, { cause: spawnError }));
      else reject(new AppError('BUS_UNAVAILABLE', `dev broker exited before starting (code ${code}, signal ${signal}): ${stderrTail.trim().slice(-1000)}`));
    });
  });
  logger.info({ bootstrap, brokers, pid: child.pid }, 'Kafka dev broker started');

  // Commands are answered in order, one line each; a queue keeps concurrent callers from reading each other's answer.
  let chain: Promise<unknown> = Promise.resolve();
  const command = (line: string): Promise<string> => {
    if (/[\r\n]/.test(line)) return Promise.reject(new AppError('INPUT_INVALID', 'dev broker command must be one line'));
    const run = async (): Promise<string> => {
      if (dead) throw new AppError('BUS_UNAVAILABLE', 'dev broker is not running');
      const answer = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = pending.findIndex((p) => p.resolve === done);
          if (i >= 0) pending.splice(i, 1);
          reject(new AppError('BUS_TIMEOUT', `dev broker did not answer '${line}' within ${timeoutMs} ms`));
        }, timeoutMs);
        function done(answerLine: string) {
          clearTimeout(timer);
          resolve(answerLine);
        }
        pending.push({
          resolve: done,
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        });
        child.stdin.write(`${line}\n`);
      });
      if (answer.startsWith('ok')) return answer;
      throw new AppError('INPUT_INVALID', `dev broker refused '${line}': ${answer.replace(/^err\s*/, '')}`);
    };
    const result = chain.then(run, run);
    chain = result.catch(() => {});
    return result;
  };

  const stop = async (): Promise<void> => {
    if (!dead) {
      // quit, then EOF, then signals: each step waits a little for the previous one.
      child.stdin.end('quit\n');
      const gone = await Promise.race([exited.then(() => true), delay(3000).then(() => false)]);
      if (!gone) {
        child.kill('SIGTERM');
        const termed = await Promise.race([exited.then(() => true), delay(2000).then(() => false)]);
        if (!termed) child.kill('SIGKILL');
      }
    }
    await exited;
    lines.close();
  };

  return {
    bootstrap,
    brokers: bootstrap.split(',').filter(Boolean),
    pid: child.pid ?? -1,
    exited,
    command,
    brokerDown: async (id) => void (await command(`down ${id}`)),
    brokerUp: async (id) => void (await command(`up ${id}`)),
    createTopic: async (name, partitions) => {
      validateTopic(name, partitions);
      await command(`create ${name} ${partitions}`);
    },
    ensureTopics: async (list) => {
      for (const t of list) {
        validateTopic(t.topic, t.partitions);
        await command(`create ${t.topic} ${t.partitions}`);
      }
    },
    injectErrors: async (apiKey, count, errorCode) => void (await command(`errors ${apiKey} ${count} ${errorCode}`)),
    setRtt: async (id, ms) => void (await command(`rtt ${id} ${ms}`)),
    setRetention: async (bytes) => {
      validateRetention(bytes);
      await command(`retention ${bytes}`);
    },
    stats: async () => parseStats(await command('stats')),
    stop,
  };
}

function parseStats(answer: string): DevBrokerStats {
  const m = /retention_bytes (\d+) appended_batches (\d+) dropped_batches (\d+)/.exec(answer);
  if (!m) throw new AppError('INTERNAL', `dev broker answered stats with '${answer}'`);
  return { retentionBytes: Number(m[1]), appendedBatches: Number(m[2]), droppedBatches: Number(m[3]) };
}

/** Kafka's legal topic names: the same rule keeps them safe in a command line. */
function validateTopic(topic: string, partitions: number): void {
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..') throw new AppError('INPUT_INVALID', `invalid topic name '${topic}'`);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 10_000) throw new AppError('INPUT_INVALID', `invalid partition count ${partitions} for ${topic}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
