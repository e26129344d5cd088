import type { Scheduler } from '../../../../../services/ingest-news/ports.ts';

export interface ManualTimer {
  id: number;
  delayMs: number;
  label?: string;
  fn: () => void;
}

/** Timers that fire only when a test says so: schedules are asserted on their delays, never waited out. */
export class ManualScheduler implements Scheduler {
  private nextId = 1;
  readonly timers = new Map<number, ManualTimer>();
  /** Every delay ever scheduled, per label, in order. */
  readonly history: { label?: string; delayMs: number }[] = [];

  set(fn: () => void, delayMs: number, label?: string): unknown {
    const id = this.nextId++;
    this.timers.set(id, { id, delayMs, label, fn });
    this.history.push({ label, delayMs });
    return id;
  }

  clear(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  pending(label?: string): ManualTimer[] {
    return [...this.timers.values()].filter((t) => label === undefined || t.label === label);
  }

  /** Fires the pending timers (of one feed, or all). */
  fire(label?: string): number {
    const due = this.pending(label);
    for (const t of due) {
      this.timers.delete(t.id);
      t.fn();
    }
    return due.length;
  }
}
