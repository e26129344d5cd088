/**
 * One answer to "is this process ready", for every process that serves it: the API's /readyz, and the
 * ops port of a service run alone (`oilwire run <service> --ops-port`). Ready means the store answers
 * and takes writes, no data part is known damaged, the event loop is not held up, and whatever the
 * caller adds (its bus, the parts of its service that have to start) holds.
 */
import { Gauge, type Registry } from 'prom-client';
import { toIso } from '../contracts/time.ts';
import type { Store, StoreDamage } from '../store/port.ts';
import { EventLoopMonitor, type LoopDelay } from './event-loop.ts';
import { processWriteHealth, type WriteHealth } from './health.ts';

/** A loop held this long within the last window is not ready: every request and every consumer waits behind it. */
export const READY_MAX_LOOP_DELAY_MS = 1000;

export type ReadinessCheck = () => Record<string, boolean>;

export interface ReadinessBody {
  status: 'ready' | 'not ready';
  checks: Record<string, boolean>;
  eventLoopDelayMs: { max: number; p99: number };
  writeFailure?: { since: string; failures: number; error: string };
  storeDamage?: Omit<StoreDamage, 'since'> & { since: string };
}

export interface ReadinessProbeOptions {
  store: Pick<Store, 'ping' | 'damage'>;
  registry: Registry;
  checks?: ReadinessCheck;
  /** Outcomes of the process's store writes (default: the process registry the runtime's store reports to). */
  writes?: WriteHealth;
  maxLoopDelayMs?: number;
  /** Window of the event-loop delay measurement (default 5 s). */
  loopWindowMs?: number;
  /** How the loop delay is read (default: an EventLoopMonitor of the process, registered in `registry`). */
  loop?: { delay(): LoopDelay; stop(): void };
}

export class ReadinessProbe {
  private readonly writes: WriteHealth;
  private readonly maxLoopDelayMs: number;
  private readonly loop: { delay(): LoopDelay; stop(): void };
  private readonly writesFailing: Gauge;

  constructor(private readonly options: ReadinessProbeOptions) {
    this.writes = options.writes ?? processWriteHealth;
    this.maxLoopDelayMs = options.maxLoopDelayMs ?? READY_MAX_LOOP_DELAY_MS;
    this.loop = options.loop ?? new EventLoopMonitor({ registry: options.registry, windowMs: options.loopWindowMs });
    this.writesFailing =
      (options.registry.getSingleMetric('oilwire_store_writes_failing') as Gauge | undefined) ??
      new Gauge({ name: 'oilwire_store_writes_failing', help: '1 while the last store insert failed (full disk, read-only store, ...)', registers: [options.registry] });
  }

  /** Sets the gauges that mirror readiness, so a scrape of /metrics sees what /readyz would say. */
  refreshMetrics(): void {
    this.writesFailing.set(this.writes.failing() ? 1 : 0);
  }

  async check(): Promise<{ ready: boolean; body: ReadinessBody }> {
    const failure = this.writes.failing();
    this.writesFailing.set(failure ? 1 : 0);
    const damage = this.options.store.damage?.();
    const delay = this.loop.delay();
    const checks = {
      store: await this.options.store.ping(),
      writes: failure === undefined,
      storeIntact: damage === undefined,
      eventLoop: delay.maxMs <= this.maxLoopDelayMs,
      ...(this.options.checks?.() ?? {}),
    };
    const ready = Object.values(checks).every(Boolean);
    return {
      ready,
      body: {
        status: ready ? 'ready' : 'not ready',
        checks,
        eventLoopDelayMs: { max: Math.round(delay.maxMs), p99: Math.round(delay.p99Ms) },
        ...(failure ? { writeFailure: { since: toIso(failure.since), failures: failure.failures, error: failure.error } } : {}),
        ...(damage ? { storeDamage: { ...damage, since: toIso(damage.since) } } : {}),
      },
    };
  }

  stop(): void {
    this.loop.stop();
  }
}
