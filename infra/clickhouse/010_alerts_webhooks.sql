-- Alerts and their webhook deliveries (owned by the api service). Delivery state lives
-- here, beside the data it is about, so a restart loses no pending delivery and analysts
-- can see every attempt and dead letter with /sql. Each change to a delivery is a new row
-- with a higher revision; the views read the latest with FINAL.

CREATE TABLE IF NOT EXISTS {db}.alerts_store (
  alert_id String,
  rule_id LowCardinality(String),
  kind LowCardinality(String),
  symbol LowCardinality(String),
  event_ts DateTime64(3, 'UTC'),
  fired_at DateTime64(3, 'UTC'),
  article_id Nullable(String),
  title String,
  data String
) ENGINE = ReplacingMergeTree
ORDER BY alert_id;

CREATE TABLE IF NOT EXISTS {db}.webhook_deliveries_store (
  delivery_id String,
  endpoint_id LowCardinality(String),
  alert_id String,
  event_type LowCardinality(String),
  payload String,
  status LowCardinality(String),
  attempts UInt32,
  next_attempt_at DateTime64(3, 'UTC'),
  last_status UInt16,
  last_error String,
  created_at DateTime64(3, 'UTC'),
  updated_at DateTime64(3, 'UTC'),
  delivered_at Nullable(DateTime64(3, 'UTC')),
  revision UInt32
) ENGINE = ReplacingMergeTree(revision)
ORDER BY delivery_id;

CREATE TABLE IF NOT EXISTS {db}.webhook_attempts_store (
  delivery_id String,
  endpoint_id LowCardinality(String),
  attempt UInt32,
  started_at DateTime64(3, 'UTC'),
  duration_ms Float64,
  outcome LowCardinality(String),
  status UInt16,
  error String,
  next_attempt_at Nullable(DateTime64(3, 'UTC'))
) ENGINE = ReplacingMergeTree
ORDER BY (delivery_id, attempt);

CREATE TABLE IF NOT EXISTS {db}.webhook_dead_letters_store (
  delivery_id String,
  endpoint_id LowCardinality(String),
  alert_id String,
  event_type LowCardinality(String),
  payload String,
  attempts UInt32,
  last_status UInt16,
  last_error String,
  reason String,
  dead_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY delivery_id;

CREATE TABLE IF NOT EXISTS {db}.webhook_endpoints_store (
  endpoint_id String,
  url_hash String,
  disabled UInt8,
  reason String,
  changed_at DateTime64(3, 'UTC'),
  revision UInt64
) ENGINE = ReplacingMergeTree(revision)
ORDER BY (endpoint_id, url_hash);

CREATE VIEW IF NOT EXISTS {db}.alerts AS SELECT * FROM {db}.alerts_store FINAL;

CREATE VIEW IF NOT EXISTS {db}.webhook_deliveries AS SELECT * FROM {db}.webhook_deliveries_store FINAL;

CREATE VIEW IF NOT EXISTS {db}.webhook_attempts AS SELECT * FROM {db}.webhook_attempts_store FINAL;

CREATE VIEW IF NOT EXISTS {db}.webhook_dead_letters AS SELECT * FROM {db}.webhook_dead_letters_store FINAL;

CREATE VIEW IF NOT EXISTS {db}.webhook_endpoints AS SELECT * FROM {db}.webhook_endpoints_store FINAL;
