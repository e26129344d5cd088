-- Intraday event-study context of each impact row (docs/prices-and-impact.md, "Event-study
-- statistics"), from the news.impact event's optional fields:
--   tod_z          abnormal return over the volatility of the same clock window on up to 20
--                  earlier days (time-of-day z); intraday horizons only
--   pre_event_bps  return over the 15 minutes before publication, to see leakage; intraday only
-- Columns are added in place; rows written before, and daily horizons, have NULLs.

ALTER TABLE {db}.impact_store
  ADD COLUMN IF NOT EXISTS tod_z Nullable(Float64),
  ADD COLUMN IF NOT EXISTS pre_event_bps Nullable(Float64);

-- A view's columns are fixed when it is created: recreate it so the new columns show.
CREATE OR REPLACE VIEW {db}.impact AS SELECT * FROM {db}.impact_store FINAL;
