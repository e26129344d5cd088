/**
 * `oilwire dlq list` and `oilwire dlq replay`: the dead-letter topics (`<topic>.dlq`, written by
 * the bus's delivery policy, shared/bus/delivery.ts) made something an operator can act on. A
 * replay republishes each chosen dead letter, same key and value, to the topic it came from, once
 * the cause is fixed (a schema bug deployed away, a table restored). The DLQ itself is left as it
 * is (a log: Kafka cannot delete from it), so a replay can be run again: every topic's consumer
 * stores by identity (article id; tick identity; article, symbol and horizon), so a second replay
 * of the same message adds no row.
 *
 * The in-process bus is read from its journal, which only one process may hold: run these while
 * `oilwire start` is stopped (its next start delivers what was replayed). With Kafka they run any time.
 */
import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { Journal } from '../../shared/bus/journal.ts';
import { openBus } from '../../shared/bus/open-bus.ts';
import type { Bus, IncomingMessage } from '../../shared/bus/port.ts';
import { TOPIC_PARTITIONS, dlqTopic } from '../../shared/contracts/events.ts';
import { AppError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { redactText } from '../../shared/runtime/redact.ts';
import type { RootConfig } from '../config.ts';
import { configFrom } from '../context.ts';
import { formatTable } from '../format.ts';
import { busJournalDir } from '../runtime.ts';
import { toIso } from '../../shared/contracts/time.ts';

const DLQ_SUFFIX = '.dlq';

/** Headers the dead-lettering added; a replayed message goes out without them. */
const DEAD_LETTER_HEADERS = /^x-(error|error-code|error-retryable|attempts|dead-letter-reason|source-topic|source-partition|source-offset|consumer-group)$/;

export interface DeadLetter {
  /** `<dlq topic>:<partition>:<offset>`: what `--id` takes. */
  id: string;
  dlq: string;
  /** The topic it is replayed to. */
  source: string;
  key: string;
  code: string;
  reason: string;
  attempts: number;
  group: string;
  at: string;
  error: string;
  message: IncomingMessage;
}

/** `--topic news.raw` or `--topic news.raw.dlq`: the dead-letter topics to read (default: one per pipeline topic). */
export function deadLetterTopics(topic?: string): string[] {
  if (topic) return [topic.endsWith(DLQ_SUFFIX) ? topic : dlqTopic(topic)];
  return Object.keys(TOPIC_PARTITIONS).map(dlqTopic);
}

export function toDeadLetter(m: IncomingMessage): DeadLetter {
  const h = m.headers;
  return {
    id: `${m.topic}:${m.partition}:${m.offset}`,
    dlq: m.topic,
    source: h['x-source-topic'] || m.topic.slice(0, -DLQ_SUFFIX.length),
    key: m.key,
    code: h['x-error-code'] ?? '',
    reason: h['x-dead-letter-reason'] ?? '',
    attempts: Number(h['x-attempts'] ?? 0),
    group: h['x-consumer-group'] ?? '',
    at: toIso(m.timestamp),
    error: redactText(h['x-error'] ?? ''),
    message: m,
  };
}

/** The message a replay publishes: the original key, value and headers, and where it was replayed from. */
export function replayMessage(d: DeadLetter): { key: string; value: Buffer; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.message.headers)) if (!DEAD_LETTER_HEADERS.test(k)) headers[k] = v;
  headers['x-replayed-from'] = d.id;
  return { key: d.message.key, value: d.message.value, headers };
}

/** The bus these commands read: Kafka as configured (or `--kafka`), else the in-process bus's journal in the data folder. */
async function openToolBus(config: RootConfig, kafka: string | undefined): Promise<Bus> {
  const logger = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level });
  if (kafka) {
    if (kafka === 'embedded') throw new AppError('INPUT_INVALID', '--kafka embedded starts an empty broker: pass the host:port of the cluster whose dead letters to read');
    const brokers = kafka.split(',').map((s) => s.trim()).filter(Boolean);
    return openBus({ ...config.bus, kind: 'kafka', brokers }, logger);
  }
  if (config.bus.kind === 'kafka') return openBus(config.bus, logger);
  const journalDir = config.bus.journalDir ?? busJournalDir(config);
  if (!journalDir) throw new AppError('INPUT_INVALID', 'the in-process bus keeps nothing without a journal (an in-memory store and no bus.journalDir): there are no dead letters to read');
  // Opening would create an empty journal: a data folder no pipeline ever ran in is a wrong --data, say so.
  if (!existsSync(Journal.file(journalDir))) throw new AppError('INPUT_INVALID', `no bus journal in ${journalDir}: has oilwire start run with this data folder (--data)?`);
  return openBus({ ...config.bus, journalDir }, logger);
}

export async function readDeadLetters(bus: Bus, topics: string[]): Promise<DeadLetter[]> {
  if (!bus.readTopic) throw new AppError('INTERNAL', `the ${bus.kind} bus cannot read a topic`);
  const out: DeadLetter[] = [];
  for (const t of topics) out.push(...(await bus.readTopic(t)).map(toDeadLetter));
  return out;
}

/** Republishes the chosen dead letters to their source topics; resolves with how many went to each. */
export async function replayDeadLetters(bus: Bus, letters: DeadLetter[]): Promise<Record<string, number>> {
  const bySource = new Map<string, DeadLetter[]>();
  for (const d of letters) bySource.set(d.source, [...(bySource.get(d.source) ?? []), d]);
  const counts: Record<string, number> = {};
  for (const [source, list] of bySource) {
    // Acknowledged like any publish (fsync'd journal, acks=all): once this returns the messages are on their way.
    await bus.publish(source, list.map(replayMessage));
    counts[source] = list.length;
  }
  return counts;
}

function select(letters: DeadLetter[], ids: string[]): DeadLetter[] {
  if (ids.length === 0) return letters;
  const known = new Map(letters.map((d) => [d.id, d]));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) throw new AppError('NOT_FOUND', `no dead letter ${missing.join(', ')} (see oilwire dlq list)`);
  return ids.map((id) => known.get(id)!);
}

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
const kafkaOption = () => new Option('--kafka <brokers>', 'host:port[,host:port] of the Kafka cluster (default: the configured bus)');

async function withBus<T>(cmd: Command, kafka: string | undefined, fn: (bus: Bus) => Promise<T>): Promise<T> {
  const bus = await openToolBus(configFrom(cmd), kafka);
  try {
    return await fn(bus);
  } finally {
    await bus.close();
  }
}

export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description('dead-letter topics: list what could not be processed, replay it once the cause is fixed');

  dlq
    .command('list')
    .description('every dead letter with its source topic, error code, reason and attempts')
    .option('--topic <topic>', 'one topic (news.raw, or its dead-letter topic news.raw.dlq); default all')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(kafkaOption())
    .action(async (opts: { topic?: string; format: 'table' | 'json'; kafka?: string }, cmd: Command) => {
      const letters = await withBus(cmd, opts.kafka, (bus) => readDeadLetters(bus, deadLetterTopics(opts.topic)));
      if (opts.format === 'json') {
        console.log(JSON.stringify(letters.map(({ message, ...d }) => ({ ...d, value: message.value.toString('utf8') })), null, 2));
        return;
      }
      console.log(formatTable(letters.map(({ message: _m, dlq: _d, ...row }) => row as unknown as Record<string, unknown>)));
      console.log(`\n${letters.length} dead letter${letters.length === 1 ? '' : 's'}`);
    });

  dlq
    .command('replay')
    .description('republish dead letters to the topic they came from (all of them, one topic, or chosen ids); safe to repeat')
    .option('--topic <topic>', 'only this topic (news.raw, or news.raw.dlq)')
    .option('--id <id>', 'only this dead letter (as `oilwire dlq list` shows it; repeatable or comma-separated)', collect, [] as string[])
    .addOption(kafkaOption())
    .action(async (opts: { topic?: string; id: string[]; kafka?: string }, cmd: Command) => {
      // An id names its dead-letter topic: read those, unless --topic narrows it.
      const topics = opts.topic ? deadLetterTopics(opts.topic) : opts.id.length > 0 ? [...new Set(opts.id.map((id) => id.slice(0, id.indexOf(':'))))].filter(Boolean) : deadLetterTopics();
      const counts = await withBus(cmd, opts.kafka, async (bus) => replayDeadLetters(bus, select(await readDeadLetters(bus, topics), opts.id)));
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      console.log(total === 0 ? 'nothing to replay' : `replayed ${total}: ${Object.entries(counts).map(([t, n]) => `${n} to ${t}`).join(', ')}`);
    });
}
