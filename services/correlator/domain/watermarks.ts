export interface WatermarkOptions {
  /** How far behind its newest tick a source may still deliver older ones (event time). */
  maxOutOfOrdernessMs: number;
  /** A source that delivered nothing for this long (processing time) stops holding the watermark back. */
  idleTimeoutMs: number;
  /** Per-source overrides of the out-of-orderness bound, by the ticks' `source` field. */
  perSource?: Record<string, { maxOutOfOrdernessMs: number }>;
}

interface SourceState {
  maxTs: number;
  lastSeen: number;
}

export interface SourceWatermark {
  source: string;
  maxTs: number;
  watermark: number;
  idle: boolean;
}

/**
 * Event-time watermarks per (symbol, source), as in stream processors: a source's
 * watermark is its newest tick minus its out-of-orderness bound (minus 1 ms, so ticks
 * sharing the newest timestamp are still on time). A symbol's watermark is the lowest
 * among its active sources; a source silent for longer than the idle timeout (a feed at
 * the weekend, a dead connection) stops holding it back. When every source is idle the
 * highest one counts. A symbol's watermark never goes backwards.
 *
 * Watermark W means: no tick at or before W is expected any more. A tick at or before W
 * is late.
 */
export class Watermarks {
  private readonly sources = new Map<string, Map<string, SourceState>>();
  private readonly last = new Map<string, number>();

  constructor(private readonly options: WatermarkOptions) {}

  private bound(source: string): number {
    return this.options.perSource?.[source]?.maxOutOfOrdernessMs ?? this.options.maxOutOfOrdernessMs;
  }

  observe(symbol: string, source: string, ts: number, nowMs: number): void {
    let bySource = this.sources.get(symbol);
    if (!bySource) this.sources.set(symbol, (bySource = new Map()));
    const s = bySource.get(source);
    if (!s) bySource.set(source, { maxTs: ts, lastSeen: nowMs });
    else {
      if (ts > s.maxTs) s.maxTs = ts;
      s.lastSeen = Math.max(s.lastSeen, nowMs);
    }
  }

  /**
   * Seeds a source from what the store holds after a restart: its newest stored tick and when
   * that arrived (processing time). The watermark is then what it was before the stop, and a
   * source silent since longer than the idle timeout is idle, as it was.
   */
  restore(symbol: string, source: string, maxTs: number, lastSeenMs: number): void {
    this.observe(symbol, source, maxTs, lastSeenMs);
  }

  bySource(symbol: string, nowMs: number): SourceWatermark[] {
    return [...(this.sources.get(symbol) ?? new Map<string, SourceState>()).entries()].map(([source, s]) => ({
      source,
      maxTs: s.maxTs,
      watermark: s.maxTs - this.bound(source) - 1,
      idle: nowMs - s.lastSeen > this.options.idleTimeoutMs,
    }));
  }

  current(symbol: string, nowMs: number): number {
    const all = this.bySource(symbol, nowMs);
    let w = -Infinity;
    if (all.length) {
      const active = all.filter((s) => !s.idle);
      w = active.length ? Math.min(...active.map((s) => s.watermark)) : Math.max(...all.map((s) => s.watermark));
    }
    const prev = this.last.get(symbol) ?? -Infinity;
    if (w > prev) {
      this.last.set(symbol, w);
      return w;
    }
    return prev;
  }
}
