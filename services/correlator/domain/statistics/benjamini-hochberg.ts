/**
 * Benjamini-Hochberg (1995) q-values for a family of p-values reported together: q_(k) is
 * the smallest false discovery rate at which the k-th smallest p is still a discovery,
 * min over j >= k of m p_(j) / j. Missing p-values (a test that could not run) stay missing
 * and do not count in m.
 */
export function benjaminiHochberg(ps: readonly (number | null)[]): (number | null)[] {
  const present = ps.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null && Number.isFinite(x.p));
  const m = present.length;
  const q: (number | null)[] = ps.map(() => null);
  present.sort((a, b) => a.p - b.p);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    running = Math.min(running, (m * present[k].p) / (k + 1));
    q[present[k].i] = running;
  }
  return q;
}
