import type { RawTick } from './domain/parse-prices.ts';

/** A finite or endless source of ticks in event-time order (or close to it). */
export interface TickSource {
  readonly name: string;
  ticks(): AsyncIterable<RawTick[]>;
}
