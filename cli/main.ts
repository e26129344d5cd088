import { Command } from 'commander';
import { COMMAND_GROUPS } from './commands/index.ts';
import { reportError } from './context.ts';

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
  try {
    await buildProgram().parseAsync(argv);
    // Background handles (engine threads, sockets) must not keep a finished command alive.
    process.exit(process.exitCode ?? 0);
  } catch (err) {
    process.exit(reportError(err));
  }
}
