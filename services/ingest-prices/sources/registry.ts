import { AppError } from '../../../shared/errors.ts';
import type { ConfiguredSource, PriceSourceComponent, SourceDeps } from '../ports.ts';
import { csvSource, ndjsonSource } from './file-source.ts';
import { simulatorSource } from './simulator-source.ts';
import { websocketSource } from './websocket-source.ts';
import { yahooSource } from './yahoo-source.ts';

/**
 * Every price source kind `ingestPrices.sources` accepts. A new kind is one file in this
 * folder exporting `defineSource({ kind, schema, create })`, listed here: `config.ts` builds
 * its union from these schemas and `main.ts` builds each configured entry with its `create`.
 */
export const PRICE_SOURCES = [csvSource, ndjsonSource, simulatorSource, yahooSource, websocketSource] as const;

type SchemasOf<T extends readonly unknown[]> = { [I in keyof T]: T[I] extends PriceSourceComponent<string, infer S> ? S : never };

/** Their schemas, in the same order and typed as a tuple, for `z.discriminatedUnion`. */
export const PRICE_SOURCE_SCHEMAS = PRICE_SOURCES.map((c) => c.schema) as unknown as SchemasOf<typeof PRICE_SOURCES>;

const byKind = new Map<string, PriceSourceComponent>(PRICE_SOURCES.map((c) => [c.kind, c as unknown as PriceSourceComponent]));

/** Builds a parsed source entry with its kind's `create` (the union's parse guarantees the entry matches its kind). */
export function createSource(src: { kind: string; source: string }, deps: SourceDeps): ConfiguredSource {
  const component = byKind.get(src.kind);
  if (!component) throw new AppError('CONFIG_INVALID', `no price source of kind ${src.kind}: known kinds are ${[...byKind.keys()].join(', ')}`);
  return component.create(src, deps);
}
