import { msToClickHouseTime } from '../../../shared/contracts/time.ts';
import type { Store } from '../../../shared/store/port.ts';
import type { QuarantinedTick, QuarantineSink } from '../ports.ts';


/** Quarantined ticks go to `ticks_quarantine` (infra/clickhouse/006_ticks_quarantine.sql), keyed like ticks so a replay stores them once. */
export class ClickHouseQuarantineSink implements QuarantineSink {
  constructor(private readonly store: Store) {}

  async save(rows: QuarantinedTick[]): Promise<void> {
    if (rows.length === 0) return;
    await this.store.insert(
      'ticks_quarantine',
      rows.map((r) => ({
        symbol: r.tick.symbol,
        ts: msToClickHouseTime(r.tick.ts),
        seq: r.tick.seq,
        source: r.source,
        price: r.tick.price,
        size: r.tick.size,
        reason: r.reason,
        anchor_price: r.anchor,
        received_at: msToClickHouseTime(r.receivedMs),
      })),
    );
  }
}
