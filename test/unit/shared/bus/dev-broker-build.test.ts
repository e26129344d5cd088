import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDevBroker, defaultDevBrokerTopics, devBrokerArgs } from '../../../../shared/bus/dev-broker.ts';
import { TOPIC_PARTITIONS } from '../../../../shared/contracts/events.ts';

describe('buildDevBroker failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-cc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the missing compiler', async () => {
    await expect(buildDevBroker({ force: true, cc: join(dir, 'no-such-cc') })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/no C compiler.*apt-get install/),
    });
  });

  it('names librdkafka-dev when its header is missing', async () => {
    const fakeCc = join(dir, 'fake-cc');
    writeFileSync(fakeCc, '#!/bin/sh\necho "dev-broker.c:37:10: fatal error: librdkafka/rdkafka.h: No such file or directory" >&2\nexit 1\n');
    chmodSync(fakeCc, 0o755);
    await expect(buildDevBroker({ force: true, cc: fakeCc })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/librdkafka-dev is not installed/),
      details: expect.objectContaining({ missing: 'librdkafka-dev' }),
    });
  });
});

describe('defaultDevBrokerTopics', () => {
  it('is every project topic with its partitions plus a one-partition DLQ', () => {
    const topics = defaultDevBrokerTopics();
    expect(topics).toHaveLength(Object.keys(TOPIC_PARTITIONS).length * 2);
    for (const [topic, partitions] of Object.entries(TOPIC_PARTITIONS)) {
      expect(topics).toContainEqual({ topic, partitions });
      expect(topics).toContainEqual({ topic: `${topic}.dlq`, partitions: 1 });
    }
  });
});

describe('devBrokerArgs', () => {
  it('names the broker count and each topic as name:partitions', () => {
    expect(devBrokerArgs({ brokers: 2, topics: [{ topic: 'a.b', partitions: 3 }] })).toEqual(['--brokers', '2', '--retention-bytes', '1073741824', 'a.b:3']);
    expect(devBrokerArgs({ brokers: 1, retentionBytes: 0 })).toEqual(['--brokers', '1', '--retention-bytes', '0', ...defaultDevBrokerTopics().map((t) => `${t.topic}:${t.partitions}`)]);
    expect(() => devBrokerArgs({ retentionBytes: -1 })).toThrow(/retention/);
    expect(devBrokerArgs()).toEqual(['--brokers', '3', '--retention-bytes', '1073741824', ...defaultDevBrokerTopics().map((t) => `${t.topic}:${t.partitions}`)]);
    expect(() => devBrokerArgs({ topics: [{ topic: 'bad topic', partitions: 1 }] })).toThrow(/invalid topic/);
  });
});
