import jstatModule from 'jstat';

const { jStat } = jstatModule;

/** Two-sided p-value of a statistic that is Student-t with `df` degrees of freedom under the null. */
export function tTwoSided(stat: number, df: number): number {
  if (!Number.isFinite(stat) || !(df > 0)) return NaN;
  // The lower tail at -|t| keeps precision for large statistics (1 - cdf would round to 0).
  return Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(stat), df));
}

/** Two-sided p-value of a statistic that is standard normal under the null. */
export function normalTwoSided(stat: number): number {
  if (!Number.isFinite(stat)) return NaN;
  return Math.min(1, 2 * jStat.normal.cdf(-Math.abs(stat), 0, 1));
}
