import { AppError } from '../errors.ts';
import { partitionForKey, type Bus, type IncomingMessage, type OutgoingMessage, type SubscribeOptions, type Subscription } from './port.ts';

interface PartitionLog {
  messages: IncomingMessage[];
  waiters: Set<() => void>;
}

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
  alive: boolean;
}

interface Group {
  committed: Map<string, number>;
  members: Member[];
  /** Bumped when partitions are handed out; a batch acks only if its generation still holds the partition. */
  generation: number;
  rebalancing: Promise<void>;
}

export interface MemoryBusOptions {
  defaultPartitions?: number;
  retryBackoffMs?: number;
  maxRetryBackoffMs?: number;
  /** How long a rebalance waits for members to finish their in-flight batch (default 30 s), like Kafka's rebalance timeout. */
  rebalanceTimeoutMs?: number;
}

/**
 * In-process bus with Kafka's semantics where they matter to oilwire: partitions by key,
 * consumer groups with committed offsets, rebalancing, and redelivery of unacked batches.
 * Nothing survives the process; the Kafka bus is the durable one.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  private nextMemberId = 1;
  private closed = false;

  constructor(private readonly options: MemoryBusOptions = {}) {}

  async ensureTopics(topics: { topic: string; partitions: number }[]): Promise<void> {
    for (const t of topics) this.log(t.topic, t.partitions);
  }

  private log(topic: string, partitions = this.options.defaultPartitions ?? 4): PartitionLog[] {
    let parts = this.topics.get(topic);
    if (!parts) {
      parts = Array.from({ length: partitions }, () => ({ messages: [], waiters: new Set<() => void>() }));
      this.topics.set(topic, parts);
      for (const group of this.groups.values()) {
        if (group.members.some((m) => m.options.topics.includes(topic))) void this.rebalance(group);
      }
    }
    return parts;
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new AppError('BUS_CLOSED', 'memory bus is closed');
    const parts = this.log(topic);
    const touched = new Set<PartitionLog>();
    for (const m of messages) {
      const partition = partitionForKey(m.key, parts.length);
      const log = parts[partition];
      log.messages.push({
        topic,
        partition,
        offset: String(log.messages.length),
        key: m.key,
        // A copy, as a broker would keep: the caller may reuse its buffer.
        value: Buffer.isBuffer(m.value) ? Buffer.from(m.value) : Buffer.from(m.value),
        headers: { ...(m.headers ?? {}) },
        timestamp: Date.now(),
      });
      touched.add(log);
    }
    for (const log of touched) for (const wake of [...log.waiters]) wake();
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new AppError('BUS_CLOSED', 'memory bus is closed');
    for (const t of options.topics) this.log(t);
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = { committed: new Map(), members: [], generation: 0, rebalancing: Promise.resolve() };
      this.groups.set(options.groupId, group);
    }
    const member: Member = { id: this.nextMemberId++, options, owned: new Set(), loops: new Map(), alive: true };
    group.members.push(member);
    await this.rebalance(group);
    const g = group;
    return {
      close: async () => {
        if (!member.alive) return;
        member.alive = false;
        // A closing member is not waited for: like a crashed Kafka consumer, its in-flight batch simply never acks.
        for (const loop of member.loops.values()) {
          loop.stop();
          loop.abandon();
        }
        member.loops.clear();
        member.owned.clear();
        g.members = g.members.filter((m) => m !== member);
        await this.rebalance(g);
      },
      assignments: () => [...member.owned].sort(),
    };
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
    const base = this.options.retryBackoffMs ?? 50;
    const cap = this.options.maxRetryBackoffMs ?? 2000;
    let abandon!: () => void;
    const abandoned = new Promise<void>((resolve) => {
      abandon = resolve;
    });
    const finished = (async () => {
      let attempt = 0;
      while (holds()) {
        const start = group.committed.get(tp) ?? (member.options.fromBeginning === false ? log.messages.length : 0);
        if (!group.committed.has(tp)) group.committed.set(tp, start);
        if (start >= log.messages.length) {
          await sleep(Infinity, true);
          continue;
        }
        // Copies: a handler that edits its messages must not change what a redelivery sees.
        const batch = log.messages.slice(start, start + maxBatch).map((m) => ({ ...m, headers: { ...m.headers } }));
        try {
          await member.options.handler(batch);
          // A member removed, or passed over by a rebalance, while the handler ran must not ack: its batch belongs to someone else now.
          if (group.generation === generation && member.alive && !this.closed) group.committed.set(tp, start + batch.length);
          attempt = 0;
        } catch (err) {
          if (!holds()) break;
          attempt++;
          try {
            member.options.onRetry?.(err, attempt, batch);
          } catch {
            // A failing hook must not end the partition's loop.
          }
          await sleep(Math.min(cap, base * 2 ** Math.min(attempt - 1, 16)), false);
        }
      }
    })();
    return { stop, done: Promise.race([finished, abandoned]), abandon };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) {
      for (const m of group.members) {
        m.alive = false;
        for (const loop of m.loops.values()) loop.stop();
      }
      group.members = [];
    }
  }
}
