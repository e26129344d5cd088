/**
 * Headlines inside one move's window form one event; the event's cause is its earliest
 * relevant headline that is not a price report (a market wrap restates the move, it does not
 * cause it). The others are "same move". Pure: the study hands it rows from the store.
 */
import FALLBACK from '../data/price-report-fallback.json' with { type: 'json' };

export interface AttributableHeadline {
  id: string;
  /** When the information was known (ms): the timestamp, or the start of the day for a date-only headline. */
  ts: number;
  title: string;
  relevance: number;
  /** From the scorer (news.scored `price_report`); undefined: scored before the field existed. */
  priceReport?: boolean;
  /** File order, the last tie-break among headlines of the same instant. */
  order: number;
}

export interface EventCluster<H extends AttributableHeadline> {
  start: number;
  end: number;
  cause: H | null;
  /** Relevant non-report headlines of the same move, besides the cause, earliest first. */
  sameMove: H[];
  /** Every price report in the window (counted apart; a cause only with includeReports). */
  reports: H[];
  /** Headlines neither reports nor relevant enough to be a cause. */
  irrelevant: H[];
}

const SUBJECTS = [...FALLBACK.subjects].sort((a, b) => b.length - a.length);
const MOVES = new Set(FALLBACK.moves);
const FILLERS = new Set(['prices', 'price', 'futures']);

/**
 * The scorer's verdict when it gave one; otherwise a conservative reading of the title: an oil
 * subject opening the headline and a move word right after it, or a market-wrap desk prefix.
 * Anything less certain is not a report (a missed wrap is a cause wrongly kept, a false report
 * a cause wrongly dropped; the second is the worse error for attribution).
 */
export function isPriceReport(h: Pick<AttributableHeadline, 'title' | 'priceReport'>): boolean {
  if (h.priceReport !== undefined) return h.priceReport;
  const t = h.title.toLowerCase().replace(/\s+/g, ' ').trim();
  if (FALLBACK.wrapPrefixes.some((p) => t.startsWith(p))) return true;
  const subject = SUBJECTS.find((s) => t.startsWith(s + ' '));
  if (!subject) return false;
  const words = t.slice(subject.length + 1).split(/[\s,:;]+/);
  let i = 0;
  while (i < words.length && FILLERS.has(words[i])) i++;
  return MOVES.has(words[i] ?? '');
}

const earliest = <H extends AttributableHeadline>(a: H, b: H) => a.ts - b.ts || b.relevance - a.relevance || a.order - b.order;

/**
 * Groups headlines by the move they were measured on (`window` gives each headline's
 * [start, end)): a headline whose window starts inside an open event's window joins it, so a
 * burst of headlines over one move is one event; the event keeps its first window.
 */
export function clusterEvents<H extends AttributableHeadline>(
  headlines: readonly H[],
  window: (h: H) => { start: number; end: number },
  options: { minRelevance: number; includeReports?: boolean; isRelevant?: (h: H) => boolean },
): EventCluster<H>[] {
  const relevant = options.isRelevant ?? ((h: H) => h.relevance >= options.minRelevance);
  const items = headlines.map((h) => ({ h, w: window(h) })).sort((a, b) => a.w.start - b.w.start || earliest(a.h, b.h));
  const groups: { start: number; end: number; members: H[] }[] = [];
  for (const { h, w } of items) {
    const open = groups[groups.length - 1];
    if (open && w.start >= open.start && w.start < open.end) open.members.push(h);
    else groups.push({ start: w.start, end: w.end, members: [h] });
  }
  return groups.map((g) => {
    const members = [...g.members].sort(earliest);
    const reports = members.filter((h) => isPriceReport(h));
    const candidates = members.filter((h) => relevant(h) && (options.includeReports || !isPriceReport(h)));
    const cause = candidates[0] ?? null;
    return {
      start: g.start,
      end: g.end,
      cause,
      sameMove: candidates.slice(1),
      reports,
      irrelevant: members.filter((h) => !candidates.includes(h) && !reports.includes(h)),
    };
  });
}
