-- Bootstrap p-values on every aggregate of `impact_tests` (docs/prices-and-impact.md, "Event-study statistics"):
-- 013's view with three more columns and their q-value; every other column is 013's, computed the same way.
--
--   boot_resamples  B, the resamples (999)
--   boot_draws      m, the events drawn with replacement into each resample: N, at most 200
--   p_boot          (1 + #{resamples with |t*| >= |bmp_t|}) / (B + 1)
--   q_boot          its Benjamini-Hochberg q across the family, as q_kp (not in verdicts: like BMP, the bootstrap
--                   resamples events as independent, so it has no adjustment for overlapping windows)
--
-- The bootstrap is `oilwire study`'s (services/correlator/domain/statistics/bootstrap.ts, Hall and Wilson 1991): the
-- group's SARs (one per event, the events ordered by window start, then end) centred on their mean, so the null
-- holds; each resample draws m of them with replacement; t* is its mean over its standard error, against the
-- observed studentized mean SAR, bmp_t. Draws are the study's generator at seed 1: draw k = r m + i + 1 (resample
-- r = 0..998, draw i) is event floor(o_k N / 2^32), o_k mulberry32's output at state 1 + k * 0x6D2B79F5 (mod 2^32),
-- the k-th value of seededRandom(1). So for a group of at most 200 events p_boot is bootstrapMeanP of its SARs
-- (999 resamples, seed 1), and a read gives the same p every time.
--
-- Cost: 999 m <= 199,800 draws per group whatever N, each a hash and a join on one UInt64. A larger group
-- draws 200 of its N per resample: the m-out-of-n bootstrap (Bickel, Goetze and van Zwet 1997) of a pivotal
-- statistic, whose distribution at m approximates the one at N up to its O(1/sqrt(m)) skewness term.

-- Per event of each group: its index j in window order (start, then end), the group's N and m, the SAR centred on
-- the group's mean (x), the observed studentized mean SAR (bmp_t), and keys: gid names the group (a hash of symbol,
-- horizon, dimension and value), event_key = cityHash64(gid, j), so the draws join and group on numbers (strings
-- copied per draw cost more than the draws; a collision among 10^6 events has odds of about 3e-8). A function of the
-- group and j only, so the two reads of this view in impact_bootstrap agree on every group both saw. The events are
-- 013's: each measured move (pre_ts, post_ts) of a group once, its SAR the mean over the headlines on it.
CREATE OR REPLACE VIEW {db}.impact_bootstrap_events AS
SELECT gid, toUInt32(j1 - 1) AS j, cityHash64(gid, j) AS event_key, n, m, es - mu AS x, observed
FROM
(
  SELECT
    cityHash64(symbol, horizon, dimension, value) AS gid,
    toUInt32(count()) AS n,
    toUInt32(least(n, 200)) AS m,
    avg(es) AS mu,
    mu / (stddevSamp(es) / sqrt(n)) AS observed,
    -- Moves are distinct (start, end) in a group: sorting the tuples orders by start, then end.
    arraySort(groupArray((start_ms, end_ms, es))).3 AS sars
  FROM
  (
    SELECT symbol, horizon, dim.1 AS dimension, dim.2 AS value, start_ms, end_ms, avg(sar) AS es
    FROM {db}.impact_event_rows
    ARRAY JOIN [('topic', topic), ('oil_direction', CAST(oil_direction, 'String')), ('source', CAST(source, 'String'))] AS dim
    GROUP BY symbol, horizon, dimension, value, start_ms, end_ms
  )
  GROUP BY symbol, horizon, dimension, value
  HAVING n >= 5 AND isFinite(observed)
)
ARRAY JOIN sars AS es, arrayEnumerate(sars) AS j1;

-- Per group of at least 5 events with spread: B = 999 resamples of m draws each, and p_boot.
CREATE OR REPLACE VIEW {db}.impact_bootstrap AS
SELECT
  gid,
  toUInt32(count()) AS boot_resamples,
  any(m) AS boot_draws,
  toNullable((countIf(abs(t) >= abs(observed)) + 1) / (count() + 1)) AS p_boot
FROM
(
  -- A resample of no spread (one event drawn m times) has an infinite t unless its mean is 0, as in the study.
  SELECT
    d.gid AS gid, r, any(d.m) AS m, any(d.observed) AS observed,
    sum(e.x) / m AS bm,
    (sum(e.x * e.x) - m * bm * bm) / (m - 1) AS bv,
    if(bv > 0, bm / sqrt(bv / m), if(bm = 0, 0, inf)) AS t
  FROM
  (
    -- Draw i of every resample r is made on the row of the group's event i (i < m), k = r m + i + 1: mulberry32,
    -- each step written out on 32 bits (Math.imul is the low 32 bits of the product).
    SELECT
      gid, r, m, observed,
      bitAnd(1 + (toUInt64(r) * m + j + 1) * 1831565813, 4294967295) AS a,
      bitAnd(bitXor(a, bitShiftRight(a, 15)) * bitOr(a, 1), 4294967295) AS t1,
      bitXor(t1, bitAnd(t1 + bitAnd(bitXor(t1, bitShiftRight(t1, 7)) * bitOr(t1, 61), 4294967295), 4294967295)) AS t2,
      cityHash64(gid, toUInt32(intDiv(bitXor(t2, bitShiftRight(t2, 14)) * n, 4294967296))) AS drawn_key
    FROM (SELECT gid, j, n, m, observed FROM {db}.impact_bootstrap_events WHERE j < m)
    ARRAY JOIN range(toUInt32(999)) AS r
  ) AS d
  INNER JOIN (SELECT event_key, x FROM {db}.impact_bootstrap_events) AS e ON d.drawn_key = e.event_key
  GROUP BY gid, r
)
GROUP BY gid;

-- 013's impact_tests with the bootstrap joined in before the q-values.
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
    t_stat, p_t, bmp_t, p_bmp, kp_r, kp_t, p_kp, ranked_events, rank_t, p_rank, sign_z, p_sign, boot_resamples, boot_draws, p_boot,
    -- q_(k) = min over j >= k of m p_(j) / j: a running minimum from the largest p down; RANGE takes tied p's together.
    if(p_t IS NULL, NULL, least(1, min(raw_q_t) OVER (PARTITION BY symbol, dimension ORDER BY p_t DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_t,
    if(p_bmp IS NULL, NULL, least(1, min(raw_q_bmp) OVER (PARTITION BY symbol, dimension ORDER BY p_bmp DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_bmp,
    if(p_kp IS NULL, NULL, least(1, min(raw_q_kp) OVER (PARTITION BY symbol, dimension ORDER BY p_kp DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_kp,
    if(p_rank IS NULL, NULL, least(1, min(raw_q_rank) OVER (PARTITION BY symbol, dimension ORDER BY p_rank DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_rank,
    if(p_sign IS NULL, NULL, least(1, min(raw_q_sign) OVER (PARTITION BY symbol, dimension ORDER BY p_sign DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_sign,
    if(p_boot IS NULL, NULL, least(1, min(raw_q_boot) OVER (PARTITION BY symbol, dimension ORDER BY p_boot DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) AS q_boot
  FROM
  (
    SELECT
      *,
      -- m counts the p's present; NULL p's sort last and so leave the ranks of the others alone.
      count(p_t) OVER (PARTITION BY symbol, dimension) * p_t / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_t ASC NULLS LAST) AS raw_q_t,
      count(p_bmp) OVER (PARTITION BY symbol, dimension) * p_bmp / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_bmp ASC NULLS LAST) AS raw_q_bmp,
      count(p_kp) OVER (PARTITION BY symbol, dimension) * p_kp / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_kp ASC NULLS LAST) AS raw_q_kp,
      count(p_rank) OVER (PARTITION BY symbol, dimension) * p_rank / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_rank ASC NULLS LAST) AS raw_q_rank,
      count(p_sign) OVER (PARTITION BY symbol, dimension) * p_sign / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_sign ASC NULLS LAST) AS raw_q_sign,
      count(p_boot) OVER (PARTITION BY symbol, dimension) * p_boot / row_number() OVER (PARTITION BY symbol, dimension ORDER BY p_boot ASC NULLS LAST) AS raw_q_boot
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
      ) AS g
      LEFT JOIN {db}.impact_bootstrap AS b ON cityHash64(g.symbol, g.horizon, g.dimension, g.value) = b.gid
    )
  )
)
