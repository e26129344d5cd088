-- What the event-study tests need per impact row, and every test on every aggregate
-- (docs/prices-and-impact.md, "Event-study statistics", says what each number is):
--
--   estimation_windows  T, the pre-event windows behind abnormal_bps and pre_vol_bps
--   sar                 standardized abnormal return abnormal_bps / (pre_vol_bps * sqrt(1 + 1/T))
--   estimation_ar_bps   the T windows' abnormal returns (each minus their mean), newest first:
--                       the rank and sign tests rank the event against them
--
-- Columns are added in place from the news.impact event's optional fields; rows written before
-- have NULL / [] (their z stands in for the SAR, and they take no part in rank and sign).

ALTER TABLE {db}.impact_store
  ADD COLUMN IF NOT EXISTS estimation_windows Nullable(UInt16),
  ADD COLUMN IF NOT EXISTS sar Nullable(Float64),
  ADD COLUMN IF NOT EXISTS estimation_ar_bps Array(Float64);

-- A view's columns are fixed when it is created: recreate it so the new columns show.
CREATE OR REPLACE VIEW {db}.impact AS SELECT * FROM {db}.impact_store FINAL;

CREATE OR REPLACE VIEW {db}.impact_event_rows AS
SELECT
  symbol,
  horizon,
  topic,
  oil_direction,
  source,
  article_id,
  published_at,
  toUnixTimestamp64Milli(pre_ts) AS start_ms,
  toUnixTimestamp64Milli(post_ts) AS end_ms,
  abnormal_bps,
  z,
  -- Rows from before this migration have z only: z / SAR = sqrt(1 + 1/T), 1.025 at T = 20.
  coalesce(sar, z) AS sar,
  estimation_ar_bps
FROM {db}.impact_store FINAL
ARRAY JOIN if(empty(topics), ['none'], CAST(topics, 'Array(String)')) AS topic
WHERE z IS NOT NULL AND abnormal_bps IS NOT NULL;

-- Per group (symbol, horizon, dimension, value) of at least 5 events, an event being a measured
-- move (pre_ts, post_ts) counted once:
--
--   t_stat, p_t          plain t of the abnormal returns (the baseline)
--   bmp_t, p_bmp         Boehmer-Musumeci-Poulsen: mean SAR over its cross-sectional standard error
--   kp_r, kp_t, p_kp     Kolari-Pynnonen: bmp_t * sqrt((1 - r) / (1 + (N - 1) r)), r from window overlap
--   ranked_events        events with estimation windows stored (rank and sign need 5 of them)
--   rank_t, p_rank       Corrado rank test, Corrado-Zivney standardized mid-ranks
--   sign_z, p_sign       Cowan's generalized sign test against the estimation windows' share of positives
--   q_t ... q_sign       Benjamini-Hochberg q of each p across the family: every group of the
--                        dimension and symbol (topics x horizons, directions x horizons, sources x horizons)
--   verdicts             [KP, rank, sign]: 1 / -1 significant up / down at q <= 0.05, 0 not, NULL not run
--   significant_tests    how many of KP, rank and sign have q <= 0.05
--   tests_agree          1 when KP, rank and sign (those that ran, at least two) give one verdict at
--                        q <= 0.05 (significant the same way, or all not), 0 when they split
--
-- p_t, p_bmp, p_kp are Student-t with N - 1 degrees of freedom, as `oilwire study`: for an integer
-- df the two-sided p is a finite series in cos^2 = df / (df + t^2) (Abramowitz and Stegun 26.7.3-4),
-- written once as the lambda applied to the three statistics. p_rank and p_sign are normal (erfc).
CREATE OR REPLACE VIEW {db}.impact_tests AS
SELECT
  *,
  -- +1 / -1 significant up / down at q <= 0.05, 0 not significant, NULL not run: KP, rank, sign.
  [
    if(q_kp IS NULL, NULL, if(q_kp <= 0.05, toInt8(sign(kp_t)), toInt8(0))),
    if(q_rank IS NULL, NULL, if(q_rank <= 0.05, toInt8(sign(rank_t)), toInt8(0))),
    if(q_sign IS NULL, NULL, if(q_sign <= 0.05, toInt8(sign(sign_z)), toInt8(0)))
  ] AS verdicts,
  toUInt8(arrayCount(v -> v != 0, arrayFilter(v -> v IS NOT NULL, verdicts))) AS significant_tests,
  if(length(arrayFilter(v -> v IS NOT NULL, verdicts)) < 2, NULL, toUInt8(length(arrayDistinct(arrayFilter(v -> v IS NOT NULL, verdicts))) = 1)) AS tests_agree
FROM
(
  SELECT
    symbol, horizon, dimension, value, events, mean_car_bps, mean_z, mean_sar,
    t_stat, p_t, bmp_t, p_bmp, kp_r, kp_t, p_kp, ranked_events, rank_t, p_rank, sign_z, p_sign,
    -- q_(k) = min over j >= k of m p_(j) / j: a running minimum from the largest p down; RANGE takes tied p's together.
    if(p_t IS NULL, NULL, least(1, min(raw_q_t) OVER (PARTITION BY symbol, dimension ORDER BY p_t DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_t,
    if(p_bmp IS NULL, NULL, least(1, min(raw_q_bmp) OVER (PARTITION BY symbol, dimension ORDER BY p_bmp DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_bmp,
    if(p_kp IS NULL, NULL, least(1, min(raw_q_kp) OVER (PARTITION BY symbol, dimension ORDER BY p_kp DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_kp,
    if(p_rank IS NULL, NULL, least(1, min(raw_q_rank) OVER (PARTITION BY symbol, dimension ORDER BY p_rank DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_rank,
    if(p_sign IS NULL, NULL, least(1, min(raw_q_sign) OVER (PARTITION BY symbol, dimension ORDER BY p_sign DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_sign
  FROM
  (
    SELECT
      *,
      -- m counts the p's present; NULL p's sort last and so leave the ranks of the others alone.
      count(p_t) OVER (PARTITION BY symbol, dimension) * p_t / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_t ASC NULLS LAST) AS raw_q_t,
      count(p_bmp) OVER (PARTITION BY symbol, dimension) * p_bmp / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_bmp ASC NULLS LAST) AS raw_q_bmp,
      count(p_kp) OVER (PARTITION BY symbol, dimension) * p_kp / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_kp ASC NULLS LAST) AS raw_q_kp,
      count(p_rank) OVER (PARTITION BY symbol, dimension) * p_rank / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_rank ASC NULLS LAST) AS raw_q_rank,
      count(p_sign) OVER (PARTITION BY symbol, dimension) * p_sign / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_sign ASC NULLS LAST) AS raw_q_sign
    FROM
    (
      SELECT
        *,
        arrayMap((x, df) -> least(1, greatest(0, if(df % 2 = 0,
            1 - abs(x) / sqrt(df + x * x) * (1 + arraySum(v -> exp(v), arrayCumSum(arrayMap(j -> log((2 * j - 1) / (2 * j) * df / (df + x * x)), range(1, toUInt32(df / 2)))))),
            1 - 2 / pi() * (atan(abs(x) / sqrt(df)) + if(df = 1, 0, abs(x) * sqrt(df) / (df + x * x)
              * (1 + arraySum(v -> exp(v), arrayCumSum(arrayMap(j -> log(2 * j / (2 * j + 1) * df / (df + x * x)), range(1, toUInt32((df - 1) / 2))))))))))),
          [assumeNotNull(t_stat), assumeNotNull(bmp_t), assumeNotNull(kp_t)], [events - 1, events - 1, events - 1]) AS student_p,
        toNullable(student_p[1]) AS p_t,
        toNullable(student_p[2]) AS p_bmp,
        toNullable(student_p[3]) AS p_kp,
        if(rank_t IS NULL, NULL, erfc(abs(rank_t) / sqrt(2))) AS p_rank,
        if(sign_z IS NULL, NULL, erfc(abs(sign_z) / sqrt(2))) AS p_sign
      FROM
      (
        -- r: the mean over pairs of overlap / sqrt(len1 len2). A window overlaps, later in start order, exactly the
        -- next ones up to hi; one row per offset d up to reach pairs each window with the d-th after it (a shift,
        -- not a lambda capturing the whole list, which would copy it once per window: N^2 memory). A window of no
        -- length (no tick within the horizon) correlates with none.
        SELECT
          symbol, horizon, dimension, value, events, mean_car_bps, mean_z, mean_sar, t_stat, bmp_t, ranked_events, rank_t, sign_z,
          sum(pairs) / (events * (events - 1) / 2) AS kp_r,
          bmp_t * sqrt((1 - kp_r) / (1 + (events - 1) * kp_r)) AS kp_t
        FROM
        (
          SELECT
            *,
            arraySum((a, b, i, h) -> if(i + d <= h AND a.2 > a.1 AND b.2 > b.1, (least(a.2, b.2) - b.1) / sqrt((a.2 - a.1) * (b.2 - b.1)), 0),
              w, arrayShiftLeft(w, d), arrayEnumerate(w), hi) AS pairs
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
          avg(es) AS mean_sar,
          avg(ar) / (stddevSamp(ar) / sqrt(events)) AS t_stat,
          avg(es) / (stddevSamp(es) / sqrt(events)) AS bmp_t,
          -- For r (next level): the windows sorted by start, and for each the last one starting before it ends (hi,
          -- from merging the starts with the ends: an end sorts before a start at the same instant, so touching
          -- windows do not overlap); reach is the furthest any window looks ahead.
          arraySort(groupArray((start_ms, end_ms))) AS w,
          arraySort(x -> (x.1, x.2), arrayConcat(
            arrayMap(x -> (x.1, toUInt8(1), toUInt32(0)), w),
            arrayMap((x, i) -> (x.2, toUInt8(0), toUInt32(i)), w, arrayEnumerate(w)))) AS merged,
          arraySort((c, i) -> i, arrayFilter((c, x) -> x.2 = 0, arrayCumSum(arrayMap(x -> x.2, merged)), merged), arrayFilter(x -> x.2 = 0, merged).3) AS hi,
          arrayMax(arrayMap((i, h) -> toInt64(h) - i, arrayEnumerate(w), hi)) AS reach,
          countIf(length(est) >= 2) AS ranked_events,
          -- Mean standardized rank per relative period (1: the event, k + 1: the k-th window before it).
          avgForEach(u) AS u_bar,
          if(ranked_events >= 5 AND arrayAvg(x -> x * x, u_bar) > 0, u_bar[1] / sqrt(arrayAvg(x -> x * x, u_bar)), NULL) AS rank_t,
          avgIf(arrayCount(x -> x > 0, est) / length(est), length(est) >= 2) AS p_hat,
          countIf(rank_ar > 0 AND length(est) >= 2) AS positive,
          if(ranked_events >= 5 AND p_hat > 0 AND p_hat < 1, (positive - ranked_events * p_hat) / sqrt(ranked_events * p_hat * (1 - p_hat)), NULL) AS sign_z
        FROM
        (
          SELECT
            *,
            arrayConcat([rank_ar], est) AS all_ar,
            -- U = K / (M + 1) - 1/2, K the mid-rank (ties share the mean of their ranks) among the M = T + 1 windows.
            -- Ranked by one sort: a run of equal sorted values spans positions first..last and each gets their mean;
            -- the ranks go back to window order by sorting on the original index (no lambda captures the array,
            -- which would copy it once per element).
            length(all_ar) AS m,
            arraySort(all_ar) AS sorted_ar,
            arrayEnumerate(sorted_ar) AS pos,
            arrayFill((p, s) -> s, pos, arrayMap((v, w, p) -> p = 1 OR v != w, sorted_ar, arrayShiftRight(sorted_ar, 1), pos)) AS run_first,
            arrayReverseFill((p, e) -> e, pos, arrayMap((v, w, p) -> p = m OR v != w, sorted_ar, arrayShiftLeft(sorted_ar, 1), pos)) AS run_last,
            arraySort((k, i) -> i, arrayMap((f, l) -> (f + l) / 2, run_first, run_last), arraySort((i, v) -> v, arrayEnumerate(all_ar), all_ar)) AS mid_ranks,
            if(length(est) >= 2, arrayMap(k -> k / (m + 1) - 0.5, mid_ranks), CAST([], 'Array(Float64)')) AS u
          FROM
          (
            SELECT
              symbol, horizon, dim.1 AS dimension, dim.2 AS value, start_ms, end_ms,
              avg(abnormal_bps) AS ar, avg(z) AS ez, avg(sar) AS es,
              -- The rank and sign tests need one row's abnormal return with its own windows: the earliest headline's.
              argMin((abnormal_bps, estimation_ar_bps), (published_at, article_id)) AS head_row,
              head_row.1 AS rank_ar,
              head_row.2 AS est
            FROM {db}.impact_event_rows
            ARRAY JOIN [('topic', topic), ('oil_direction', CAST(oil_direction, 'String')), ('source', CAST(source, 'String'))] AS dim
            GROUP BY symbol, horizon, dimension, value, start_ms, end_ms
          )
        )
        GROUP BY symbol, horizon, dimension, value
        HAVING events >= 5 AND stddevSamp(es) > 0 AND stddevSamp(ar) > 0
          )
          ARRAY JOIN range(1, toUInt64(greatest(reach, 1)) + 1) AS d
        )
        GROUP BY symbol, horizon, dimension, value, events, mean_car_bps, mean_z, mean_sar, t_stat, bmp_t, ranked_events, rank_t, sign_z
      )
    )
  )
)
