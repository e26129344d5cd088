import { z } from 'zod';
import type { Logger } from '../runtime/logger.ts';
import { MemoryBus } from './memory-bus.ts';
import type { Bus } from './port.ts';

export const busConfigSchema = z.object({
  kind: z.enum(['memory', 'kafka']).default('memory'),
  brokers: z.array(z.string()).default([]),
  clientId: z.string().default('oilwire'),
  sendTimeoutMs: z.number().int().positive().default(10_000),
  idempotent: z.boolean().default(false),
});
export type BusConfig = z.infer<typeof busConfigSchema>;

export async function openBus(config: BusConfig, _logger?: Logger): Promise<Bus> {
  if (config.kind === 'memory') return new MemoryBus();
  throw new Error('kafka bus not wired yet');
}
