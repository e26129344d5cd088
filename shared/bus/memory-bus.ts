import { AppError } from '../errors.ts';
import { partitionForKey, type Bus, type IncomingMessage, type OutgoingMessage, type SubscribeOptions, type Subscription } from './port.ts';

interface PartitionLog {
  messages: IncomingMessage[];
  waiters: Set<() => void>;
}

interface Member {
  id: number;
  options: SubscribeOptions;
  owned: Set<string>;
  loops: Map<string, { stop: () => void; done: Promise<void> }>;
  alive: boolean;
}

interface Group {
  committed: Map<string, number>;
  members: Member[];
  /** Bumped on every rebalance; a batch acks only if its generation still holds the partition. */
  generation: number;
  rebalancing: Promise<void>;
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

  constructor(private readonly options: { defaultPartitions?: number; retryBackoffMs?: number; maxRetryBackoffMs?: number } = {}) {}

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
        value: Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value),
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
        for (const loop of member.loops.values()) loop.stop();
        member.owned.clear();
        g.members = g.members.filter((m) => m !== member);
        await this.rebalance(g);
      },
      assignments: () => [...member.owned].sort(),
    };
  }

  private rebalance(group: Group): Promise<void> {
    group.rebalancing = group.rebalancing.then(async () => {
      group.generation++;
      // Like a Kafka rebalance: every member stops and gives up its partitions before new ones are handed out.
      await Promise.all(group.members.flatMap((m) => [...m.loops.values()].map((l) => (l.stop(), l.done))));
      for (const m of group.members) {
        m.loops.clear();
        m.owned.clear();
      }
      const live = group.members.filter((m) => m.alive).sort((a, b) => a.id - b.id);
      if (live.length === 0 || this.closed) return;
      const wanted = new Set(live.flatMap((m) => m.options.topics));
      const partitions = [...wanted].sort().flatMap((t) => this.log(t).map((_, p) => `${t}:${p}`));
      partitions.forEach((tp, i) => {
        const [topic] = tp.split(':');
        const candidates = live.filter((m) => m.options.topics.includes(topic));
        const member = candidates[i % candidates.length];
        member.owned.add(tp);
      });
      for (const m of live) for (const tp of m.owned) m.loops.set(tp, this.runLoop(group, m, tp, group.generation));
    });
    return group.rebalancing;
  }

  private runLoop(group: Group, member: Member, tp: string, generation: number): { stop: () => void; done: Promise<void> } {
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
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        // Infinity means: until a publish or a stop wakes us.
        const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
        function done() {
          if (timer) clearTimeout(timer);
          log.waiters.delete(done);
          resolve();
        }
        wake = done;
        log.waiters.add(done);
      });
    const maxBatch = member.options.maxBatchSize ?? 500;
    const base = this.options.retryBackoffMs ?? 50;
    const cap = this.options.maxRetryBackoffMs ?? 2000;
    const done = (async () => {
      let attempt = 0;
      while (!stopped && member.alive && !this.closed) {
        const start = group.committed.get(tp) ?? (member.options.fromBeginning === false ? log.messages.length : 0);
        if (!group.committed.has(tp)) group.committed.set(tp, start);
        if (start >= log.messages.length) {
          await sleep(Infinity);
          continue;
        }
        const batch = log.messages.slice(start, start + maxBatch);
        try {
          await member.options.handler(batch);
          // A member removed or rebalanced while the handler ran must not ack: its batch belongs to someone else now.
          if (group.generation === generation && member.alive && !this.closed) group.committed.set(tp, start + batch.length);
          attempt = 0;
        } catch (err) {
          attempt++;
          member.options.onRetry?.(err, attempt, batch);
          await sleep(Math.min(cap, base * 2 ** Math.min(attempt - 1, 16)));
        }
      }
    })();
    return { stop, done };
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
