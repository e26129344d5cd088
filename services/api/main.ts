import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import { AppError } from '../../shared/errors.ts';
import { buildApp } from './app.ts';
import type { ApiConfig } from './config.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function start(deps: ServiceDeps<ApiConfig>): Promise<RunningService & { url: string }> {
  const { config } = deps;
  if (config.tokens.length === 0 && !LOOPBACK.has(config.host)) {
    throw new AppError('CONFIG_INVALID', `api.host is ${config.host} but no api.tokens are configured: without tokens the API only binds 127.0.0.1`);
  }
  const app = await buildApp({ store: deps.store, config, logger: deps.logger });
  const url = await app.listen({ host: config.host, port: config.port });
  deps.logger.info({ url }, 'api listening');
  return { name: 'api', url, stop: () => app.close() };
}
