-- The aggregate views count each price move once. An event is now the measured move itself,
-- (pre_ts, post_ts) for a symbol and horizon, rather than the start of the measurement: with
-- daily prices a Saturday, a Sunday and a Monday headline all measure Friday's close to
-- Monday's close, and they are one observation, not three. (005 grouped by event_ts, which
-- kept those apart.) Columns are unchanged; see 005 for their meaning.

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
