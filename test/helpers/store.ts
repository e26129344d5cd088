/** A migrated throwaway database on the embedded engine, and its removal: every store test's setup. */
import { openStore } from '../../shared/store/clickhouse-store.ts';
import { migrate } from '../../shared/store/migrate.ts';
import type { Store } from '../../shared/store/port.ts';
import { randomName } from './pipeline.ts';

export async function openTestStore(path = ':memory:'): Promise<Store> {
  const store = await openStore({ path, database: randomName() });
  await migrate(store);
  return store;
}

export async function dropTestStore(store: Store): Promise<void> {
  await store.command(`DROP DATABASE IF EXISTS \`${store.database}\``);
  await store.close();
}
