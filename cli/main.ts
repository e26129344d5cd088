import { Command } from 'commander';
import { COMMAND_GROUPS } from './commands/index.ts';
import { reportError } from './context.ts';
import { flushStdio, quietOnClosedPipe } from './stdio.ts';

export function buildProgram(): Command {
  const program = new Command()
    .name('oilwire')
    .description('Measures, in real time, how news moves Brent crude: ingest headlines, score them, join them with prices in ClickHouse.')
    .version('0.1.0')
    .option('-c, --config <file>', 'configuration file (default ./oilwire.config.json if present; env OILWIRE_CONFIG)')
    .option('--data <dir>', 'data folder of the embedded ClickHouse (default ./data)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent')
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });
  for (const register of COMMAND_GROUPS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe();
  let code: number;
  try {
    await buildProgram().parseAsync(argv);
    code = Number(process.exitCode ?? 0);
  } catch (err) {
    code = reportError(err);
  }
  // Background handles (engine threads, sockets) must not keep a finished command alive, but its output must get out first.
  await flushStdio();
  process.exit(code);
}
