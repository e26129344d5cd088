-- Indicator context stored with each impact row (technicalindicators on the bars before the
-- event: 1-minute bars for intraday horizons, daily bars for +1d), and the move in ATRs.
-- Columns are added in place; rows written before have NULLs.

ALTER TABLE {db}.impact_store
  ADD COLUMN IF NOT EXISTS indicator_interval LowCardinality(String) DEFAULT '',
  ADD COLUMN IF NOT EXISTS rsi Nullable(Float64),
  ADD COLUMN IF NOT EXISTS ema Nullable(Float64),
  ADD COLUMN IF NOT EXISTS bb_upper Nullable(Float64),
  ADD COLUMN IF NOT EXISTS bb_middle Nullable(Float64),
  ADD COLUMN IF NOT EXISTS bb_lower Nullable(Float64),
  ADD COLUMN IF NOT EXISTS bb_pct_b Nullable(Float64),
  ADD COLUMN IF NOT EXISTS atr Nullable(Float64),
  ADD COLUMN IF NOT EXISTS atr_move Nullable(Float64);

-- A view's columns are fixed when it is created: recreate it so the new columns show.
CREATE OR REPLACE VIEW {db}.impact AS SELECT * FROM {db}.impact_store FINAL
