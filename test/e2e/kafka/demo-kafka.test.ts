import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { demoArticleIds } from '../../../cli/demo/run-demo.ts';
import { TOPICS } from '../../../shared/contracts/events.ts';
import { invalidRecords, kcatRead, killAll, runCli, startCli, tempDir } from './helpers.ts';

interface ImpactRow {
  article_id: string;
  horizon: string;
  return_bps: number;
}

const IMPACT_SQL = 'SELECT article_id, horizon, return_bps FROM impact ORDER BY article_id, horizon_seconds';

async function impactRows(dataDir: string): Promise<ImpactRow[]> {
  const { stdout, stderr, code } = await runCli(['sql', '--format', 'json', IMPACT_SQL], { dataDir });
  if (code !== 0) throw new Error(`oilwire sql failed (${code}): ${stderr}`);
  return (JSON.parse(stdout) as Record<string, unknown>[]).map((r) => ({ article_id: String(r.article_id), horizon: String(r.horizon), return_bps: Number(r.return_bps) }));
}

// The two cases share nothing (own data folders, own brokers) and mostly wait on group joins: they run side by side.
describe.concurrent('oilwire demo over Kafka', () => {
  afterAll(async () => {
    await killAll();
  });

  it('demo --kafka embedded gives exactly the impact rows of the in-process demo', { timeout: 150_000 }, async ({ expect }) => {
    const memoryDir = tempDir('demo-memory');
    const kafkaDir = tempDir('demo-kafka');
    // The demo keeps its rows in its own store beside the configured one (`<store.path>-demo`).
    const [memory, kafka] = await Promise.all([runCli(['demo'], { dataDir: join(memoryDir, 'store') }), runCli(['demo', '--kafka', 'embedded'], { dataDir: join(kafkaDir, 'store') })]);
    expect(memory.code, memory.stderr).toBe(0);
    expect(kafka.code, kafka.stderr).toBe(0);
    expect(kafka.stdout).toMatch(/embedded Kafka dev broker at 127\.0\.0\.1:\d+/);
    for (const out of [memory.stdout, kafka.stdout]) expect(out).toMatch(/8 headlines, 40\/40 impact rows/);

    const [fromMemory, fromKafka] = await Promise.all([impactRows(join(memoryDir, 'store-demo')), impactRows(join(kafkaDir, 'store-demo'))]);
    expect(fromMemory).toHaveLength(40);
    expect(new Set(fromMemory.map((r) => r.article_id))).toEqual(new Set(demoArticleIds()));
    expect(fromKafka).toEqual(fromMemory);
  });

  it('with `oilwire dev-broker` running apart, demo --kafka <bootstrap> leaves news.scored records that kcat reads and the schema accepts', { timeout: 150_000 }, async ({ expect }) => {
    const devBroker = startCli(['dev-broker'], { name: 'oilwire dev-broker' });
    const bootstrap = await devBroker.line(/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)*$/, 60_000);
    expect(bootstrap.split(',')).toHaveLength(3);
    // Its fault-drill command loop answers on stdout.
    devBroker.send('ping');
    await devBroker.line(/^ok pong$/, 10_000);

    const demo = await runCli(['demo', '--kafka', bootstrap], { dataDir: join(tempDir('demo-bootstrap'), 'store') });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/8 headlines, 40\/40 impact rows/);

    const records = await kcatRead(bootstrap, TOPICS.newsScored);
    expect(records).toHaveLength(8);
    expect(invalidRecords(records, TOPICS.newsScored)).toEqual([]);
    expect(new Set(records.map((r) => r.key))).toEqual(new Set(demoArticleIds()));
    const impacts = await kcatRead(bootstrap, TOPICS.newsImpact);
    expect(invalidRecords(impacts, TOPICS.newsImpact)).toEqual([]);
    const measured = impacts.map((r) => JSON.parse(r.payload!) as ImpactRow).map((i) => `${i.article_id}|${i.horizon}`);
    expect(new Set(measured).size).toBe(40);

    await devBroker.kill('SIGTERM');
    expect(await devBroker.exited).toEqual({ code: 0, signal: null });
  });
});
