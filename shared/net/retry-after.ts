/**
 * `Retry-After` (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. One reading for every
 * client we run (feeds, price polls, webhook receivers), in milliseconds.
 */

/**
 * Milliseconds to wait, or undefined when the value is absent or neither form. A date is read
 * against the server's own `Date` header when it sent a valid one (so clock skew between us and
 * the server does not stretch or cut the wait), else against `nowMs`; a date in the past is 0.
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number, serverDate?: string | null): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP-date always names a day or month; this keeps '-5' or '2026-06-01' from parsing as dates.
  if (!/[A-Za-z]/.test(v)) return undefined;
  const at = Date.parse(v);
  if (!Number.isFinite(at)) return undefined;
  const ref = serverDate ? Date.parse(serverDate) : NaN;
  return Math.max(0, at - (Number.isFinite(ref) ? ref : nowMs));
}
