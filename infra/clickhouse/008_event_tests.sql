-- Event-study tests an analyst can query (docs/prices-and-impact.md, "Event-study statistics";
-- docs/sql-cookbook.md for examples). An event is the measured move, (pre_ts, post_ts), each
-- once per group as in 005's views. z (abnormal return over the estimation-window volatility)
-- is the standardized abnormal return. The views carry the parametric tests with normal
-- p-values (erfc); `oilwire study` adds Student-t p-values, the Corrado rank test, the
-- generalized sign test and bootstrap p-values. Groups of fewer than 5 events get no test.
--
--   t_stat  plain t of the abnormal returns (the baseline, overstated when events cluster)
--   bmp_t   Boehmer-Musumeci-Poulsen: mean z over its cross-sectional standard error
--   kp_r    mean pairwise correlation of the events' returns from their window overlap
--   kp_t    bmp_t * sqrt((1 - kp_r) / (1 + (events - 1) kp_r)), Kolari-Pynnonen
--   q_kp    Benjamini-Hochberg q-value of p_kp across the family (all groups of the view for
--           the symbol: topics x horizons, directions x horizons, sources x horizons)

CREATE OR REPLACE VIEW {db}.volatility_profile AS
SELECT
  symbol,
  formatDateTime(toStartOfFifteenMinutes(ts), '%H:%i') AS clock_utc,
  uniqExact(toDate(ts)) AS sessions,
  count() AS returns,
  stddevSamp(ret) AS vol_1m_bps,
  avg(abs(ret)) AS mean_abs_1m_bps
FROM
(
  SELECT
    symbol,
    ts,
    (close / lagInFrame(toNullable(close)) OVER w - 1) * 10000 AS ret,
    lagInFrame(toNullable(ts)) OVER w AS prev_ts
  FROM {db}.bars_1m
  WINDOW w AS (PARTITION BY symbol ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
)
-- Only consecutive minutes: the return across a closed market is no minute's volatility.
WHERE prev_ts = ts - INTERVAL 1 MINUTE
GROUP BY symbol, clock_utc;

CREATE OR REPLACE VIEW {db}.impact_event_rows AS
SELECT
  symbol,
  horizon,
  topic,
  oil_direction,
  source,
  toUnixTimestamp64Milli(pre_ts) AS start_ms,
  toUnixTimestamp64Milli(post_ts) AS end_ms,
  abnormal_bps,
  z
FROM {db}.impact_store FINAL
ARRAY JOIN if(empty(topics), ['none'], CAST(topics, 'Array(String)')) AS topic
WHERE z IS NOT NULL AND abnormal_bps IS NOT NULL;

CREATE OR REPLACE VIEW {db}.impact_tests AS
SELECT
  symbol,
  horizon,
  dimension,
  value,
  events,
  mean_car_bps,
  mean_z,
  t_stat,
  erfc(abs(t_stat) / sqrt(2)) AS p_t,
  bmp_t,
  erfc(abs(bmp_t) / sqrt(2)) AS p_bmp,
  kp_r,
  kp_t,
  p_kp,
  least(1, min(raw_q) OVER (PARTITION BY symbol, dimension ORDER BY p_kp DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS q_kp
FROM
(
  SELECT
    *,
    erfc(abs(kp_t) / sqrt(2)) AS p_kp,
    count() OVER (PARTITION BY symbol, dimension) * p_kp / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_kp ASC) AS raw_q
  FROM
  (
    SELECT
      symbol,
      horizon,
      dimension,
      value,
      count() AS events,
      avg(ar) AS mean_car_bps,
      avg(ez) AS mean_z,
      avg(ar) / (stddevSamp(ar) / sqrt(events)) AS t_stat,
      avg(ez) / (stddevSamp(ez) / sqrt(events)) AS bmp_t,
      groupArray((start_ms, end_ms)) AS w,
      arraySum(arrayMap((a, i) -> arraySum(arrayMap(b -> greatest(0, least(a.2, b.2) - greatest(a.1, b.1)) / sqrt((a.2 - a.1) * (b.2 - b.1)), arraySlice(w, i + 1))), w, arrayEnumerate(w)))
        / (events * (events - 1) / 2) AS kp_r,
      bmp_t * sqrt((1 - kp_r) / (1 + (events - 1) * kp_r)) AS kp_t
    FROM
    (
      SELECT symbol, horizon, dim.1 AS dimension, dim.2 AS value, start_ms, end_ms, avg(abnormal_bps) AS ar, avg(z) AS ez
      FROM {db}.impact_event_rows
      ARRAY JOIN [('topic', topic), ('oil_direction', CAST(oil_direction, 'String')), ('source', CAST(source, 'String'))] AS dim
      GROUP BY symbol, horizon, dimension, value, start_ms, end_ms
    )
    GROUP BY symbol, horizon, dimension, value
    HAVING events >= 5 AND stddevSamp(ez) > 0 AND stddevSamp(ar) > 0
  )
)
