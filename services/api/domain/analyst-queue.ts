/**
 * Admission for analyst queries: a bounded number run at once, each token may run only a
 * few of them and have only a few admitted (running or waiting), and the waiting line is
 * bounded too. A freed slot goes to the waiting token served longest ago, so one analyst's
 * fifty queued queries do not push another analyst's one to the back. Refusals say when
 * to come back; nothing here reads a clock.
 */
export interface QueueLimits {
  /** Queries running at once (the engine connections of the analyst pool). */
  slots: number;
  /** Queries one token may run at once. */
  perTokenRunning: number;
  /** Queries one token may have running or waiting; one more is refused. */
  perTokenAdmitted: number;
  /** Queries waiting in all; one more is refused. */
  maxWaiting: number;
  /** Suggested wait before retrying a refused query (seconds): about one query's longest run. */
  retryAfterSec: number;
}

export type Admission = { ok: true; started: Promise<() => void> } | { ok: false; reason: string; retryAfterSec: number };

interface TokenState {
  running: number;
  admitted: number;
  waiting: (() => void)[];
  /** When this token last started a query (a serial number): the longest-unserved token goes next. */
  servedAt: number;
}

export class AnalystQueue {
  private running = 0;
  private waitingTotal = 0;
  private readonly tokens = new Map<string, TokenState>();
  private serial = 0;

  constructor(private readonly limits: QueueLimits) {}

  stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waitingTotal };
  }

  admit(token: string): Admission {
    const t = this.tokens.get(token) ?? { running: 0, admitted: 0, waiting: [], servedAt: 0 };
    if (t.admitted >= this.limits.perTokenAdmitted) {
      return { ok: false, reason: `${t.admitted} queries of this token are already running or waiting (limit ${this.limits.perTokenAdmitted}); retry in ${this.limits.retryAfterSec} s`, retryAfterSec: this.limits.retryAfterSec };
    }
    if (!this.canStart(t) && this.waitingTotal >= this.limits.maxWaiting) {
      return { ok: false, reason: `the analyst query queue is full (${this.limits.maxWaiting} waiting); retry in ${this.limits.retryAfterSec} s`, retryAfterSec: this.limits.retryAfterSec };
    }
    this.tokens.set(token, t);
    t.admitted++;
    const release = this.releaser(token, t);
    if (this.canStart(t) && t.waiting.length === 0) {
      this.start(t);
      return { ok: true, started: Promise.resolve(release) };
    }
    this.waitingTotal++;
    return { ok: true, started: new Promise((resolve) => t.waiting.push(() => resolve(release))) };
  }

  private canStart(t: TokenState): boolean {
    return this.running < this.limits.slots && t.running < this.limits.perTokenRunning;
  }

  private start(t: TokenState): void {
    this.running++;
    t.running++;
    t.servedAt = ++this.serial;
  }

  private releaser(token: string, t: TokenState): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running--;
      t.running--;
      t.admitted--;
      if (t.admitted === 0) this.tokens.delete(token);
      this.dispatch();
    };
  }

  private dispatch(): void {
    while (this.running < this.limits.slots) {
      let next: TokenState | undefined;
      for (const t of this.tokens.values()) {
        if (t.waiting.length > 0 && this.canStart(t) && (!next || t.servedAt < next.servedAt)) next = t;
      }
      if (!next) return;
      this.waitingTotal--;
      this.start(next);
      next.waiting.shift()!();
    }
  }
}
