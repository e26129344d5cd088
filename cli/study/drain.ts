/**
 * When a replay has gone all the way through the pipeline. The study's services run on its own
 * fresh in-process bus; this wraps it and counts, per topic, what was published and, per consumer
 * group, how far each partition has been handled (acked, or given up to the dead-letter topic by a
 * final error). The pipeline is drained when no publish is in flight and every group has handled
 * everything published to its topics: a stage publishes what it derives (the scorer's
 * `news.scored`) before its handler resolves, so the last stage cannot look done while an earlier
 * one still works. `drained()` settles on the handler that completes the count, not on a poll.
 */
import type { Bus, IncomingMessage, OutgoingMessage, SubscribeOptions, Subscription } from '../../shared/bus/port.ts';
import { AppError, isRetryable } from '../../shared/errors.ts';

interface GroupProgress {
  topics: string[];
  /** Next offset to handle, by `topic:partition` (a fresh bus numbers each partition from 0). */
  next: Map<string, number>;
}

export class DrainSignal implements Bus {
  private readonly published = new Map<string, number>();
  private publishing = 0;
  private readonly groups = new Map<string, GroupProgress>();
  private waiters: (() => void)[] = [];
  /** Told after each handled batch (a progress bar). */
  onHandled?: () => void;

  constructor(private readonly inner: Bus) {}

  get kind(): Bus['kind'] {
    return this.inner.kind;
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    this.publishing++;
    try {
      await this.inner.publish(topic, messages);
      this.published.set(topic, (this.published.get(topic) ?? 0) + messages.length);
    } finally {
      this.publishing--;
      this.check();
    }
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    const group = this.groups.get(options.groupId) ?? { topics: [], next: new Map<string, number>() };
    group.topics = [...new Set([...group.topics, ...options.topics])];
    this.groups.set(options.groupId, group);
    const handled = (batch: IncomingMessage[]) => {
      for (const m of batch) {
        const tp = `${m.topic}:${m.partition}`;
        group.next.set(tp, Math.max(group.next.get(tp) ?? 0, Number(m.offset) + 1));
      }
      this.onHandled?.();
      this.check();
    };
    return this.inner.subscribe({
      ...options,
      handler: async (batch) => {
        try {
          await options.handler(batch);
        } catch (err) {
          // The bus's delivery policy dead-letters a single message that fails finally, and the partition goes on past it.
          if (batch.length === 1 && !isRetryable(err)) handled(batch);
          throw err;
        }
        handled(batch);
      },
    });
  }

  ensureTopics(topics: { topic: string; partitions: number }[]): Promise<void> {
    return this.inner.ensureTopics?.(topics) ?? Promise.resolve();
  }

  readTopic(topic: string): Promise<IncomingMessage[]> {
    if (!this.inner.readTopic) throw new AppError('INTERNAL', `this bus cannot read ${topic} whole`);
    return this.inner.readTopic(topic);
  }

  health(): { ok: boolean } {
    return this.inner.health?.() ?? { ok: true };
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Messages published to `topic` through this bus. */
  publishedTo(topic: string): number {
    return this.published.get(topic) ?? 0;
  }

  /** Messages of `topic` handled by its slowest group (0 when no group reads it). */
  handledOf(topic: string): number {
    const counts = [...this.groups.values()].filter((g) => g.topics.includes(topic)).map((g) => this.handledBy(g, topic));
    return counts.length ? Math.min(...counts) : 0;
  }

  private handledBy(group: GroupProgress, topic: string): number {
    let n = 0;
    for (const [tp, next] of group.next) if (tp.slice(0, tp.lastIndexOf(':')) === topic) n += next;
    return n;
  }

  isDrained(): boolean {
    if (this.publishing > 0) return false;
    for (const g of this.groups.values()) for (const t of g.topics) if (this.handledBy(g, t) < this.publishedTo(t)) return false;
    return true;
  }

  private check(): void {
    if (this.waiters.length === 0 || !this.isDrained()) return;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Settles once everything published so far (and all it leads to) has been handled; rejects after `timeoutMs` with `describe()` as the message. */
  drained(timeoutMs: number, describe: () => string): Promise<void> {
    if (this.isDrained()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        reject(new AppError('INTERNAL', describe()));
      }, timeoutMs);
      this.waiters.push(wake);
    });
  }
}
