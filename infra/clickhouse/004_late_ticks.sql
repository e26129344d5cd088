-- Ticks that arrived later than the correlator's allowed lateness: they are in ticks_store
-- (and the bars) like any tick, but no measurement was changed by them. They are recorded
-- here, with the watermark they missed, so nothing is dropped silently.

CREATE TABLE IF NOT EXISTS {db}.ticks_late (
  symbol LowCardinality(String),
  ts DateTime64(3, 'UTC'),
  seq UInt64,
  source LowCardinality(String),
  price Float64,
  size Nullable(Float64),
  watermark DateTime64(3, 'UTC'),
  lateness_ms Int64,
  received_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (symbol, ts, source, seq);

CREATE OR REPLACE VIEW {db}.late_ticks AS SELECT * FROM {db}.ticks_late FINAL
