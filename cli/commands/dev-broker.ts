import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { AppError } from '../../shared/errors.ts';
import { DEFAULT_RETENTION_BYTES, startDevBroker } from '../../shared/bus/dev-broker.ts';
import { ALL_TOPICS } from '../runtime.ts';
import { untilSignal } from '../context.ts';

export function registerDevBroker(program: Command): void {
  program
    .command('dev-broker')
    .description("run a local Kafka-protocol broker (librdkafka's mock cluster, in memory) with oilwire's topics; prints the bootstrap address")
    .option('--brokers <n>', 'number of brokers', '3')
    .option('--retention-bytes <n>', 'log kept per partition before the oldest batches are deleted (0: unlimited)', String(DEFAULT_RETENTION_BYTES))
    .addHelpText(
      'after',
      `
Commands on stdin (one per line), for fault drills by hand:
  down <id> | up <id>                 take broker <id> (1..N) down or up
  errors <apikey> <count> <errcode>   fail the next <count> requests of an API (e.g. errors Produce 3 NOT_LEADER_FOR_PARTITION)
  rtt <id> <ms>                       add round-trip latency to a broker
  create <topic> <partitions>         create a topic
  retention <bytes> | stats           change retention per partition; show it and how many batches it deleted
Everything lives in memory: when the process exits, the log is gone.

Example:
  npx oilwire dev-broker               # prints e.g. 127.0.0.1:39441,127.0.0.1:40317,127.0.0.1:35311
  npx oilwire demo --kafka 127.0.0.1:39441,127.0.0.1:40317,127.0.0.1:35311`,
    )
    .action(async (opts: { brokers: string; retentionBytes: string }) => {
      const n = Number(opts.brokers);
      if (!Number.isInteger(n) || n < 1 || n > 16) throw new AppError('INPUT_INVALID', `--brokers must be an integer 1..16, got ${opts.brokers}`);
      const retentionBytes = Number(opts.retentionBytes);
      if (!Number.isSafeInteger(retentionBytes) || retentionBytes < 0) throw new AppError('INPUT_INVALID', `--retention-bytes must be a whole number >= 0, got ${opts.retentionBytes}`);
      const broker = await startDevBroker({ brokers: n, topics: ALL_TOPICS, retentionBytes });
      console.log(broker.bootstrap);
      const rl = createInterface({ input: process.stdin, terminal: false });
      rl.on('line', (line) => {
        if (!line.trim()) return;
        broker.command(line.trim()).then(
          (answer) => console.log(answer),
          (err: unknown) => console.log(`err ${err instanceof Error ? err.message : String(err)}`),
        );
      });
      const reason = await Promise.race([untilSignal(), broker.exited.then(() => 'exited')]);
      rl.close();
      if (reason !== 'exited') await broker.stop();
    });
}
