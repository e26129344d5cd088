import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { openRuntime, startServices, stopServices, type Runtime } from '../../../cli/runtime.ts';
import { MemoryBus } from '../../../shared/bus/memory-bus.ts';
import type { Bus } from '../../../shared/bus/port.ts';
import { publishEvents } from '../../../shared/bus/typed.ts';
import { TOPICS, messageKey } from '../../../shared/contracts/events.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import type { CorrelatorService } from '../../../services/correlator/index.ts';
import { scoredNews } from '../../helpers/events.ts';
import { testConfig } from '../../helpers/pipeline.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/**
 * A dead letter an operator can act on, with the CLI as a user runs it: a news.scored event that
 * the correlator cannot store (its table is gone: a final error) lands in news.scored.dlq;
 * `oilwire dlq list` shows it; the table is put back (the fix); `oilwire dlq replay` sends it to
 * news.scored again and the restarted pipeline stores it. Replayed a second time it is still one row.
 * The in-process bus lives in the data folder's journal, which the CLI opens while the pipeline is stopped.
 */
const dir = mkdtempSync(join(tmpdir(), 'oilwire-cli-dlq-'));
const journalDir = join(dir, 'bus');
const config = testConfig({ bus: { kind: 'memory', journalDir }, correlator: { symbols: ['BRENT'], horizons: ['1m'] } });
let rt: Runtime | undefined;

afterAll(async () => {
  if (rt) {
    await rt.store.command(`DROP DATABASE IF EXISTS ${config.store.database}`).catch(() => undefined);
    await rt.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function oilwire(...args: string[]): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/oilwire.mjs', '--log-level', 'warn', '--data', dir, 'dlq', ...args], { cwd: process.cwd(), timeout: 120_000 });
  expect(stderr).toBe('');
  return stdout;
}

interface Listed {
  id: string;
  source: string;
  key: string;
  code: string;
  reason: string;
  attempts: number;
  value: string;
}

describe('oilwire dlq', () => {
  it('lists a poison message, replays it once the cause is fixed, and a second replay adds no row', async () => {
    rt = await openRuntime(config, { logger: silentLogger });
    const store = rt.store;
    const table = (name: string) => store.table(name);
    const newsRows = async () => Number((await store.query<{ n: string }>(`SELECT count() AS n FROM ${table('news')}`))[0].n);
    /** The pipeline's consumer (the correlator) on a bus read back from the journal, as after a restart. */
    const run = async (bus: Bus, until: (c: CorrelatorService) => boolean) => {
      const services = await startServices(['correlator'], { ...rt!, bus, metrics: new Registry() });
      const correlator = services[0] as CorrelatorService;
      try {
        await waitFor(() => until(correlator), { timeoutMs: 30_000, message: () => JSON.stringify(correlator.stats()) });
      } finally {
        await stopServices(services);
      }
    };

    const article = scoredNews({ id: 'dlq-article-1', published_at: '2026-06-01T10:00:00.000Z', title: 'Pipeline outage halts crude exports' });
    let bus: Bus = rt.bus;
    const services = await startServices(['correlator'], rt);
    try {
      // The fault, once the correlator runs: news_store is gone, so storing the article fails with a final error (not retried).
      await store.command(`RENAME TABLE ${table('news_store')} TO ${table('news_store_away')}`);
      await publishEvents(bus, TOPICS.newsScored, [article], messageKey.newsScored);
      await waitFor(async () => (await bus.readTopic!(`${TOPICS.newsScored}.dlq`)).length === 1, { timeoutMs: 30_000, message: 'the article to be dead-lettered' });
    } finally {
      await stopServices(services);
    }
    // One process at a time on the journal: while this one holds it, the CLI refuses instead of appending behind its back.
    await expect(oilwire('list')).rejects.toMatchObject({ stderr: expect.stringMatching(new RegExp(`in use by process ${process.pid} .*\\[BUS_UNAVAILABLE\\]`)) });
    await bus.close();

    const listed = JSON.parse(await oilwire('list', '--format', 'json')) as Listed[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: `${TOPICS.newsScored}.dlq:0:0`, source: TOPICS.newsScored, key: article.id, code: 'STORE_QUERY_FAILED', reason: 'non_retryable', attempts: 1 });
    expect(JSON.parse(listed[0].value)).toMatchObject({ id: article.id, title: article.title });
    await expect(oilwire('replay', '--id', `${TOPICS.newsScored}.dlq:0:7`)).rejects.toMatchObject({ stderr: expect.stringMatching(/no dead letter news\.scored\.dlq:0:7 .*\[NOT_FOUND\]/) });

    // The fix, then the replay; the next start of the pipeline stores the article.
    await store.command(`RENAME TABLE ${table('news_store_away')} TO ${table('news_store')}`);
    expect(await oilwire('replay', '--id', listed[0].id)).toBe(`replayed 1: 1 to ${TOPICS.newsScored}\n`);
    bus = await MemoryBus.open({ journalDir });
    await run(bus, (c) => c.stats().articles === 1);
    expect(await newsRows()).toBe(1);
    await bus.close();

    // Replayed again (all of news.scored's dead letters): delivered again, stored under the same id, still one row.
    expect(await oilwire('replay', '--topic', TOPICS.newsScored)).toBe(`replayed 1: 1 to ${TOPICS.newsScored}\n`);
    bus = await MemoryBus.open({ journalDir });
    await run(bus, (c) => c.stats().articles === 1);
    expect(await newsRows()).toBe(1);
    const [{ n }] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${table('news_store')} FINAL WHERE id = {id:String}`, { params: { id: article.id } });
    expect(Number(n)).toBe(1);
    await bus.close();
  }, 180_000); // CLI processes run in turn: 57 s at load 25, near the suite's 60 s default
});
