import { type Command, Option } from 'commander';
import { AppError } from '../../shared/errors.ts';
import { SERVICE_NAMES, type ServiceName } from '../../shared/runtime/service.ts';
import { openStore } from '../../shared/store/clickhouse-store.ts';
import { migrate } from '../../shared/store/migrate.ts';
import { ensureAnalystUser } from '../../shared/store/analyst-user.ts';
import { configFrom, untilSignal } from '../context.ts';
import { formatTable, toCsv } from '../format.ts';
import { openRuntime, startServices, stopServices } from '../runtime.ts';
import { describeDemoStore, runDemo } from '../demo/run-demo.ts';
import { chooseBus } from '../kafka-option.ts';
import { embeddedStoreHolder, queryRunningApi } from '../running-api.ts';
import type { RootConfig } from '../config.ts';
import { buildOpsApp, listenOps } from '../ops-server.ts';

function portOverride(config: RootConfig, port?: string): RootConfig {
  if (port === undefined) return config;
  return { ...config, api: { ...config.api, port: parsePort('--port', port) } };
}

const kafkaOption = () => new Option('--kafka <where>', "bus: 'embedded' (start a dev broker for this run) or host:port[,host:port] of a Kafka cluster; default in-process");

function parsePort(option: string, port: string): number {
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new AppError('INPUT_INVALID', `${option} must be an integer 0-65535, got ${port}`);
  return n;
}

interface OpsOption {
  port: number;
  host: string;
}

async function runUntilSignal(base: RootConfig, kafka: string | undefined, names: ServiceName[], ops?: OpsOption): Promise<void> {
  const { config, runtime, devBroker } = await chooseBus(base, kafka);
  if (devBroker) console.log(`embedded Kafka dev broker at ${devBroker.bootstrap}`);
  const rt = await openRuntime(config, runtime);
  const services = await startServices(names, rt, { progress: process.stderr });
  const opsApp = ops ? buildOpsApp({ store: rt.store, bus: rt.bus, registry: rt.metrics }) : undefined;
  if (opsApp && ops) console.log(`ops endpoints (/healthz, /readyz, /metrics) at ${await listenOps(opsApp, ops.port, ops.host)}`);
  const api = services.find((s) => s.name === 'api') as { url?: string } | undefined;
  console.log(`oilwire running: ${services.map((s) => s.name).join(', ')}${api?.url ? ` — dashboard and API at ${api.url}` : ''} (Ctrl-C to stop)`);
  const sig = await untilSignal();
  rt.logger.info({ signal: sig }, 'stopping');
  await opsApp?.close();
  await stopServices(services);
  await rt.close();
}

export function registerCore(program: Command): void {
  program
    .command('start')
    .description('run every service in one process (embedded ClickHouse and in-process bus unless configured otherwise)')
    .option('--port <n>', 'HTTP port of the API and dashboard')
    .addOption(kafkaOption())
    .action(async (opts: { port?: string; kafka?: string }, cmd: Command) => {
      const config = portOverride(configFrom(cmd), opts.port);
      await runUntilSignal(config, opts.kafka, [...SERVICE_NAMES]);
    });

  program
    .command('run')
    .description('run one service alone (scale out by running several against Kafka)')
    .argument('<service>', `one of ${SERVICE_NAMES.join(', ')}`)
    .option('--port <n>', 'HTTP port (api only)')
    .option('--ops-port <n>', 'serve /healthz, /readyz and /metrics of this process on this port (0: any free one), for probes and Prometheus; the api serves its own')
    .option('--ops-host <host>', 'interface of the ops port; it has no tokens, so keep it private', '127.0.0.1')
    .addOption(kafkaOption())
    .action(async (service: string, opts: { port?: string; kafka?: string; opsPort?: string; opsHost: string }, cmd: Command) => {
      if (!SERVICE_NAMES.includes(service as ServiceName)) throw new AppError('INPUT_INVALID', `unknown service "${service}": expected one of ${SERVICE_NAMES.join(', ')}`);
      const config = portOverride(configFrom(cmd), opts.port);
      // Alone, a service reaches the others only through Kafka: on the in-process bus it would wait for ever for input nobody sends.
      if (!opts.kafka && config.bus.kind !== 'kafka') {
        throw new AppError(
          'INPUT_INVALID',
          `oilwire run ${service} runs one service alone, which talks to the others only over Kafka, and no Kafka is configured: pass --kafka host:port (or --kafka embedded), set KAFKA_BROKERS or bus.kind "kafka" with bus.brokers; or run every service in one process with oilwire start`,
        );
      }
      const ops = opts.opsPort === undefined ? undefined : { port: parsePort('--ops-port', opts.opsPort), host: opts.opsHost };
      await runUntilSignal(config, opts.kafka, [service as ServiceName], ops);
    });

  program
    .command('demo')
    .description('offline demo: replays sample headlines and a simulated Brent tape through the whole pipeline, then prints the measured reaction')
    .option('--keep', 'keep the pipeline and the API running after the summary')
    .option('--port <n>', 'HTTP port of the API and dashboard (with --keep)')
    .addOption(kafkaOption())
    .action(async (opts: { keep?: boolean; port?: string; kafka?: string }, cmd: Command) => {
      const chosen = await chooseBus(portOverride(configFrom(cmd), opts.port), opts.kafka);
      const config = chosen.config;
      if (chosen.devBroker) console.log(`embedded Kafka dev broker at ${chosen.devBroker.bootstrap}`);
      const started = Date.now();
      let last = -1;
      const result = await runDemo({
        config,
        runtime: chosen.runtime,
        keep: Boolean(opts.keep),
        onProgress: (done, total) => {
          if (done !== last && process.stderr.isTTY) process.stderr.write(`\rmeasuring price reactions: ${done}/${total}`);
          last = done;
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      console.log(formatTable(result.summary, { maxWidth: 70 }));
      console.log(`\n${result.articles} headlines, ${result.impacts}/${result.expectedImpacts} impact rows in ${((Date.now() - started) / 1000).toFixed(1)} s (the demo's own store: ${describeDemoStore(result.store)})`);
      if (result.impacts < result.expectedImpacts) throw new AppError('INTERNAL', `the demo measured only ${result.impacts} of ${result.expectedImpacts} impact rows`);
      const where = result.store.url ? '' : `--data ${result.store.path} `;
      console.log(`try: npx oilwire ${where}sql "SELECT horizon, round(avg(return_bps), 1) AS avg_bps, count() FROM impact GROUP BY horizon ORDER BY min(horizon_seconds)"${result.store.url ? ` (database ${result.store.database})` : ''}`);
      if (opts.keep) {
        const api = result.services?.find((s) => s.name === 'api') as { url?: string } | undefined;
        console.log(`demo pipeline kept running${api?.url ? `: dashboard at ${api.url}` : ''} (Ctrl-C to stop)`);
        await untilSignal();
        await result.cleanup();
      }
    });

  program
    .command('sql')
    .description('run a query on the configured store and print the result (through the running API, read-only, while `oilwire start` holds the embedded store)')
    .argument('<query>', 'SQL; tables: news, ticks, impact, ... (see docs/sql-cookbook.md)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (query: string, opts: { format: 'table' | 'json' | 'csv' }, cmd: Command) => {
      const config = configFrom(cmd);
      const print = (rows: Record<string, unknown>[]): void => {
        if (opts.format === 'json') console.log(JSON.stringify(rows, null, 2));
        else if (opts.format === 'csv') process.stdout.write(toCsv(rows));
        else console.log(formatTable(rows));
      };
      if (!config.store.url && embeddedStoreHolder(config.store.path) !== null) {
        const rows = await queryRunningApi(config, query);
        if (rows !== null) return print(rows);
      }
      let store: Awaited<ReturnType<typeof openStore>>;
      try {
        store = await openStore(config.store);
      } catch (err) {
        // The embedded store is locked by a running `oilwire start`: ask it through its API instead.
        if (config.store.url) throw err;
        const rows = await queryRunningApi(config, query);
        if (rows === null) throw err;
        print(rows);
        return;
      }
      try {
        print(await store.query(query));
      } finally {
        await store.close();
      }
    });

  program
    .command('migrate')
    .description('create or upgrade the ClickHouse schema (also done at every start)')
    .action(async (_opts: unknown, cmd: Command) => {
      const config = configFrom(cmd);
      const store = await openStore(config.store);
      try {
        const applied = await migrate(store);
        console.log(applied.length ? applied.map((m) => `applied ${String(m.version).padStart(3, '0')}_${m.name}`).join('\n') : 'schema is up to date');
        if (store.kind === 'server') {
          // The read-only user analyst SQL runs as (docs/api.md, "Server mode").
          const sql = config.api.sql;
          if (!sql.analystPassword) {
            console.log(`no api.sql.analystPassword: analyst SQL runs as the store's user under readonly = 1; set one and run migrate again to create ${sql.analystUser}`);
          } else {
            const result = await ensureAnalystUser(store, { database: store.database, user: sql.analystUser, password: sql.analystPassword, limits: sql });
            if (result.applied) console.log(`analyst user ${sql.analystUser}: SELECT on ${store.database} only, read-only profile ${sql.analystUser}_profile`);
            else console.log(`${result.reason}:\n${result.statements.map((s) => `${s};`).join('\n')}`);
          }
        }
      } finally {
        await store.close();
      }
    });
}
