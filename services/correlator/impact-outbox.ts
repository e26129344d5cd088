import type { NewsImpact } from '../../shared/contracts/events.ts';
import { RowOutbox } from './outbox.ts';

/** Runs `fn` after `ms`; returns a function that cancels it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export const timerSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export interface ImpactOutboxOptions {
  /** Writes impact rows (idempotent: the store keeps the highest version of each). */
  save(rows: NewsImpact[]): Promise<void>;
  /** Publishes rows once written: a subscriber of news.impact never sees a row the store lacks. */
  publish(rows: NewsImpact[]): Promise<void>;
  /** Rows wait this long to be written together; 0: written as soon as they are offered. */
  flushMs: number;
  /** This many waiting rows are written at once, without waiting for `flushMs`. */
  flushRows: number;
  /** Longest wait before a retry after failed writes (the delay doubles with each failure). */
  maxBackoffMs?: number;
  schedule?: Schedule;
  onSaved?(rows: NewsImpact[]): void;
  onPublished?(rows: NewsImpact[]): void;
  /** A timed write failed (`failures` in a row, counting this one); the rows stay and are tried again after a backoff. */
  onRetry?(err: unknown, waiting: number, failures: number): void;
}

/**
 * Impact rows between the engine and `news.impact`: written in groups, then published. Its writes
 * run beside the engine and the other writes (only one impact write at a time, so versions are
 * published in order); a failed one is retried with backoff. Safe to delay because the article is
 * stored before its batch is acknowledged and a restart measures again whatever has no impact row.
 */
export class ImpactOutbox {
  private readonly rows: RowOutbox<NewsImpact>;
  private readonly schedule: Schedule;
  private readonly maxBackoffMs: number;
  private cancelTimer: (() => void) | undefined;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: ImpactOutboxOptions) {
    this.schedule = options.schedule ?? timerSchedule;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.rows = new RowOutbox(async (rows) => {
      await options.save(rows);
      options.onSaved?.(rows);
      await options.publish(rows);
      options.onPublished?.(rows);
    });
  }

  get waiting(): number {
    return this.rows.size;
  }

  /** True while a timed write is scheduled. */
  get scheduled(): boolean {
    return this.cancelTimer !== undefined;
  }

  add(rows: readonly NewsImpact[]): void {
    this.rows.add(rows);
  }

  /**
   * After an evaluation: past `flushRows` (or with no delay) the rows are written now and the
   * returned promise is that write (a caller that awaits it acknowledges after the write);
   * otherwise a timed write is scheduled and it resolves at once.
   */
  offer(): Promise<void> {
    if (this.rows.size >= this.options.flushRows || this.options.flushMs === 0) return this.flush();
    this.scheduleFlush();
    return Promise.resolve();
  }

  /** Writes and publishes everything waiting now. */
  flush(): Promise<void> {
    return this.rows.flush();
  }

  /** Cancels the timed write and writes what is waiting (rejects if that fails). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.flush();
  }

  /** The delay before the next timed write: `flushMs`, doubled per failure in a row, at most `maxBackoffMs`. */
  nextDelayMs(): number {
    return this.failures ? Math.min(this.maxBackoffMs, this.options.flushMs * 2 ** this.failures) : this.options.flushMs;
  }

  private scheduleFlush(): void {
    if (this.stopped || this.cancelTimer || this.rows.size === 0) return;
    this.cancelTimer = this.schedule(() => {
      this.cancelTimer = undefined;
      this.flush().then(
        () => {
          this.failures = 0;
          this.scheduleFlush();
        },
        (err: unknown) => {
          this.failures++;
          this.options.onRetry?.(err, this.rows.size, this.failures);
          this.scheduleFlush();
        },
      );
    }, this.nextDelayMs());
  }
}
