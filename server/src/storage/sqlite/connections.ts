/**
 * Opens the two connections of a SqliteStore: one write connection (all transactions, serialized
 * by the write queue) and one read connection for reads outside transactions, which therefore
 * only ever see committed data. WAL mode lets the reader run while a writer holds the lock.
 * See https://www.sqlite.org/wal.html and https://www.sqlite.org/pragma.html#pragma_synchronous.
 */
import Database from 'better-sqlite3';

/** SQLite durability level: FULL fsyncs the WAL on every commit; NORMAL may lose the last commits on power loss. */
export type SynchronousMode = 'full' | 'normal';

/** The store's connections. For `:memory:` both are the same connection. */
export interface Connections {
  readonly write: Database.Database;
  readonly read: Database.Database;
}

const BUSY_TIMEOUT_MS = 5000;
/** WAL pages after which the writer checkpoints itself (SQLite's default is 1000). */
const WRITER_CHECKPOINT_PAGES = 8000;

function configure(db: Database.Database, synchronous: SynchronousMode): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  // Index tables reference rows by rid and are maintained by the writer, not by foreign keys.
  db.pragma('foreign_keys = OFF');
  db.pragma('temp_store = MEMORY');
  // A 256 MiB page cache and memory-mapped reads keep the upper B-tree levels of large index
  // tables in memory (random index inserts and searches on millions of rows).
  db.pragma('cache_size = -262144');
  db.pragma('mmap_size = 4294967296');
}

/**
 * Opens the write and read connections on `path`.
 * @param path - database file (`:memory:` gives one shared in-memory connection, for experiments only).
 * @param synchronous - the durability level of commits.
 */
export function openConnections(path: string, synchronous: SynchronousMode): Connections {
  const write = new Database(path);
  try {
    configure(write, synchronous);
    if (path === ':memory:') {
      return { write, read: write };
    }
    // Checkpoints mostly run on a worker thread (checkpointer.ts). The writer's own automatic
    // checkpoint stays, rarely, so that the WAL is reset: only a checkpoint with no writer in
    // between can find every frame copied, and by then the worker has copied nearly all of them.
    write.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    const read = new Database(path);
    configure(read, synchronous);
    read.pragma('query_only = ON');
    return { write, read };
  } catch (err) {
    write.close();
    throw err;
  }
}

/**
 * Checkpoints the WAL into the main file and closes both connections.
 * @param connections - the connections to close.
 */
export function closeConnections(connections: Connections): void {
  if (connections.read !== connections.write) {
    connections.read.close();
  }
  connections.write.pragma('optimize');
  connections.write.pragma('wal_checkpoint(TRUNCATE)');
  connections.write.close();
}
