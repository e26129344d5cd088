import type { z } from 'zod';
import type { PriceSourceComponent } from '../ports.ts';

/** Declares a component with its config type inferred from its schema (so `create` is checked against it). */
export function defineSource<K extends string, S extends z.ZodType<{ kind: K; source: string }>>(component: PriceSourceComponent<K, S>): PriceSourceComponent<K, S> {
  return component;
}
