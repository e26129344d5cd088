-- Ticks the price validation held back instead of publishing: a jump the next tick undid at
-- once (`reverted_spike`: 80 -> 800 -> 80.1 keeps the 800 here) or one nothing confirmed
-- before its source ended (`unconfirmed_jump`). Never in ticks_store or the bars; kept here
-- with the price the jump was measured from, so nothing is dropped silently.

CREATE TABLE IF NOT EXISTS {db}.ticks_quarantine (
  symbol LowCardinality(String),
  ts DateTime64(3, 'UTC'),
  seq UInt64,
  source LowCardinality(String),
  price Float64,
  size Nullable(Float64),
  reason LowCardinality(String),
  anchor_price Float64,
  received_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (symbol, ts, source, seq);

CREATE OR REPLACE VIEW {db}.quarantined_ticks AS SELECT * FROM {db}.ticks_quarantine FINAL
