import type { z } from 'zod';
import { decodeMessage, type Decoded } from '../../../shared/bus/typed.ts';
import type { Bus, Subscription } from '../../../shared/bus/port.ts';

/**
 * Subscribes as a secondary reader of a topic another service owns: a message that fails
 * its schema is skipped (and counted) rather than sent to the DLQ, where that topic's own
 * consumer has already put it.
 */
export function observeEvents<S extends z.ZodType>(
  bus: Bus,
  options: {
    groupId: string;
    topics: string[];
    schemas: Record<string, S>;
    fromBeginning?: boolean;
    handler: (events: Decoded<z.infer<S>>[]) => Promise<void>;
    onInvalid?: (topic: string, error: string) => void;
    onRetry?: (err: unknown, attempt: number) => void;
  },
): Promise<Subscription> {
  return bus.subscribe({
    groupId: options.groupId,
    topics: options.topics,
    fromBeginning: options.fromBeginning,
    onRetry: options.onRetry,
    handler: async (batch) => {
      const good: Decoded<z.infer<S>>[] = [];
      for (const message of batch) {
        const schema = options.schemas[message.topic];
        if (!schema) continue;
        const result = decodeMessage(schema, message.value);
        if (result.ok) good.push({ event: result.event, message });
        else options.onInvalid?.(message.topic, result.error);
      }
      if (good.length > 0) await options.handler(good);
    },
  });
}
