import { afterAll, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../../cli/runtime.ts';
import { processWriteHealth } from '../../../shared/runtime/health.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { testConfig } from '../../helpers/pipeline.ts';

let rt: Runtime | undefined;

afterAll(async () => {
  await rt?.store.command(`DROP DATABASE IF EXISTS ${rt.store.database}`);
  await rt?.close();
});

describe('the runtime store', () => {
  it("reports every insert's outcome to the process write health that /readyz reads", async () => {
    rt = await openRuntime(testConfig(), { logger: silentLogger });
    await rt.store.insert('schema_migrations', [{ version: 999_999, name: 'probe' }]);
    expect(processWriteHealth.failing()).toBeUndefined();
    await expect(rt.store.insert('no_such_table', [{ a: 1 }])).rejects.toMatchObject({ code: expect.stringMatching(/^STORE_/) });
    expect(processWriteHealth.failing()).toMatchObject({ failures: 1 });
    // Isolated connections (the analyst pool, stream replays) report too.
    const own = await rt.store.isolated();
    await own.insert('schema_migrations', [{ version: 999_998, name: 'probe' }]);
    await own.close();
    expect(processWriteHealth.failing()).toBeUndefined();
  });
});
