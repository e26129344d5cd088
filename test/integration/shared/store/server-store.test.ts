import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { runStoreConformance } from './store-conformance.ts';

// Collected only when CLICKHOUSE_TEST_URL names a server (see vitest.config.ts): there is none on our machines.
runStoreConformance(`ClickHouse server ${process.env.CLICKHOUSE_TEST_URL}`, () =>
  openStore({
    url: process.env.CLICKHOUSE_TEST_URL,
    username: process.env.CLICKHOUSE_TEST_USER,
    password: process.env.CLICKHOUSE_TEST_PASSWORD,
    database: randomName('test'),
  }),
);
