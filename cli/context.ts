import type { Command } from 'commander';
import { isAppError } from '../shared/errors.ts';
import { redactText } from '../shared/runtime/redact.ts';
import { loadConfig, type RootConfig } from './config.ts';

export interface GlobalOptions {
  config?: string;
  data?: string;
  logLevel?: string;
}

/** Reads the configuration with the global flags applied on top of file and environment. */
export function configFrom(cmd: Command, extra: Record<string, unknown> = {}): RootConfig {
  const g = cmd.optsWithGlobals() as GlobalOptions;
  const overrides: Record<string, unknown> = { ...extra };
  if (g.data) overrides.store = { ...(overrides.store as object), path: g.data };
  if (g.logLevel) overrides.log = { level: g.logLevel };
  return loadConfig({ file: g.config, overrides });
}

/** Errors end as one readable line (and a non-zero exit), never as a stack trace, unless debugging. */
export function reportError(err: unknown): number {
  if (isAppError(err)) {
    // A message may quote a URL with its password or key (store.url, a feed): masked, as in logs.
    console.error(`oilwire: ${redactText(err.message)}${err.code !== 'CONFIG_INVALID' ? ` [${err.code}]` : ''}`);
    return err.code === 'CONFIG_INVALID' || err.code === 'INPUT_INVALID' ? 2 : 1;
  }
  console.error(`oilwire: ${redactText(err instanceof Error ? ((process.env.OILWIRE_DEBUG ? err.stack : err.message) ?? '') : String(err))}`);
  return 1;
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
