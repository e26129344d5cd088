import { type Command, Option } from 'commander';
import { notModifiedRatio, readFeedStates, resolveFeeds, type FeedState } from '../../services/ingest-news/index.ts';
import { ingestNewsStateDir } from '../config.ts';
import { configFrom } from '../context.ts';
import { redactDeep, redactText } from '../../shared/runtime/redact.ts';
import { formatTable, toCsv } from '../format.ts';

function ago(ms: number | undefined, now: number): string {
  if (ms === undefined) return '';
  const s = Math.round((now - ms) / 1000);
  const abs = Math.abs(s);
  const text = abs < 90 ? `${abs}s` : abs < 5400 ? `${Math.round(abs / 60)}m` : abs < 172_800 ? `${Math.round(abs / 3600)}h` : `${Math.round(abs / 86_400)}d`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

function status(s: FeedState | undefined): string {
  if (!s || s.lastOutcome === 'never') return 'never polled';
  const code = s.lastStatus ? String(s.lastStatus) : '';
  if (s.lastOutcome === 'ok' || s.lastOutcome === 'not-modified') return `ok ${code}`;
  return `${s.lastOutcome === 'rate-limited' ? 'limited' : 'error'} ${code || s.lastErrorReason || ''}`.trim();
}

export interface FeedRow {
  feed: string;
  status: string;
  last_success: string;
  items: number;
  in_feed: number | null;
  not_modified: string;
  errors: number;
  in_a_row: number;
  next_poll: string;
  last_error: string;
}

export function feedRows(configured: { url: string; name: string }[], states: Record<string, FeedState>, now: number): FeedRow[] {
  const known = new Set(configured.map((f) => f.url));
  const extra = Object.values(states).filter((s) => !known.has(s.url));
  const row = (name: string, s: FeedState | undefined, note = ''): FeedRow => {
    const ratio = s ? notModifiedRatio(s) : undefined;
    return {
      feed: redactText(name) + note,
      status: status(s),
      last_success: ago(s?.lastSuccessAt, now),
      items: s?.itemsPublished ?? 0,
      in_feed: s?.lastItems ?? null,
      not_modified: ratio === undefined ? '' : `${Math.round(ratio * 100)}%`,
      errors: s?.errors ?? 0,
      in_a_row: s?.consecutiveErrors ?? 0,
      next_poll: ago(s?.nextPollAt, now),
      // Errors quote the URL that failed: its password and keys are masked (redact.ts), as in logs.
      last_error: redactText(s?.lastError ?? ''),
    };
  };
  return [...configured.map((f) => row(f.name, states[f.url])), ...extra.map((s) => row(s.name, s, ' (not in config)'))];
}

/** `oilwire feeds --format json`: configured feeds and any others in the state, URLs and errors with their secrets masked. */
export function feedsJson(configured: { url: string; name: string; tags: string[] }[], states: Record<string, FeedState>): unknown[] {
  const known = new Set(configured.map((f) => f.url));
  const out = [
    ...configured.map((f) => ({ name: f.name, url: f.url, tags: f.tags, inConfig: true, state: states[f.url] ?? null })),
    ...Object.values(states)
      .filter((s) => !known.has(s.url))
      .map((s) => ({ name: s.name, url: s.url, tags: [], inConfig: false, state: s })),
  ];
  return redactDeep(out, 6);
}

export function registerFeeds(program: Command): void {
  program
    .command('feeds')
    .description('status of every configured news feed: last success, HTTP status, items published, 304 ratio, errors (from the state ingest-news keeps)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (opts: { format: 'table' | 'json' | 'csv' }, cmd: Command) => {
      const config = configFrom(cmd);
      const dir = ingestNewsStateDir(config);
      const states = await readFeedStates(dir);
      const { feeds } = resolveFeeds(config.ingestNews);
      const now = Date.now();
      if (opts.format === 'json') {
        console.log(JSON.stringify(feedsJson(feeds, states), null, 2));
        return;
      }
      const rows = feedRows(feeds, states, now);
      if (opts.format === 'csv') {
        process.stdout.write(toCsv(rows as unknown as Record<string, unknown>[]));
        return;
      }
      console.log(formatTable(rows as unknown as Record<string, unknown>[], { maxWidth: 48 }));
      const polled = rows.filter((r) => r.status !== 'never polled').length;
      const failing = rows.filter((r) => r.in_a_row > 0).length;
      console.log(`\n${feeds.length} feeds configured, ${polled} polled, ${failing} failing (state: ${dir})`);
    });
}
