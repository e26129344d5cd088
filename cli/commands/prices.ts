import { type Command, Option } from 'commander';
import type { PriceSourceView, PriceState } from '../../services/api/index.ts';
import { openStore } from '../../shared/store/clickhouse-store.ts';
import type { RootConfig } from '../config.ts';
import { configFrom } from '../context.ts';
import { formatTable, toCsv } from '../format.ts';
import { runningApiBase, runningApiHeaders } from '../running-api.ts';
import { toIso } from '../../shared/contracts/time.ts';

export interface PricesStatus {
  state: PriceState | 'not running';
  from: 'pipeline' | 'store' | 'config';
  now: number;
  sources: Partial<PriceSourceView>[];
}

function ago(ms: number | null | undefined, now: number): string {
  if (ms === null || ms === undefined) return '';
  const s = Math.round((now - ms) / 1000);
  return s < 90 ? `${s}s ago` : s < 5400 ? `${Math.round(s / 60)}m ago` : s < 172_800 ? `${Math.round(s / 3600)}h ago` : `${Math.round(s / 86_400)}d ago`;
}

/** What a running `oilwire start` says through its API (the embedded store is locked while it runs). */
async function fromApi(config: RootConfig): Promise<PricesStatus | null> {
  try {
    const res = await fetch(`${runningApiBase(config)}/api/sources`, { headers: runningApiHeaders(config, 'application/json'), signal: AbortSignal.timeout(2000) });
    if (!res.ok) return null;
    return (await res.json()) as PricesStatus;
  } catch {
    return null;
  }
}

/** Nothing running: the configured sources, with the newest tick each left in the store. */
async function fromStore(config: RootConfig): Promise<PricesStatus> {
  const now = Date.now();
  let last = new Map<string, number>();
  try {
    const store = await openStore(config.store);
    try {
      const rows = await store.query<{ source: string; t: string }>(`SELECT source, toUnixTimestamp64Milli(max(ts)) AS t FROM ${store.table('ticks_store')} GROUP BY source`);
      last = new Map(rows.map((r) => [r.source, Number(r.t)]));
    } finally {
      await store.close();
    }
  } catch {
    // No store yet (never started): the configuration alone.
  }
  return {
    state: 'not running',
    from: 'config',
    now,
    sources: config.ingestPrices.sources.map((s) => ({
      name: s.kind === 'yahoo' ? `yahoo:${s.yahooSymbol}` : s.kind === 'websocket' ? `websocket:${s.url.replace(/[?#].*$/, '')}` : s.kind === 'simulator' ? `simulator:${s.symbol}` : `${s.kind}:${s.path}`,
      source: s.source,
      live: s.kind === 'yahoo' || s.kind === 'websocket' || (s.kind === 'simulator' && Boolean(s.live)),
      note: s.kind === 'yahoo' ? `${s.yahooSymbol} from Yahoo's chart API: CME's Brent futures, ${s.interval} bars delayed at least 10 min, for personal use` : null,
      lastTickTs: last.get(s.source) ?? null,
    })),
  };
}

export function statusRows(status: PricesStatus): Record<string, unknown>[] {
  return status.sources.map((s) => ({
    source: s.name ?? '',
    state: s.state ?? status.state,
    live: s.live ? 'yes' : 'no',
    last_tick: s.lastTickTs ? toIso(s.lastTickTs).replace('T', ' ').slice(0, 19) : '',
    behind: ago(s.lastTickTs, status.now),
    last_error: s.lastError ?? '',
    note: s.note ?? '',
  }));
}

export function registerPrices(program: Command): void {
  program
    .command('prices')
    .description('status of the price sources: which one is live, its delay, its last tick (asks a running start through its API, else reads the configuration and the store)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (opts: { format: 'table' | 'json' | 'csv' }, cmd: Command) => {
      const config = configFrom(cmd);
      const status = (await fromApi(config)) ?? (await fromStore(config));
      if (opts.format === 'json') return console.log(JSON.stringify(status, null, 2));
      const rows = statusRows(status);
      if (opts.format === 'csv') return void process.stdout.write(toCsv(rows));
      console.log(rows.length ? formatTable(rows, { maxWidth: 90 }) : 'no price source configured (ingestPrices.sources is empty)');
      const said: Record<string, string> = {
        live: 'a live price source is reachable',
        replay: 'only replays or simulations: no live market',
        waiting: 'waiting for the first prices',
        unreachable: 'no price source reachable: configure ingestPrices.sources (README, "Live prices")',
        none: 'no price source configured',
        'not running': 'oilwire is not running here (no API answered); configured sources shown',
      };
      console.log(`\n${said[status.state] ?? status.state}`);
    });
}
