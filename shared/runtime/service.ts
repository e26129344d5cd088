import type { Bus } from '../bus/port.ts';
import type { Store } from '../store/port.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { Registry } from 'prom-client';

/** What a composition root hands to a service; the service builds everything else from its own config. */
export interface ServiceDeps<Config> {
  bus: Bus;
  store: Store;
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Registry;
}

export interface RunningService {
  readonly name: string;
  /** Resolves when the service has nothing left in flight (sources exhausted and their output acknowledged), where that is meaningful. */
  idle?(): Promise<void>;
  stop(): Promise<void>;
}

export const SERVICE_NAMES = ['ingest-news', 'ingest-prices', 'scorer', 'correlator', 'api'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
