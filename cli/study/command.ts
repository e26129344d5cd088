/** The `oilwire study` command: its options, checked into a StudyOptions, then the run and its output. */
import { type Command, Option } from 'commander';
import { HORIZONS, type HorizonLabel } from '../../shared/contracts/events.ts';
import { AppError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import type { DailyMeasure } from '../../services/correlator/index.ts';
import { configFrom } from '../context.ts';
import { runStudy } from './pipeline.ts';
import { renderChartSvg, writeChart } from './render-chart.ts';
import { formatJson } from './render-json.ts';
import { formatReport } from './render-text.ts';
import type { StudyOptions } from './types.ts';

/** The options as commander hands them over: numbers still text. */
export interface StudyArgs {
  news: string;
  prices: string;
  from?: string;
  to?: string;
  top: string;
  symbol: string;
  horizon?: HorizonLabel;
  measure?: DailyMeasure;
  includeReports?: boolean;
  minRelevance: string;
  seed: string;
  json?: boolean;
  chart?: string;
  keep?: string;
}

/** Checked before anything is read, so a typo costs nothing. */
export function parseStudyArgs(opts: StudyArgs): StudyOptions {
  const top = Number(opts.top);
  if (!Number.isInteger(top) || top < 1 || top > 1000) throw new AppError('INPUT_INVALID', `--top must be an integer 1-1000, got ${opts.top}`);
  const minRelevance = Number(opts.minRelevance);
  if (!Number.isFinite(minRelevance) || minRelevance < 0 || minRelevance > 100) throw new AppError('INPUT_INVALID', `--min-relevance must be 0-100, got ${opts.minRelevance}`);
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed)) throw new AppError('INPUT_INVALID', `--seed must be an integer, got ${opts.seed}`);
  if (opts.chart && !/\.(svg|png)$/i.test(opts.chart)) throw new AppError('INPUT_INVALID', `--chart file must end in .svg or .png, got ${opts.chart}`);
  return { news: opts.news, prices: opts.prices, from: opts.from, to: opts.to, top, symbol: opts.symbol, horizon: opts.horizon, keep: opts.keep, measure: opts.measure, includeReports: opts.includeReports, minRelevance, seed };
}

export function registerStudy(program: Command): void {
  program
    .command('study')
    .description('replay historical headlines and prices through the pipeline into a throwaway store and report which headlines moved the price')
    .requiredOption('--news <csv>', 'headlines: "date,headline" (a day each) or "ts,source,headline"')
    .requiredOption('--prices <file>', 'prices: daily "Date,Price" (EIA), ticks "ts,symbol,price[,size]" or NDJSON')
    .option('--from <date>', 'first day of headlines to study (YYYY-MM-DD)')
    .option('--to <date>', 'last day of headlines to study (YYYY-MM-DD)')
    .option('--top <n>', 'how many headlines to list', '10')
    .option('--symbol <symbol>', 'symbol the prices are stored under', 'BRENT')
    .addOption(new Option('--horizon <h>', 'horizon of the report (default 1d for daily prices, 60m for ticks)').choices(Object.keys(HORIZONS)))
    .addOption(new Option('--measure <m>', 'daily prices: next-session (tradable, default) or same-day (contains the move a date-only headline reports)').choices(['next-session', 'same-day']))
    .option('--include-reports', 'let price reports ("Oil rises 2% as ...") be causes and enter the aggregates (default: excluded and counted apart)')
    .option('--min-relevance <n>', 'least relevance (0-100) of a cause', '40')
    .option('--seed <n>', 'seed of the bootstrap p-values', '1')
    .option('--json', 'print one JSON object (keys top, byTopic, ...) instead of tables')
    .option('--chart <file>', 'write a price chart with the top headlines marked (.svg or .png)')
    .option('--keep <dir>', 'keep the study\'s store in this new folder, to query it with: oilwire --data <dir> sql "..."')
    .action(async (opts: StudyArgs, cmd: Command) => {
      const options = parseStudyArgs(opts);
      const globals = cmd.optsWithGlobals() as { logLevel?: string };
      const base = configFrom(cmd, globals.logLevel ? {} : { log: { level: 'warn' } });
      const report = await runStudy(options, base, { progress: process.stderr, logger: createLogger({ level: base.log.level }) });
      if (opts.chart) await writeChart(opts.chart, renderChartSvg(report));
      if (opts.json) console.log(formatJson(report));
      else {
        console.log(formatReport(report));
        if (opts.chart) console.log(`chart written to ${opts.chart}`);
        if (opts.keep) console.log(`store kept in ${opts.keep}: npx oilwire --data ${opts.keep} sql "SELECT * FROM impact_by_topic"`);
      }
    });
}
