/**
 * Opens a SqliteStore on a fresh temporary file (real SQLite, no mocks; STYLE.md habit 12),
 * for unit tests and the backend conformance suite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../server/src/storage/sqlite/sqlite-store';

/**
 * Creates and initializes a SqliteStore in a new temporary directory.
 * `cleanup` closes the store and deletes the directory.
 */
export async function openTempSqliteStore(): Promise<{ store: SqliteStore; path: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-sqlite-'));
  const path = join(dir, 'store.sqlite');
  const store = new SqliteStore({ path });
  await store.init();
  return {
    store,
    path,
    async cleanup(): Promise<void> {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
