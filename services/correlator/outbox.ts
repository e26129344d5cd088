import { SerialQueue } from './serial-queue.ts';

/**
 * Rows waiting for one store write. Writes run one at a time: rows added while one is in flight go
 * together in the next (a group commit), and a failed write puts its rows back in front, so
 * nothing is lost between the engine and the store and nothing is written out of order.
 */
export class RowOutbox<T> {
  private pending: T[] = [];
  private readonly writes = new SerialQueue();

  constructor(private readonly write: (rows: T[]) => Promise<void>) {}

  get size(): number {
    return this.pending.length;
  }

  add(rows: readonly T[]): void {
    // A loop, not push(...rows): a large evaluation would overflow the argument stack.
    for (const r of rows) this.pending.push(r);
  }

  /**
   * Writes what is waiting once the write in flight (if any) is done. Resolves when every row
   * added before the call is written; rejects with the write's error, the rows kept for the next one.
   */
  flush(): Promise<void> {
    return this.writes.run(async () => {
      if (this.pending.length === 0) return;
      const rows = this.pending;
      this.pending = [];
      try {
        await this.write(rows);
      } catch (err) {
        this.pending = rows.concat(this.pending);
        throw err;
      }
    });
  }
}
