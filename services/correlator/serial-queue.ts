/**
 * Runs tasks one at a time in the order they were queued; a failed task does not stop the ones
 * after it (each caller gets its own task's result or error).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    // `tail` never rejects (failures are caught below), so one handler is enough.
    const next = this.tail.then(() => task());
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once everything queued so far has settled. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
