-- Core tables. Writes are idempotent: each table is a ReplacingMergeTree keyed by the
-- event's identity, and the analyst views read it with FINAL, so a replayed message
-- never shows up twice.

CREATE TABLE IF NOT EXISTS {db}.news_store (
  id String,
  source LowCardinality(String),
  url Nullable(String),
  title String,
  summary String,
  published_at DateTime64(3, 'UTC'),
  published_precision LowCardinality(String),
  fetched_at DateTime64(3, 'UTC'),
  tags Array(String),
  sentiment_label LowCardinality(String),
  sentiment_score Float32,
  sentiment_confidence Float32,
  oil_direction LowCardinality(String),
  oil_strength Float32,
  topics Array(LowCardinality(String)),
  entities Array(String),
  relevance Float32,
  novelty Float32,
  cluster_id String,
  model_name LowCardinality(String),
  model_version LowCardinality(String),
  scored_at DateTime64(3, 'UTC'),
  inserted_at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(scored_at)
ORDER BY id;

CREATE TABLE IF NOT EXISTS {db}.ticks_store (
  symbol LowCardinality(String),
  ts DateTime64(3, 'UTC'),
  seq UInt64,
  source LowCardinality(String),
  price Float64,
  size Nullable(Float64),
  inserted_at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree
ORDER BY (symbol, ts, source, seq);

CREATE TABLE IF NOT EXISTS {db}.impact_store (
  article_id String,
  symbol LowCardinality(String),
  horizon LowCardinality(String),
  horizon_seconds UInt32,
  published_at DateTime64(3, 'UTC'),
  event_ts DateTime64(3, 'UTC'),
  pre_ts DateTime64(3, 'UTC'),
  pre_price Float64,
  post_ts DateTime64(3, 'UTC'),
  post_price Float64,
  return_bps Float64,
  abnormal_bps Nullable(Float64),
  z Nullable(Float64),
  pre_vol_bps Nullable(Float64),
  title String,
  source LowCardinality(String),
  topics Array(LowCardinality(String)),
  oil_direction LowCardinality(String),
  relevance Float32,
  computed_at DateTime64(3, 'UTC'),
  version UInt32
) ENGINE = ReplacingMergeTree(version)
ORDER BY (article_id, symbol, horizon);

CREATE VIEW IF NOT EXISTS {db}.news AS SELECT * EXCEPT inserted_at FROM {db}.news_store FINAL;

CREATE VIEW IF NOT EXISTS {db}.ticks AS SELECT * EXCEPT inserted_at FROM {db}.ticks_store FINAL;

CREATE VIEW IF NOT EXISTS {db}.impact AS SELECT * FROM {db}.impact_store FINAL;
