import { seededRandom } from '../../../../shared/runtime/seeded-random.ts';
import { mean, sampleSd, type TestResult } from './parametric.ts';

/**
 * Bootstrap p-value of the mean standardized abnormal return (the null imposed by centring,
 * as in Hall and Wilson 1991): events are resampled with replacement and the studentized
 * mean of each resample compared with the observed one. Seeded, so a study is reproducible.
 */
export function bootstrapMeanP(values: readonly number[], options: { resamples?: number; seed?: number } = {}): TestResult {
  const n = values.length;
  if (n < 2) return { stat: null, p: null };
  const sd = sampleSd(values);
  if (!(sd > 0)) return { stat: null, p: null };
  const m = mean(values);
  const observed = m / (sd / Math.sqrt(n));
  const centred = values.map((v) => v - m);
  const b = options.resamples ?? 999;
  const rnd = seededRandom(options.seed ?? 1);
  let extreme = 0;
  for (let r = 0; r < b; r++) {
    let s = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const x = centred[Math.floor(rnd() * n)];
      s += x;
      ss += x * x;
    }
    const bm = s / n;
    const bv = (ss - n * bm * bm) / (n - 1);
    // A resample of one repeated value has no spread: its t is infinite when its mean is not 0.
    const t = bv > 0 ? bm / Math.sqrt(bv / n) : bm === 0 ? 0 : Infinity;
    if (Math.abs(t) >= Math.abs(observed)) extreme++;
  }
  return { stat: observed, p: (extreme + 1) / (b + 1) };
}
