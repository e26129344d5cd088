/**
 * Child processes of the wire tests: `oilwire` commands as their own processes (each with its own
 * chDB data folder and working directory), and kcat as an independent Kafka client.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(REPO, 'bin', 'oilwire.mjs');

export interface LogLine {
  [key: string]: unknown;
  msg?: string;
}

export interface CliProcess {
  readonly name: string;
  readonly pid: number;
  readonly dataDir: string;
  readonly stdout: string[];
  /** Parsed pino lines from stderr (non-JSON lines are kept in `stderrText`). */
  readonly logs: LogLine[];
  readonly stderrText: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  /** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Writes one line to the process's stdin. */
  send(line: string): void;
  /** The last lines of output, for failure messages. */
  tail(): string;
}

export interface CliOptions {
  name?: string;
  env?: Record<string, string>;
  /** Default: a fresh temporary folder, removed by `killAll`. */
  dataDir?: string;
  logLevel?: string;
}

const children = new Set<CliProcess>();
const tempDirs = new Set<string>();

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `oilwire-kafka-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

/** Starts `node bin/oilwire.mjs --data <own folder> <args>` with its working directory in a temporary folder (no config file, no ./data). */
export function startCli(args: string[], options: CliOptions = {}): CliProcess {
  const dataDir = options.dataDir ?? tempDir('data');
  const cwd = tempDir('cwd');
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [CLI, '--data', dataDir, '--log-level', options.logLevel ?? 'warn', ...args], {
    cwd,
    env: { ...process.env, OILWIRE_CONFIG: '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const logs: LogLine[] = [];
  const stderrText: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.startsWith('{')) {
      try {
        logs.push(JSON.parse(line) as LogLine);
        return;
      } catch {
        // not a log line after all
      }
    }
    stderrText.push(line);
  });
  child.stdin.on('error', () => {});

  const name = options.name ?? args.join(' ');
  const proc: CliProcess = {
    name,
    pid: child.pid ?? -1,
    dataDir,
    stdout,
    logs,
    stderrText,
    exited,
    get running() {
      return running;
    },
    line(pattern, timeoutMs = 60_000) {
      const seen = stdout.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms\n${proc.tail()}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (code ${code}, signal ${signal}) before printing ${pattern}\n${proc.tail()}`));
        });
      });
    },
    async kill(signal = 'SIGTERM') {
      if (running) child.kill(signal);
      await exited;
    },
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    tail() {
      const errs = [...stderrText.slice(-15), ...logs.slice(-10).map((l) => JSON.stringify(l).slice(0, 400))];
      return `--- ${name} stdout:\n${stdout.slice(-10).join('\n')}\n--- stderr:\n${errs.join('\n')}`;
    },
  };
  children.add(proc);
  void exited.then(() => children.delete(proc));
  return proc;
}

/** Kills every child still running (SIGKILL: a test that got here has no use for a graceful stop) and removes the temporary folders. */
export async function killAll(): Promise<void> {
  await Promise.all([...children].map((c) => c.kill('SIGKILL')));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Starts a long-running service (`run <service> --kafka ...`) and resolves once it says it is running. */
export async function startService(service: string, bootstrap: string, options: CliOptions & { args?: string[] } = {}): Promise<CliProcess> {
  const proc = startCli(['run', service, '--kafka', bootstrap, ...(options.args ?? [])], { name: options.name ?? service, ...options });
  await proc.line(/^oilwire running: /, 90_000);
  return proc;
}

/** Stops a service with SIGTERM (it commits what is done) and expects a clean exit. */
export async function stopService(proc: CliProcess): Promise<void> {
  await proc.kill('SIGTERM');
  const { code, signal } = await proc.exited;
  if (code !== 0) throw new Error(`${proc.name} did not exit cleanly (code ${code}, signal ${signal})\n${proc.tail()}`);
}

/** Runs a command to completion: stdout, stderr and exit code. */
export function runCli(args: string[], options: { dataDir?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  const dataDir = options.dataDir ?? tempDir('data');
  const cwd = tempDir('cwd');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, '--data', dataDir, '--log-level', 'warn', ...args],
      { cwd, env: { ...process.env, OILWIRE_CONFIG: '', ...options.env }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0 }),
    );
  });
}

/** Assignments of the latest "Consumer has joined the group" (kafkajs, info level) of a process for a group, as `topic:partition`. */
export function latestAssignment(proc: CliProcess, groupId: string): string[] | undefined {
  const joins = proc.logs.filter((l) => l.msg === 'Consumer has joined the group' && l.groupId === groupId);
  const last = joins[joins.length - 1];
  if (!last) return undefined;
  const assignment = last.memberAssignment as Record<string, number[]>;
  return Object.entries(assignment)
    .flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`))
    .sort();
}

export function joinCount(proc: CliProcess, groupId: string): number {
  return proc.logs.filter((l) => l.msg === 'Consumer has joined the group' && l.groupId === groupId).length;
}

export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
}

/** Reads a whole topic with kcat (`-C -o beginning -e -J`): an independent client's view of what is on the broker. */
export function kcatRead(bootstrap: string, topic: string, timeoutMs = 60_000): Promise<KcatRecord[]> {
  return new Promise((resolve, reject) => {
    execFile('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q'], { timeout: timeoutMs, maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`kcat failed: ${err.message}\n${stderr}`));
      resolve(
        stdout
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as KcatRecord),
      );
    });
  });
}

/** A validator for `infra/schemas/<topic>.schema.json`, the JSON Schemas exported for clients outside the project. */
export function schemaValidator(topic: string) {
  const schema = JSON.parse(readFileSync(join(REPO, 'infra', 'schemas', `${topic}.schema.json`), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

/** Every record's payload checked against the topic's JSON Schema; returns the failures with their errors. */
export function invalidRecords(records: KcatRecord[], topic: string): { offset: string; errors: unknown }[] {
  const validate = schemaValidator(topic);
  return records.flatMap((r) => (validate(JSON.parse(r.payload ?? 'null')) ? [] : [{ offset: `${r.partition}:${r.offset}`, errors: validate.errors }]));
}
