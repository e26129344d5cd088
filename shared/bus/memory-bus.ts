import type { Registry } from 'prom-client';
import { AppError } from '../errors.ts';
import { systemClock, type Clock } from '../runtime/clock.ts';
import { ownedBytes } from '../runtime/owned-bytes.ts';
import { silentLogger, type Logger } from '../runtime/logger.ts';
import { busMetrics, type BusMetrics } from './bus-metrics.ts';
import { deliverBatch, type DeliveryPolicy } from './delivery.ts';
import { Journal, type JournalRecord, type JournalWriteFailure } from './journal.ts';
import { partitionForKey, type Bus, type IncomingMessage, type OutgoingMessage, type SubscribeOptions, type Subscription } from './port.ts';

/**
 * One partition's retained log. `items[skip]` holds offset `first`; a `null` is a hole (a
 * publish whose journal write failed: its offsets are used, its messages never existed).
 * Consumers read up to `visible`, the end of what the journal has made durable.
 */
interface PartitionLog {
  first: number;
  skip: number;
  items: (IncomingMessage | null)[];
  visible: number;
  bytes: number;
  waiters: Set<() => void>;
}

const endOf = (log: PartitionLog) => log.first + log.items.length - log.skip;
const sliceOf = (log: PartitionLog, from: number, to: number) => log.items.slice(log.skip + from - log.first, log.skip + to - log.first);
const sizeOf = (m: IncomingMessage) => 96 + m.value.length + m.key.length;

interface Loop {
  stop: () => void;
  /** Settles when the loop has ended, or at once once abandoned (its member closed and will never ack). */
  done: Promise<void>;
  abandon: () => void;
}

interface Member {
  id: number;
  options: SubscribeOptions;
  owned: Set<string>;
  loops: Map<string, Loop>;
  /** False once closing: no new batch starts. */
  alive: boolean;
  /** True once its close gave up waiting: a batch it finishes later does not ack. */
  abandoned: boolean;
}

interface Group {
  committed: Map<string, number>;
  members: Member[];
  /** Bumped when partitions are handed out; a batch acks only if its generation still holds the partition. */
  generation: number;
  rebalancing: Promise<void>;
  /** When the group last lost its last member (or was read back from the journal); unset while it has members. */
  emptySince?: number;
}

export interface MemoryBusOptions {
  defaultPartitions?: number;
  retryBackoffMs?: number;
  maxRetryBackoffMs?: number;
  /** Attempts of a batch failing with retryable errors about the message before it goes to `<topic>.dlq` (default 100, first try included); an outage's retries spend none. */
  maxDeliveryAttempts?: number;
  /** How long a rebalance waits for members to finish their in-flight batch (default 30 s), like Kafka's rebalance timeout. */
  rebalanceTimeoutMs?: number;
  /** How long closing a subscription (or the bus) waits for in-flight batches to finish and ack (default 10 s). */
  closeDrainMs?: number;
  /**
   * Acked messages kept per partition behind the slowest consumer group, for a group that
   * joins later from the beginning (default 1000). Everything older is dropped from memory.
   */
  replayWindow?: number;
  /** Folder of the durable journal (see journal.ts); without one nothing survives the process. Use `MemoryBus.open`. */
  journalDir?: string;
  /** fsync each publish before it resolves (default true; with a journal only). */
  fsync?: boolean;
  /** The journal is rewritten once it is past this size and four times what is retained (default 64 MiB). */
  compactMinBytes?: number;
  /**
   * A group without members for this long is forgotten, its offsets with it (default 1 h), like
   * Kafka's offsets retention: a per-process group (the API's live feed) must not hold messages
   * for ever, while a service that restarts finds its group again well within it.
   */
  groupExpiryMs?: number;
  /** Time for group expiry (the system clock unless a test drives it). */
  clock?: Clock;
  metrics?: Registry;
  logger?: Logger;
}

/**
 * In-process bus with Kafka's semantics where they matter to oilwire: partitions by key,
 * consumer groups with committed offsets, rebalancing, redelivery of unacked batches, and
 * the shared delivery policy (bounded retries, dead-letter topic; see delivery.ts). With a
 * journal (`MemoryBus.open({ journalDir })`) a publish is acknowledged only once it is on
 * disk, and messages and commits are read back at start: what a producer saw acknowledged is
 * delivered after any stop, kill -9 included. Retention is bounded: a partition keeps what
 * some group has not acked plus a replay window.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  /** Topics whose record is known to be in the journal (read back from it, or written). */
  private readonly journaledTopics = new Set<string>();
  private nextMemberId = 1;
  private closed = false;
  private closing?: Promise<void>;
  private journal?: Journal;
  private compacting = false;
  private readonly logger: Logger;
  private readonly metrics: BusMetrics;
  private readonly policy: DeliveryPolicy;
  private readonly clock: Clock;

  constructor(private readonly options: MemoryBusOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.metrics = busMetrics(options.metrics);
    this.policy = {
      maxAttempts: options.maxDeliveryAttempts ?? 100,
      baseBackoffMs: options.retryBackoffMs ?? 50,
      maxBackoffMs: options.maxRetryBackoffMs ?? 2000,
    };
  }

  /** A bus with its journal read back (when `journalDir` is set): unacked messages and committed offsets are where they were. */
  static async open(options: MemoryBusOptions = {}): Promise<MemoryBus> {
    const bus = new MemoryBus(options);
    if (options.journalDir) await bus.restore(options.journalDir);
    return bus;
  }

  private async restore(dir: string): Promise<void> {
    const { journal, records, truncatedBytes } = await Journal.open(dir, { fsync: this.options.fsync });
    let messages = 0;
    for (const r of records) {
      if (r.kind === 'topic') {
        this.log(r.topic, r.partitions, false);
        this.journaledTopics.add(r.topic);
      }
      else if (r.kind === 'base') {
        const log = this.log(r.topic, undefined, false)[r.partition];
        if (log && endOf(log) === log.first && r.offset > log.first) log.first = r.offset;
      } else if (r.kind === 'commit') this.group(r.group).committed.set(`${r.topic}:${r.partition}`, r.offset);
      else {
        const m = r.message;
        const log = this.log(m.topic, undefined, false)[m.partition];
        if (!log) continue;
        const o = Number(m.offset);
        // A record written twice (again after a compaction that already held it) is read once.
        if (o < endOf(log)) continue;
        if (endOf(log) === log.first && log.items.length === log.skip) log.first = o;
        while (endOf(log) < o) log.items.push(null);
        log.items.push(m);
        log.bytes += sizeOf(m);
        messages++;
      }
    }
    for (const parts of this.topics.values()) for (const log of parts) log.visible = endOf(log);
    this.journal = journal;
    for (const topic of this.topics.keys()) this.trim(topic);
    this.logger.info({ dir, messages, groups: this.groups.size, journalBytes: journal.size, truncatedBytes, retained: this.retainedCount() }, 'bus journal read back');
    this.metrics.journalBytes.set(journal.size);
    await this.maybeCompact();
  }

  async ensureTopics(topics: { topic: string; partitions: number }[]): Promise<void> {
    for (const t of topics) this.log(t.topic, t.partitions);
  }

  private group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = { committed: new Map(), members: [], generation: 0, rebalancing: Promise.resolve(), emptySince: this.clock.now() };
      this.groups.set(groupId, group);
    }
    return group;
  }

  private log(topic: string, partitions = this.options.defaultPartitions ?? 4, record = true): PartitionLog[] {
    let parts = this.topics.get(topic);
    if (!parts) {
      parts = Array.from({ length: partitions }, () => ({ first: 0, skip: 0, items: [], visible: 0, bytes: 0, waiters: new Set<() => void>() }));
      this.topics.set(topic, parts);
      // Queued ahead of any message of the topic, so a restart knows its partition count.
      if (record && this.journal)
        void this.journal.append([{ kind: 'topic', topic, partitions }], false).then(
          () => this.journaledTopics.add(topic),
          (err) => this.logger.error({ err, topic }, 'bus journal: topic record not written; the next publish to the topic writes it'),
        );

      for (const group of this.groups.values()) {
        if (group.members.some((m) => m.options.topics.includes(topic))) void this.rebalance(group);
      }
    }
    return parts;
  }

  /** Not ok once closed, or while the journal's last write failed (a full or failing disk: publishes are refused). */
  health(): { ok: boolean; journal?: { writeFailure: JournalWriteFailure } } {
    const writeFailure = this.journal?.writeFailure();
    return { ok: !this.closed && writeFailure === undefined, ...(writeFailure ? { journal: { writeFailure } } : {}) };
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new AppError('BUS_CLOSED', 'memory bus is closed');
    if (messages.length === 0) return;
    const parts = this.log(topic);
    const placed: { log: PartitionLog; offset: number }[] = [];
    // A topic whose own record failed (a full disk) gets it again ahead of its messages: without it a restart would guess the partition count.
    const records: JournalRecord[] = this.journaledTopics.has(topic) ? [] : [{ kind: 'topic', topic, partitions: parts.length }];
    const now = Date.now();
    for (const m of messages) {
      const partition = partitionForKey(m.key, parts.length);
      const log = parts[partition];
      const msg: IncomingMessage = {
        topic,
        partition,
        offset: String(endOf(log)),
        key: m.key,
        // A copy, as a broker would keep: the caller may reuse its buffer. Its own memory, not a slice of Node's pool (kept for the replay window).
        value: ownedBytes(m.value),
        headers: { ...(m.headers ?? {}) },
        timestamp: now,
      };
      placed.push({ log, offset: endOf(log) });
      log.items.push(msg);
      log.bytes += sizeOf(msg);
      records.push({ kind: 'message', message: msg });
    }
    let failure: unknown;
    if (this.journal) {
      try {
        await this.journal.append(records, true);
      } catch (err) {
        failure = err;
      }
    }
    const touched = new Set<PartitionLog>();
    for (const { log, offset } of placed) {
      if (failure !== undefined && offset >= log.first) {
        const i = log.skip + offset - log.first;
        const m = log.items[i];
        if (m) log.bytes -= sizeOf(m);
        log.items[i] = null;
      }
      // Journal writes complete in the order offsets were handed out, so what is below this one is settled too.
      log.visible = Math.max(log.visible, offset + 1);
      touched.add(log);
    }
    this.trim(topic);
    if (failure !== undefined) throw failure;
    this.journaledTopics.add(topic);
    for (const log of touched) for (const wake of [...log.waiters]) wake();
    void this.maybeCompact();
  }

  private commit(group: Group, groupId: string, tp: string, offset: number): void {
    group.committed.set(tp, offset);
    if (this.journal) {
      const sep = tp.lastIndexOf(':');
      // Not fsync'd: a commit lost to a power cut only means a redelivery.
      void this.journal
        .append([{ kind: 'commit', group: groupId, topic: tp.slice(0, sep), partition: Number(tp.slice(sep + 1)), offset }], false)
        .catch((err) => this.logger.warn({ err, groupId, tp }, 'bus journal: commit not written; the batch may be delivered again after a restart'));
    }
  }

  /** Drops from memory what every group interested in the topic has acked, beyond the replay window. */
  private trim(topic: string): void {
    const parts = this.topics.get(topic);
    if (!parts) return;
    const window = this.options.replayWindow ?? 1000;
    const prefix = `${topic}:`;
    this.expireGroups();
    const interested = [...this.groups.values()].filter((g) => g.members.some((m) => m.options.topics.includes(topic)) || [...g.committed.keys()].some((k) => k.startsWith(prefix)));
    let messages = 0;
    let bytes = 0;
    parts.forEach((log, p) => {
      const tp = `${topic}:${p}`;
      let low = log.visible;
      for (const g of interested) {
        const c = g.committed.get(tp);
        if (c !== undefined) low = Math.min(low, c);
        else if (g.members.some((m) => m.options.topics.includes(topic) && m.options.fromBeginning !== false)) low = Math.min(low, log.first);
      }
      const target = Math.min(low, log.visible - window);
      if (target > log.first) {
        // The trimmed slots are cleared, not only skipped: until the array is compacted below (past 1,024 skipped)
        // they would still hold their messages, up to 1,024 a partition beyond what the retention metrics count.
        for (let i = log.skip, end = log.skip + target - log.first; i < end; i++) {
          const m = log.items[i];
          if (m) log.bytes -= sizeOf(m);
          log.items[i] = null;
        }
        log.skip += target - log.first;
        log.first = target;
        if (log.skip > 1024 && log.skip * 2 > log.items.length) {
          log.items = log.items.slice(log.skip);
          log.skip = 0;
        }
      }
      messages += log.items.length - log.skip;
      bytes += log.bytes;
    });
    this.metrics.retainedMessages.set({ topic }, messages);
    this.metrics.retainedBytes.set({ topic }, bytes);
  }

  private expireGroups(): void {
    const expiry = this.options.groupExpiryMs ?? 3_600_000;
    const now = this.clock.now();
    for (const [id, g] of this.groups) {
      if (g.members.length === 0 && g.emptySince !== undefined && now - g.emptySince > expiry) {
        this.groups.delete(id);
        this.logger.info({ groupId: id, emptyForMs: now - g.emptySince }, 'consumer group without members expired; its offsets are forgotten');
      }
    }
  }

  /** Messages held in memory, over all topics. */
  retainedCount(): number {
    let n = 0;
    for (const parts of this.topics.values()) for (const log of parts) n += log.items.length - log.skip;
    return n;
  }

  private retainedBytes(): number {
    let n = 0;
    for (const parts of this.topics.values()) for (const log of parts) n += log.bytes;
    return n;
  }

  private async maybeCompact(): Promise<void> {
    const journal = this.journal;
    if (!journal) return;
    this.metrics.journalBytes.set(journal.size);
    if (this.compacting || this.closed) return;
    const min = this.options.compactMinBytes ?? 64 * 1024 * 1024;
    if (journal.size <= min || journal.size <= 4 * this.retainedBytes()) return;
    this.compacting = true;
    const before = journal.size;
    try {
      await journal.compact(() => this.snapshot());
      this.logger.info({ before, after: journal.size }, 'bus journal compacted');
    } catch (err) {
      this.logger.warn({ err }, 'bus journal compaction failed; the old file stays in use');
    } finally {
      this.compacting = false;
      this.metrics.journalBytes.set(journal.size);
    }
  }

  /** Everything a restart needs, as records: topics, where each partition starts, retained messages, commits. */
  private snapshot(): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const [topic, parts] of this.topics) {
      out.push({ kind: 'topic', topic, partitions: parts.length });
      parts.forEach((log, partition) => {
        out.push({ kind: 'base', topic, partition, offset: log.first });
        for (const m of sliceOf(log, log.first, endOf(log))) if (m) out.push({ kind: 'message', message: m });
      });
    }
    for (const [group, g] of this.groups) {
      for (const [tp, offset] of g.committed) {
        const sep = tp.lastIndexOf(':');
        out.push({ kind: 'commit', group, topic: tp.slice(0, sep), partition: Number(tp.slice(sep + 1)), offset });
      }
    }
    return out;
  }

  async readTopic(topic: string): Promise<IncomingMessage[]> {
    if (this.closed) throw new AppError('BUS_CLOSED', 'memory bus is closed');
    const parts = this.topics.get(topic) ?? [];
    return parts.flatMap((log) => sliceOf(log, log.first, log.visible).filter((m): m is IncomingMessage => m !== null).map((m) => ({ ...m, headers: { ...m.headers } })));
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new AppError('BUS_CLOSED', 'memory bus is closed');
    for (const t of options.topics) this.log(t);
    const group = this.group(options.groupId);
    group.emptySince = undefined;
    const member: Member = { id: this.nextMemberId++, options, owned: new Set(), loops: new Map(), alive: true, abandoned: false };
    group.members.push(member);
    await this.rebalance(group);
    let closed: Promise<void> | undefined;
    return {
      close: () => (closed ??= this.closeMember(group, member)),
      assignments: () => [...member.owned].sort(),
    };
  }

  /** Graceful: no new batch starts, in-flight ones may finish and ack (up to `closeDrainMs`), then the partitions move on. */
  private async closeMember(group: Group, member: Member): Promise<void> {
    if (!member.alive && member.abandoned) return;
    member.alive = false;
    const loops = [...member.loops.values()];
    for (const loop of loops) loop.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(loops.map((l) => l.done)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.options.closeDrainMs ?? 10_000);
      }),
    ]);
    clearTimeout(timer);
    // Past the drain deadline a stuck batch is given up, like a crashed Kafka consumer's: it never acks.
    member.abandoned = true;
    for (const loop of loops) loop.abandon();
    member.loops.clear();
    member.owned.clear();
    group.members = group.members.filter((m) => m !== member);
    if (group.members.length === 0) group.emptySince = this.clock.now();
    if (!this.closed) await this.rebalance(group);
  }

  private rebalance(group: Group): Promise<void> {
    const next = group.rebalancing.then(async () => {
      // Like a Kafka rebalance: every member stops and gives up its partitions before new ones are handed out.
      // Batches that finish while we wait still ack (the generation is unchanged until the hand-out);
      // a member stuck past the rebalance timeout is passed over and its late batch will not ack.
      const loops = group.members.flatMap((m) => [...m.loops.values()]);
      for (const l of loops) l.stop();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(loops.map((l) => l.done)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.options.rebalanceTimeoutMs ?? 30_000);
        }),
      ]);
      clearTimeout(timer);
      group.generation++;
      for (const m of group.members) {
        m.loops.clear();
        m.owned.clear();
      }
      const live = group.members.filter((m) => m.alive).sort((a, b) => a.id - b.id);
      if (live.length === 0 || this.closed) return;
      const wanted = new Set(live.flatMap((m) => m.options.topics));
      const partitions = [...wanted].sort().flatMap((t) => this.log(t).map((_, p) => ({ topic: t, tp: `${t}:${p}` })));
      const perTopic = new Map<string, number>();
      for (const { topic, tp } of partitions) {
        const candidates = live.filter((m) => m.options.topics.includes(topic));
        const i = perTopic.get(topic) ?? 0;
        perTopic.set(topic, i + 1);
        candidates[i % candidates.length].owned.add(tp);
      }
      for (const m of live) for (const tp of m.owned) m.loops.set(tp, this.runLoop(group, m, tp, group.generation));
    });
    // One failed rebalance must not wedge every later one.
    group.rebalancing = next.catch(() => {});
    return next;
  }

  private runLoop(group: Group, member: Member, tp: string, generation: number): Loop {
    const sep = tp.lastIndexOf(':');
    const topic = tp.slice(0, sep);
    const partition = Number(tp.slice(sep + 1));
    const log = this.log(topic)[partition];
    const { groupId } = member.options;
    let stopped = false;
    let wake: (() => void) | undefined;
    const stop = () => {
      stopped = true;
      wake?.();
    };
    /** Sleeps `ms` (Infinity: until woken); a publish to this partition wakes it only when `onPublish`. */
    const sleep = (ms: number, onPublish: boolean) =>
      new Promise<void>((resolve) => {
        const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
        function done() {
          if (timer) clearTimeout(timer);
          log.waiters.delete(done);
          resolve();
        }
        wake = done;
        // A retry backoff is not cut short by new messages: only a stop ends it early.
        if (onPublish) log.waiters.add(done);
      });
    const holds = () => !stopped && member.alive && !this.closed;
    const maxBatch = member.options.maxBatchSize ?? 500;
    let abandon!: () => void;
    const abandoned = new Promise<void>((resolve) => {
      abandon = resolve;
    });
    const ctx = {
      options: member.options,
      policy: this.policy,
      metrics: this.metrics,
      logger: this.logger,
      run: async (batch: IncomingMessage[]) => {
        // Copies: a handler that edits its messages must not change what a redelivery sees.
        await member.options.handler(batch.map((m) => ({ ...m, headers: { ...m.headers } })));
        return 'done' as const;
      },
      wait: async (ms: number) => {
        await sleep(ms, false);
        return !holds();
      },
      stopped: () => !holds(),
      publish: (t: string, messages: OutgoingMessage[]) => this.publish(t, messages),
    };
    const finished = (async () => {
      while (holds()) {
        let start = group.committed.get(tp);
        if (start === undefined) {
          start = member.options.fromBeginning === false ? log.visible : log.first;
          this.commit(group, groupId, tp, start);
        }
        if (start < log.first) {
          // Retention keeps what every known group has not acked, so this means a bug or a hand-edited journal: say so, skip nothing.
          this.metrics.consumerFailures.inc({ group: groupId, topic, reason: 'offset_out_of_range' });
          this.logger.error({ err: new AppError('BUS_UNAVAILABLE', `${groupId} on ${tp}: committed offset ${start} is below the retained log (${log.first})`, { retryable: false }) }, 'consumer offset out of range; consumer stopped');
          return;
        }
        if (start >= log.visible) {
          await sleep(Infinity, true);
          continue;
        }
        const raw = sliceOf(log, start, Math.min(start + maxBatch, log.visible));
        const batch = raw.filter((m): m is IncomingMessage => m !== null);
        if (batch.length > 0 && (await deliverBatch(batch, ctx)) === 'stopped') break;
        // A member passed over by a rebalance, or given up by its close, while the handler ran must not ack: its batch belongs to someone else now.
        if (group.generation === generation && !member.abandoned) {
          this.commit(group, groupId, tp, start + raw.length);
          this.trim(topic);
        }
      }
    })();
    return { stop, done: Promise.race([finished, abandoned]), abandon };
  }

  /** Stops every consumer (in-flight batches may finish and ack, see `closeDrainMs`), then writes and closes the journal. */
  async close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await Promise.all([...this.groups.values()].flatMap((g) => g.members.map((m) => this.closeMember(g, m))));
      for (const g of this.groups.values()) g.members = [];
      await this.journal?.close();
    })();
    return this.closing;
  }
}
