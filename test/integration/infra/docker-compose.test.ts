import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TOPIC_PARTITIONS, dlqTopic } from '../../../shared/contracts/events.ts';

const run = promisify(execFile);
const file = 'infra/docker-compose.yml';

/** `docker compose` (v2 plugin) where present, else Debian's `docker-compose` (installed by .ci/run). */
async function composeConfig(): Promise<string> {
  try {
    return (await run('docker', ['compose', '-f', file, 'config'])).stdout;
  } catch {
    return (await run('docker-compose', ['-f', file, 'config'])).stdout;
  }
}

describe('infra/docker-compose.yml', () => {
  it('validates with docker compose config', async () => {
    const out = await composeConfig();
    for (const service of ['kafka', 'kafka-topics', 'clickhouse', 'ingest-news', 'ingest-prices', 'scorer', 'correlator', 'api']) expect(out).toContain(`  ${service}:`);
    expect(out).toContain('KAFKA_BROKERS: kafka:9092');
    expect(out).toContain('CLICKHOUSE_URL: http://clickhouse:8123');
    // A price source: without one nothing is measured.
    expect(out).toMatch(/OILWIRE_INGEST_PRICES__SOURCES: .*"kind": ?"yahoo"/);
  });

  it('creates every topic with the partition count of the contracts', () => {
    const text = readFileSync(file, 'utf8');
    const line = /for t in ([^;]+);/.exec(text)?.[1] ?? '';
    const created = Object.fromEntries(line.trim().split(/\s+/).map((tp) => tp.split(':')).map(([t, p]) => [t, Number(p)]));
    const expected: Record<string, number> = {};
    for (const [topic, partitions] of Object.entries(TOPIC_PARTITIONS)) {
      expected[topic] = partitions;
      expected[dlqTopic(topic)] = 1;
    }
    expect(created).toEqual(expected);
  });
});
