-- Analyst views over the impact rows (one row per article, symbol and horizon, latest
-- version). See docs/sql-cookbook.md for what each column means and example queries.
--
-- Headlines measured over the same price move share one observation: an event is the
-- measured move itself, (pre_ts, post_ts) for a symbol and horizon. With daily prices a
-- Saturday, a Sunday and a Monday headline all measure Friday's close to Monday's close, and
-- a day with forty date-only headlines is one observation, not forty, so the t statistics
-- are not inflated by repetition.
--
--   n                headlines in the group
--   events           distinct events (price moves) in the group
--   mean_return_bps  average return over the events, from the pre-event price to the horizon
--   t_stat           mean_return_bps / (sample stddev / sqrt(events)); NULL below 2 events
--   mean_car_bps     average abnormal return (return minus the pre-event normal return) over
--                    the events: the mean cumulative abnormal return to the horizon (CAAR)
--   car_t_stat       t statistic of mean_car_bps
--   mean_z           average z (abnormal return / pre-event volatility) over the events
--   directional      headlines with an oil direction (bullish or bearish)
--   hit_rate         share of directional headlines after which the price moved the predicted
--                    way (bullish and up, bearish and down; no move counts as a miss)
--   mean_signed_bps  average return signed by each directional headline's prediction
--                    (positive: right on average)

CREATE OR REPLACE VIEW {db}.impact_by_topic AS
SELECT
  symbol,
  horizon,
  min(horizon_seconds) AS horizon_seconds,
  topic,
  sum(headlines) AS n,
  count() AS events,
  avg(ret) AS mean_return_bps,
  if(events > 1 AND stddevSamp(ret) > 0, avg(ret) / (stddevSamp(ret) / sqrt(events)), NULL) AS t_stat,
  avg(car) AS mean_car_bps,
  if(count(car) > 1 AND stddevSamp(car) > 0, avg(car) / (stddevSamp(car) / sqrt(count(car))), NULL) AS car_t_stat,
  avg(ez) AS mean_z,
  sum(dir) AS directional,
  if(directional > 0, sum(hits) / directional, NULL) AS hit_rate,
  if(directional > 0, sum(signed) / directional, NULL) AS mean_signed_bps
FROM
(
  SELECT
    symbol,
    horizon,
    min(horizon_seconds) AS horizon_seconds,
    topic,
    pre_ts,
    post_ts,
    count() AS headlines,
    avg(return_bps) AS ret,
    avg(abnormal_bps) AS car,
    avg(z) AS ez,
    countIf(oil_direction IN ('bullish', 'bearish')) AS dir,
    countIf((oil_direction = 'bullish' AND return_bps > 0) OR (oil_direction = 'bearish' AND return_bps < 0)) AS hits,
    sumIf(if(oil_direction = 'bullish', return_bps, -return_bps), oil_direction IN ('bullish', 'bearish')) AS signed
  FROM {db}.impact_store FINAL
  ARRAY JOIN if(empty(topics), ['none'], CAST(topics, 'Array(String)')) AS topic
  GROUP BY symbol, horizon, topic, pre_ts, post_ts
)
GROUP BY symbol, horizon, topic;

CREATE OR REPLACE VIEW {db}.impact_by_direction AS
SELECT
  symbol,
  horizon,
  min(horizon_seconds) AS horizon_seconds,
  oil_direction,
  sum(headlines) AS n,
  count() AS events,
  avg(ret) AS mean_return_bps,
  if(events > 1 AND stddevSamp(ret) > 0, avg(ret) / (stddevSamp(ret) / sqrt(events)), NULL) AS t_stat,
  avg(car) AS mean_car_bps,
  if(count(car) > 1 AND stddevSamp(car) > 0, avg(car) / (stddevSamp(car) / sqrt(count(car))), NULL) AS car_t_stat,
  avg(ez) AS mean_z,
  sum(dir) AS directional,
  if(directional > 0, sum(hits) / directional, NULL) AS hit_rate,
  if(directional > 0, sum(signed) / directional, NULL) AS mean_signed_bps
FROM
(
  SELECT
    symbol,
    horizon,
    min(horizon_seconds) AS horizon_seconds,
    oil_direction,
    pre_ts,
    post_ts,
    count() AS headlines,
    avg(return_bps) AS ret,
    avg(abnormal_bps) AS car,
    avg(z) AS ez,
    countIf(oil_direction IN ('bullish', 'bearish')) AS dir,
    countIf((oil_direction = 'bullish' AND return_bps > 0) OR (oil_direction = 'bearish' AND return_bps < 0)) AS hits,
    sumIf(if(oil_direction = 'bullish', return_bps, -return_bps), oil_direction IN ('bullish', 'bearish')) AS signed
  FROM {db}.impact_store FINAL
  GROUP BY symbol, horizon, oil_direction, pre_ts, post_ts
)
GROUP BY symbol, horizon, oil_direction;

CREATE OR REPLACE VIEW {db}.impact_by_source AS
SELECT
  symbol,
  horizon,
  min(horizon_seconds) AS horizon_seconds,
  source,
  sum(headlines) AS n,
  count() AS events,
  avg(ret) AS mean_return_bps,
  if(events > 1 AND stddevSamp(ret) > 0, avg(ret) / (stddevSamp(ret) / sqrt(events)), NULL) AS t_stat,
  avg(car) AS mean_car_bps,
  if(count(car) > 1 AND stddevSamp(car) > 0, avg(car) / (stddevSamp(car) / sqrt(count(car))), NULL) AS car_t_stat,
  avg(ez) AS mean_z,
  sum(dir) AS directional,
  if(directional > 0, sum(hits) / directional, NULL) AS hit_rate,
  if(directional > 0, sum(signed) / directional, NULL) AS mean_signed_bps
FROM
(
  SELECT
    symbol,
    horizon,
    min(horizon_seconds) AS horizon_seconds,
    source,
    pre_ts,
    post_ts,
    count() AS headlines,
    avg(return_bps) AS ret,
    avg(abnormal_bps) AS car,
    avg(z) AS ez,
    countIf(oil_direction IN ('bullish', 'bearish')) AS dir,
    countIf((oil_direction = 'bullish' AND return_bps > 0) OR (oil_direction = 'bearish' AND return_bps < 0)) AS hits,
    sumIf(if(oil_direction = 'bullish', return_bps, -return_bps), oil_direction IN ('bullish', 'bearish')) AS signed
  FROM {db}.impact_store FINAL
  GROUP BY symbol, horizon, source, pre_ts, post_ts
)
GROUP BY symbol, horizon, source;

-- Daily news signal against daily returns. A headline counts on the trading day its
-- measurement starts (event_ts on the trading clock: a Saturday headline counts on Monday);
-- its signal is +1 bullish / -1 bearish, times the scorer's strength and relevance / 100.
-- return_bps is that day's close against the previous trading day's close (the reaction),
-- next_return_bps the following day's (does the news lead the price?). The corr_* columns
-- are rolling Pearson correlations over the last 20 and 60 trading days.
CREATE OR REPLACE VIEW {db}.signal_vs_return AS
SELECT
  symbol,
  day,
  headlines,
  signal,
  close,
  return_bps,
  next_return_bps,
  corr(signal, return_bps) OVER (PARTITION BY symbol ORDER BY day ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS corr_20d,
  corr(signal, return_bps) OVER (PARTITION BY symbol ORDER BY day ROWS BETWEEN 59 PRECEDING AND CURRENT ROW) AS corr_60d,
  corr(signal, next_return_bps) OVER (PARTITION BY symbol ORDER BY day ROWS BETWEEN 59 PRECEDING AND CURRENT ROW) AS corr_next_60d
FROM
(
  SELECT
    b.symbol AS symbol,
    b.day AS day,
    ifNull(s.headlines, 0) AS headlines,
    ifNull(s.signal, 0) AS signal,
    b.close AS close,
    b.return_bps AS return_bps,
    b.next_return_bps AS next_return_bps
  FROM
  (
    SELECT
      symbol,
      day,
      close,
      (close / lagInFrame(toNullable(close)) OVER (PARTITION BY symbol ORDER BY day ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) - 1) * 10000 AS return_bps,
      (leadInFrame(toNullable(close)) OVER (PARTITION BY symbol ORDER BY day ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) / close - 1) * 10000 AS next_return_bps
    FROM (SELECT symbol, day, argMaxMerge(close) AS close FROM {db}.bars_1d_agg GROUP BY symbol, day)
  ) AS b
  LEFT JOIN
  (
    SELECT
      i.symbol AS symbol,
      toDate(i.event_ts + INTERVAL 1 HOUR) AS day,
      count() AS headlines,
      sum(multiIf(n.oil_direction = 'bullish', 1, n.oil_direction = 'bearish', -1, 0) * n.oil_strength * n.relevance / 100) AS signal
    FROM (SELECT article_id, symbol, any(event_ts) AS event_ts FROM {db}.impact_store FINAL GROUP BY article_id, symbol) AS i
    INNER JOIN (SELECT id, oil_direction, oil_strength, relevance FROM {db}.news_store FINAL) AS n ON n.id = i.article_id
    GROUP BY symbol, day
  ) AS s ON s.symbol = b.symbol AND s.day = b.day
)
