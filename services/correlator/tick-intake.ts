import { priceTickIdentity, type PriceTick } from '../../shared/contracts/events.ts';
import { tickTimeVerdict, type TickTimeRule, type TickTimeVerdict } from '../../shared/contracts/tick-time.ts';
import type { ImpactEngine, TickOutcome } from './domain/impact-engine.ts';
import type { LateTick } from './ports.ts';
import { toMs } from '../../shared/contracts/time.ts';

export interface TickIntakeOptions {
  engine: Pick<ImpactEngine, 'hasTick' | 'addTick' | 'watermark'>;
  /** The symbols the engine measures: a tick of another one may be stored already whatever its time. */
  symbols: string[];
  rule: TickTimeRule;
  now: () => number;
  /** Per symbol, how far the store held ticks when this process started (absent: none). */
  storedUntil: Map<string, number>;
  /** Which of these ticks are stored already, by identity (ImpactRepository.storedTickKeys). */
  storedTickKeys?: (ticks: PriceTick[]) => Promise<Set<string>>;
}

export interface AdmittedTick {
  tick: PriceTick;
  outcome: TickOutcome;
  /** The symbol's watermark just before the tick was added. */
  watermarkMs: number;
}

export interface AdmittedBatch {
  /** Refused by their time before the engine: not stored, no watermark moved. */
  rejected: { tick: PriceTick; reason: Exclude<TickTimeVerdict, 'ok'> }[];
  /** Seen before: twice in the batch, held by the engine, or found in the store. */
  duplicates: number;
  /** What the engine made of each new tick, in batch order. */
  applied: AdmittedTick[];
  /** To write before the batch is acknowledged: the new ticks, and held ones whose write failed. */
  toStore: PriceTick[];
  /** Too late for the engine: for ticks_late. */
  late: LateTick[];
}

/**
 * What a batch of ticks does to the engine, before it is stored: a tick with an implausible time
 * is refused; a tick already seen (in the batch, by the engine, or in the store) is a duplicate;
 * the rest go to the engine, which calls them accepted, late, too late or of an unknown symbol.
 *
 * The engine takes ticks before their write finishes (the write runs beside the engine, the batch
 * is acknowledged after it). So a tick the engine holds may not be stored: if its write fails it
 * is remembered here, and when its batch comes again it is written again (not added again).
 */
export class TickIntake {
  private readonly unwritten = new Set<string>();
  private readonly storedUntil: Map<string, number>;

  constructor(private readonly options: TickIntakeOptions) {
    this.storedUntil = options.storedUntil;
  }

  /** How many ticks the engine holds whose write failed (written again when redelivered). */
  get unwrittenCount(): number {
    return this.unwritten.size;
  }

  async admit(ticks: readonly PriceTick[]): Promise<AdmittedBatch> {
    const { engine, rule, now } = this.options;
    const rejected: AdmittedBatch['rejected'] = [];
    const seen = new Set<string>();
    // In batch order: new ticks (for the engine) and held ones written again (not for the engine).
    const candidates: { tick: PriceTick; identity: string; rewrite: boolean }[] = [];
    let duplicates = 0;
    for (const t of ticks) {
      const verdict = tickTimeVerdict(toMs(t.ts), now(), rule);
      if (verdict !== 'ok') {
        rejected.push({ tick: t, reason: verdict });
        continue;
      }
      const identity = priceTickIdentity(t);
      if (seen.has(identity)) duplicates++;
      else if (this.unwritten.has(identity)) {
        seen.add(identity);
        candidates.push({ tick: t, identity, rewrite: true });
      } else if (engine.hasTick({ symbol: t.symbol, identity })) duplicates++;
      else {
        seen.add(identity);
        candidates.push({ tick: t, identity, rewrite: false });
      }
    }
    // Ticks the engine does not know may still be stored (a feed re-sending its history after a restart, in batches
    // cut differently): inserting them again would count their volume twice in the bars, so the store is asked.
    const unsure = candidates.filter((c) => c.rewrite || !this.options.symbols.includes(c.tick.symbol) || toMs(c.tick.ts) <= (this.storedUntil.get(c.tick.symbol) ?? -Infinity));
    const known = unsure.length && this.options.storedTickKeys ? await this.options.storedTickKeys(unsure.map((c) => c.tick)) : new Set<string>();

    const toStore: PriceTick[] = [];
    const applied: AdmittedTick[] = [];
    const late: LateTick[] = [];
    const at = now();
    for (const c of candidates) {
      if (known.has(c.identity)) {
        // Stored before a restart means seen before it: a duplicate, as it would have been without the restart
        // (the restored watermark must not call it late). A rewrite found stored was written after all.
        if (c.rewrite) this.unwritten.delete(c.identity);
        else duplicates++;
        continue;
      }
      toStore.push(c.tick);
      if (c.rewrite) continue;
      const t = c.tick;
      const watermarkMs = engine.watermark(t.symbol, at);
      const outcome = engine.addTick({ symbol: t.symbol, ts: toMs(t.ts), price: t.price, identity: c.identity, source: t.source }, at);
      applied.push({ tick: t, outcome, watermarkMs });
      if (outcome === 'too_late') late.push({ tick: t, watermarkMs, receivedMs: at });
    }
    return { rejected, duplicates, applied, toStore, late };
  }

  /** The write of these ticks failed: when they come again they are written, not called duplicates. */
  writeFailed(ticks: readonly PriceTick[]): void {
    for (const t of ticks) this.unwritten.add(priceTickIdentity(t));
  }

  /** These ticks are stored. */
  written(ticks: readonly PriceTick[]): void {
    if (this.unwritten.size === 0) return;
    for (const t of ticks) this.unwritten.delete(priceTickIdentity(t));
  }

  /** The engine forgot ticks of `symbol` before `cutoffMs` (they stay in the store): any of them coming again is asked about. */
  forgotBefore(symbol: string, cutoffMs: number): void {
    this.storedUntil.set(symbol, Math.max(this.storedUntil.get(symbol) ?? -Infinity, cutoffMs));
  }
}
