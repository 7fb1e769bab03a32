/**
 * Opens the configured Store backend (TESSERA_STORE): the embedded SQLite file under the data
 * directory, or MongoDB.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TesseraConfig } from '../config';
import { MongoStore } from './mongo/mongo-store';
import { SqliteStore } from './sqlite/sqlite-store';
import type { Store } from './store';

/** The SQLite database file name inside TESSERA_DATA_DIR. */
export const SQLITE_FILE = 'tessera.sqlite';

/**
 * Opens and initializes the store named by the configuration.
 * @param config - the runtime configuration.
 */
export async function openStore(config: TesseraConfig): Promise<Store> {
  let store: Store;
  if (config.store === 'mongodb') {
    store = new MongoStore({ uri: config.mongodbUri as string });
  } else {
    mkdirSync(config.dataDir, { recursive: true });
    store = new SqliteStore({ path: join(config.dataDir, SQLITE_FILE), synchronous: config.sqliteSynchronous });
  }
  await store.init();
  return store;
}
