/**
 * Polls a condition until it holds or a deadline passes: tests wait for a state, never for
 * a fixed time. The condition may be async and may throw (a throw counts as "not yet" and
 * its message is reported if the deadline passes).
 */
export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Describes what was awaited; shown in the timeout error (a function is called at timeout for current state). */
  message?: string | (() => string);
}

export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions = {}): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = typeof options.message === 'function' ? options.message() : (options.message ?? 'condition');
      const reason = lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${what}${reason}`, lastError === undefined ? undefined : { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
