import { createHash } from 'node:crypto';

const TRACKING_PARAMS = /^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|cmpid|ocid|ref|ref_src|src|smid|taid|guccounter|at_medium|at_campaign|CMP|ncid|ito|mod)$/i;

/**
 * Canonical form of an article link so that http/https, `www.`, tracking parameters,
 * fragments and trailing slashes of the same article produce one id.
 */
export function canonicalUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return raw.trim();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return url.toString();
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const params = [...url.searchParams.entries()].filter(([k]) => !TRACKING_PARAMS.test(k)).sort(([a], [b]) => a.localeCompare(b));
  const query = params.length ? '?' + new URLSearchParams(params).toString() : '';
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const port = url.port && url.port !== '80' && url.port !== '443' ? `:${url.port}` : '';
  return `${host}${port}${path}${query}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Article id: stable hash of the feed guid, else the canonical link, else title + source. */
export function articleId(input: { guid?: string | null; link?: string | null; title?: string | null; source: string }): string {
  const guid = input.guid?.trim();
  if (guid) {
    // A guid that is itself a URL gets the same canonical treatment as a link.
    const basis = /^https?:\/\//i.test(guid) ? `url:${canonicalUrl(guid)}` : `guid:${input.source}:${guid}`;
    return sha256Hex(basis).slice(0, 32);
  }
  const link = input.link?.trim();
  if (link) return sha256Hex(`url:${canonicalUrl(link)}`).slice(0, 32);
  const title = (input.title ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  return sha256Hex(`title:${input.source}:${title}`).slice(0, 32);
}
