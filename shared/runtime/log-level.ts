/**
 * The level for the n-th failure in a row of one kind: `warn` at the 1st, 2nd, 4th, 8th... and
 * `debug` between, so a long outage or an offline feed shows in the log without flooding it (log
 * readers count the warnings; the debug lines keep every attempt for whoever turns them on).
 * Pure, so domain code may use it.
 */
export function streakLevel(streak: number): 'warn' | 'debug' {
  return streak >= 1 && (streak & (streak - 1)) === 0 ? 'warn' : 'debug';
}
