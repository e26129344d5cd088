/**
 * Event-loop delay, measured the way Node measures it (perf_hooks.monitorEventLoopDelay: a
 * timer that notes how late it fires), per window: a parse or a query that holds the loop for a
 * second shows up here, and in /readyz, instead of only as slow answers everywhere.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

export interface LoopDelay {
  /** Worst delay seen in the last complete window and the current one (ms). */
  maxMs: number;
  /** p99 of the last complete window (ms). */
  p99Ms: number;
}

export interface EventLoopMonitorOptions {
  /** Length of one window (default 5 s). */
  windowMs?: number;
  /** Sampling resolution of the histogram (default 20 ms). */
  resolutionMs?: number;
  registry?: Registry;
}

function gauge(registry: Registry, name: string, help: string): Gauge {
  return (registry.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help, registers: [registry] });
}

export class EventLoopMonitor {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private last: LoopDelay = { maxMs: 0, p99Ms: 0 };
  private readonly maxGauge?: Gauge;
  private readonly p99Gauge?: Gauge;

  constructor(options: EventLoopMonitorOptions = {}) {
    this.histogram = monitorEventLoopDelay({ resolution: options.resolutionMs ?? 20 });
    this.histogram.enable();
    if (options.registry) {
      this.maxGauge = gauge(options.registry, 'oilwire_event_loop_delay_max_seconds', 'Worst event-loop delay in the last window');
      this.p99Gauge = gauge(options.registry, 'oilwire_event_loop_delay_p99_seconds', 'p99 event-loop delay in the last window');
    }
    this.timer = setInterval(() => this.roll(), options.windowMs ?? 5000);
    this.timer.unref();
  }

  private roll(): void {
    const h = this.histogram;
    // The histogram is in nanoseconds, and its max is 0 before the first sample.
    this.last = { maxMs: h.max / 1e6, p99Ms: h.count > 0 ? h.percentile(99) / 1e6 : 0 };
    h.reset();
    this.maxGauge?.set(this.last.maxMs / 1000);
    this.p99Gauge?.set(this.last.p99Ms / 1000);
  }

  delay(): LoopDelay {
    return { maxMs: Math.max(this.last.maxMs, this.histogram.max / 1e6), p99Ms: this.last.p99Ms };
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
