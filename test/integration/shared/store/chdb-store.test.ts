import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { runStoreConformance } from './store-conformance.ts';

runStoreConformance('embedded chDB', () => openStore({ path: ':memory:', database: randomName('test') }));
