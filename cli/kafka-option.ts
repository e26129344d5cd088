import { startDevBroker, type DevBroker } from '../shared/bus/dev-broker.ts';
import type { Logger } from '../shared/runtime/logger.ts';
import type { RuntimeOptions } from './runtime.ts';
import type { RootConfig } from './config.ts';
import { ALL_TOPICS } from './runtime.ts';

export interface BusChoice {
  config: RootConfig;
  runtime: Pick<RuntimeOptions, 'busDeps' | 'onClose'>;
  devBroker?: DevBroker;
}

/**
 * `--kafka embedded` starts a dev broker (librdkafka's mock cluster) for this run and points the bus at it;
 * `--kafka host:port,...` uses that cluster; no flag keeps the configured bus.
 */
export async function chooseBus(config: RootConfig, kafka: string | undefined, logger?: Logger): Promise<BusChoice> {
  if (!kafka) return { config, runtime: {} };
  if (kafka !== 'embedded') {
    const brokers = kafka.split(',').map((s) => s.trim()).filter(Boolean);
    return { config: { ...config, bus: { ...config.bus, kind: 'kafka', brokers } }, runtime: {} };
  }
  const devBroker = await startDevBroker({ brokers: 3, topics: ALL_TOPICS, logger, retentionBytes: config.bus.devBrokerRetentionBytes });
  return {
    config: { ...config, bus: { ...config.bus, kind: 'kafka', brokers: devBroker.brokers } },
    runtime: { busDeps: { createTopics: (topics) => devBroker.ensureTopics(topics) }, onClose: () => devBroker.stop() },
    devBroker,
  };
}
