-- OHLC bars built as ticks arrive, by materialized views on ticks_store.
--
-- Open and close are argMin/argMax of the price by (ts, seq), so a tick that arrives late
-- still lands in the right place: the open is the earliest tick of the bucket and the
-- close the latest, whatever order they were inserted in. High, low, volume and the tick
-- count are plain max/min/sum.
--
-- Retried inserts: the correlator inserts ticks with an insert_deduplication_token. With a
-- deduplication window on ticks_store and on each bar table (and
-- deduplicate_blocks_in_dependent_materialized_views, on by default in ClickHouse 26), the
-- retried block is dropped by both the table and the views, so a retry never doubles volume.
--
-- Daily bars follow the trading session: ICE Brent opens at 23:00 UTC the evening before,
-- so a tick's trading day is its UTC date one hour later (the domain's SESSION_DAY_SHIFT_MS).

ALTER TABLE {db}.ticks_store MODIFY SETTING non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {db}.bars_1m_agg (
  symbol LowCardinality(String),
  bucket DateTime('UTC'),
  open AggregateFunction(argMin, Float64, Tuple(DateTime64(3, 'UTC'), UInt64)),
  high SimpleAggregateFunction(max, Float64),
  low SimpleAggregateFunction(min, Float64),
  close AggregateFunction(argMax, Float64, Tuple(DateTime64(3, 'UTC'), UInt64)),
  volume SimpleAggregateFunction(sum, Float64),
  ticks SimpleAggregateFunction(sum, UInt64),
  first_ts SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
  last_ts SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
) ENGINE = AggregatingMergeTree
ORDER BY (symbol, bucket)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.bars_1m_mv TO {db}.bars_1m_agg AS
SELECT
  symbol,
  toStartOfMinute(ts) AS bucket,
  argMinState(price, (ts, seq)) AS open,
  max(price) AS high,
  min(price) AS low,
  argMaxState(price, (ts, seq)) AS close,
  sum(ifNull(size, 0)) AS volume,
  count() AS ticks,
  min(ts) AS first_ts,
  max(ts) AS last_ts
FROM {db}.ticks_store
GROUP BY symbol, bucket;

CREATE TABLE IF NOT EXISTS {db}.bars_1d_agg (
  symbol LowCardinality(String),
  day Date,
  open AggregateFunction(argMin, Float64, Tuple(DateTime64(3, 'UTC'), UInt64)),
  high SimpleAggregateFunction(max, Float64),
  low SimpleAggregateFunction(min, Float64),
  close AggregateFunction(argMax, Float64, Tuple(DateTime64(3, 'UTC'), UInt64)),
  volume SimpleAggregateFunction(sum, Float64),
  ticks SimpleAggregateFunction(sum, UInt64),
  first_ts SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
  last_ts SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
) ENGINE = AggregatingMergeTree
ORDER BY (symbol, day)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.bars_1d_mv TO {db}.bars_1d_agg AS
SELECT
  symbol,
  toDate(ts + INTERVAL 1 HOUR) AS day,
  argMinState(price, (ts, seq)) AS open,
  max(price) AS high,
  min(price) AS low,
  argMaxState(price, (ts, seq)) AS close,
  sum(ifNull(size, 0)) AS volume,
  count() AS ticks,
  min(ts) AS first_ts,
  max(ts) AS last_ts
FROM {db}.ticks_store
GROUP BY symbol, day;

-- Finalized bars: one row per symbol and minute (or trading day).
CREATE OR REPLACE VIEW {db}.bars_1m AS
SELECT symbol, bucket AS ts, argMinMerge(open) AS open, max(high) AS high, min(low) AS low, argMaxMerge(close) AS close, sum(volume) AS volume, sum(ticks) AS ticks, min(first_ts) AS first_ts, max(last_ts) AS last_ts
FROM {db}.bars_1m_agg
GROUP BY symbol, bucket;

CREATE OR REPLACE VIEW {db}.bars_1d AS
SELECT symbol, day, argMinMerge(open) AS open, max(high) AS high, min(low) AS low, argMaxMerge(close) AS close, sum(volume) AS volume, sum(ticks) AS ticks, min(first_ts) AS first_ts, max(last_ts) AS last_ts
FROM {db}.bars_1d_agg
GROUP BY symbol, day
