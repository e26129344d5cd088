/**
 * Secrets that ride inside URLs (a ClickHouse password in `store.url`, an API key in a feed's
 * query string, a token as userinfo) are masked before a URL reaches a log line, an error
 * message or a command's output. URLs are taken apart by the WHATWG parser (`URL`), the one
 * `fetch` and the ClickHouse client use, never by a pattern of ours.
 */

export const MASK = '***';

/** Query parameter names whose values are credentials (a substring match: `api_key`, `x-amz-signature`, `access_token`, PHP's `PHPSESSID`...). */
const SECRET_PARAM = /key|token|secret|pass|pwd|auth|sig|session|sessid|credential|jwt|bearer|^code$|^sid$/i;

/**
 * The URL with its password (or a lone user name, often a token) and the values of
 * credential-like query parameters masked. Text that is not an absolute URL comes back unchanged.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  let changed = false;
  if (url.password) {
    url.password = MASK;
    changed = true;
  } else if (url.username) {
    url.username = MASK;
    changed = true;
  }
  if (url.search) {
    const params = url.searchParams;
    for (const name of new Set(params.keys())) {
      if (SECRET_PARAM.test(name)) {
        params.set(name, MASK);
        changed = true;
      }
    }
  }
  return changed ? url.href : text;
}

/**
 * Candidates only: each match is then parsed by `URL`, and left alone when it is not one. No word
 * boundary before the scheme: it hid a URL glued to a word (`feed_https://u:pw@h/` was logged as is).
 */
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Logs repeat the same few URLs (feeds, the store): their masked forms are remembered, up to this many. */
const CACHE_MAX = 512;
const cache = new Map<string, string>();

/** `redactUrl` applied to every URL inside a free text (an error message, a log line). */
export function redactText(text: string): string {
  if (!text.includes('://')) return text;
  const known = cache.get(text);
  if (known !== undefined) return known;
  const out = redactUrls(text);
  if (text.length <= 2048) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(text, out);
  }
  return out;
}

function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (m) => {
    // Sentence punctuation after a URL ("cannot fetch https://x/?k=v: ...") is not part of it.
    const tail = /[.,:;!?)\]]+$/.exec(m)?.[0] ?? '';
    return redactUrl(m.slice(0, m.length - tail.length)) + tail;
  });
}

/**
 * A copy of `value` with `redactText` applied to every string inside (objects and arrays to
 * `depth` levels); `value` itself when nothing changed. Errors are left to the logger's
 * error serializer.
 */
export function redactDeep<T>(value: T, depth = 4): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (depth <= 0 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const r = redactDeep(v, depth - 1);
      if (r !== v) (out ??= [...value])[i] = r;
    });
    return (out ?? value) as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const r = redactDeep(v, depth - 1);
    if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = r;
  }
  return (out ?? value) as T;
}
