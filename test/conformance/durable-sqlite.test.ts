/**
 * Runs the durable-records conformance suite against the embedded SQLite store on a real
 * temporary database file; the restart test reopens the same file with a new SqliteStore.
 * Spec coverage: see durable.suite.ts.
 */
import { after } from 'node:test';
import { SqliteStore } from '../../server/src/storage/sqlite/sqlite-store';
import type { Store } from '../../server/src/storage/store';
import { openTempSqliteStore } from '../helpers/sqlite-temp';
import { describeDurableRecords } from './durable.suite';

let temp: Awaited<ReturnType<typeof openTempSqliteStore>> | undefined;

/** The first call creates the temp file; later calls open a new store on the same file. */
async function openStore(): Promise<{ store: Store; close(): Promise<void> }> {
  if (temp === undefined) {
    temp = await openTempSqliteStore();
    const { store } = temp;
    return { store, close: () => store.close() };
  }
  const store = new SqliteStore({ path: temp.path });
  await store.init();
  return { store, close: () => store.close() };
}

after(async () => {
  // Closes the first store again (a no-op) and deletes the temporary directory.
  await temp?.cleanup();
});

describeDurableRecords('sqlite', openStore);
