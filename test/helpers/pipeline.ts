import { randomBytes } from 'node:crypto';
import { rootConfigSchema, type RootConfig } from '../../cli/config.ts';

export function randomName(prefix = 'test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A configuration on the in-process bus and an in-memory embedded store with a fresh database. */
export function testConfig(overrides: Partial<Record<keyof RootConfig, unknown>> = {}): RootConfig {
  return rootConfigSchema.parse({
    store: { path: ':memory:', database: randomName('test') },
    bus: { kind: 'memory' },
    log: { level: 'silent' },
    ...overrides,
  });
}
