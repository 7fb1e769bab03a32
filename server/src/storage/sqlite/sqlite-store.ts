/**
 * The embedded default Store (DESIGN.md): one SQLite file in WAL mode, opened with
 * better-sqlite3. One write connection runs every transaction through a group-commit queue
 * (write-queue.ts); one read connection serves reads outside transactions, so they only see
 * committed data. Tables per resource type are created on the type's first write.
 * See server/src/storage/sqlite/README.md for the schema and the search compilation.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DurableRecords } from '../../durable/records';
import type { IndexEntry } from '../../search/index-entries';
import type { Store, StoreCapabilities, StoredResource, StoreSession } from '../store';
import type { DurableAccess } from './durable/access';
import { SqliteChangeFeed } from './durable/changes';
import { SqliteDicomIndex } from './durable/dicom-index';
import { SqliteMessageLog } from './durable/messages';
import { SqliteWorkQueue } from './durable/queue';
import { SqliteDurableState } from './durable/state';
import { WalCheckpointer } from './checkpointer';
import { closeConnections, openConnections, type Connections, type SynchronousMode } from './connections';
import { ConnectionReader, SqliteReader } from './reader';
import { listTypes, migrate } from './schema';
import { SqliteSession } from './session';
import { StatementCache } from './statement-cache';
import { TypeRegistry } from './type-registry';
import { WalSync } from './wal-sync';
import { WriteQueue } from './write-queue';
import { reindexResource } from './write-resource';

/** Options of a SqliteStore. */
export interface SqliteStoreOptions {
  /** The database file (created if absent; its directory must exist). */
  readonly path: string;
  /** Commit durability; `full` (default) fsyncs every group commit. */
  readonly synchronous?: SynchronousMode;
  /** Most transactions committed together (default 64). */
  readonly maxGroupSize?: number;
}

interface OpenState {
  readonly connections: Connections;
  readonly types: TypeRegistry;
  readonly reader: ConnectionReader;
  readonly writeReader: ConnectionReader;
  readonly queue: WriteQueue;
  /** Flushes the WAL before commits are acknowledged (synchronous `full` on a file). */
  readonly walSync?: WalSync;
  /** Checkpoints the WAL off the main thread (files only). */
  readonly checkpointer?: WalCheckpointer;
}

/** Run `PRAGMA optimize` (refresh planner statistics when useful) every this many commits. */
const OPTIMIZE_EVERY_COMMITS = 5000;

/** The SQLite backend of the Store port. */
export class SqliteStore extends SqliteReader implements Store {
  /** {@inheritDoc Store.name} */
  readonly name = 'sqlite' as const;
  /** {@inheritDoc Store.capabilities} */
  readonly capabilities: StoreCapabilities = { transactions: true, accurateTotals: true };

  /** {@inheritDoc Store.records} */
  readonly records: DurableRecords;

  private state: OpenState | undefined;
  private closed = false;
  private readonly inTransaction = new AsyncLocalStorage<true>();

  /**
   * @param options - file path and durability.
   */
  constructor(private readonly options: SqliteStoreOptions) {
    super();
    const access: DurableAccess = {
      read: () => this.open().reader.cache,
      write: <T>(fn: (cache: StatementCache) => T): Promise<T> => {
        let state: OpenState;
        try {
          state = this.openForWrite();
        } catch (err) {
          return Promise.reject(err);
        }
        return state.queue.run(async () => fn(state.writeReader.cache));
      },
    };
    this.records = {
      queue: new SqliteWorkQueue(access),
      messages: new SqliteMessageLog(access),
      state: new SqliteDurableState(access),
      changes: new SqliteChangeFeed(access),
      dicom: new SqliteDicomIndex(access),
    };
  }

  /** {@inheritDoc Store.init} */
  async init(): Promise<void> {
    this.open();
  }

  /** {@inheritDoc Store.ping} */
  async ping(): Promise<void> {
    this.open().reader.cache.get('SELECT 1').get();
  }

  /**
   * {@inheritDoc Store.transaction}
   * Transactions are serialized and group-committed; calling `transaction` from inside a
   * transaction callback rejects (it would wait for itself).
   */
  transaction<T>(fn: (session: StoreSession) => Promise<T>): Promise<T> {
    let state: OpenState;
    try {
      state = this.openForWrite();
    } catch (err) {
      return Promise.reject(err);
    }
    return state.queue.run(async () => {
      const session = new SqliteSession(state.writeReader, state.types);
      try {
        return await this.inTransaction.run(true, () => fn(session));
      } finally {
        session.close();
      }
    });
  }

  /** {@inheritDoc Store.scan} */
  async scan(resourceType: string, afterId: string | undefined, limit: number): Promise<StoredResource[]> {
    return this.open().reader.scan(resourceType, afterId, limit);
  }

  /** {@inheritDoc Store.reindex} */
  async reindex(
    resourceType: string,
    id: string,
    index: readonly IndexEntry[],
    compartments: readonly string[],
  ): Promise<void> {
    const state = this.openForWrite();
    await state.queue.run(async () => {
      reindexResource(state.writeReader.cache, state.types, resourceType, id, index, compartments);
    });
  }

  /** {@inheritDoc Store.close} -- waits for queued transactions, checkpoints the WAL, closes both connections. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    const state = this.state;
    if (state === undefined) {
      return;
    }
    await state.queue.whenIdle();
    await state.checkpointer?.stop();
    await state.walSync?.close();
    state.reader.cache.clear();
    state.writeReader.cache.clear();
    closeConnections(state.connections);
    this.state = undefined;
  }

  protected override connection(): ConnectionReader {
    return this.open().reader;
  }

  /** The open state for queuing a write; refuses calls from inside a transaction callback (they would deadlock). */
  private openForWrite(): OpenState {
    if (this.inTransaction.getStore() === true) {
      throw new Error('SqliteStore write called inside a transaction; use the session');
    }
    return this.open();
  }

  private open(): OpenState {
    if (this.closed) {
      throw new Error('SqliteStore is closed');
    }
    if (this.state !== undefined) {
      return this.state;
    }
    const connections = openConnections(this.options.path, this.options.synchronous ?? 'full');
    try {
      migrate(connections.write);
      connections.write.pragma('optimize = 0x10002');
    } catch (err) {
      closeConnections(connections);
      throw err;
    }
    const types = new TypeRegistry();
    types.load(listTypes(connections.write));
    let commits = 0;
    const walSync =
      (this.options.synchronous ?? 'full') === 'full' && !connections.write.memory
        ? new WalSync(this.options.path)
        : undefined;
    const queue = new WriteQueue(
      connections.write,
      {
        releaseSavepoint: () => types.releaseSavepoint(),
        rollbackSavepoint: () => types.rollbackSavepoint(),
        rollbackBatch: () => types.rollbackBatch(),
        commitBatch: () => {
          types.commitBatch();
          if (++commits % OPTIMIZE_EVERY_COMMITS === 0) {
            connections.write.pragma('optimize');
          }
        },
      },
      this.options.maxGroupSize,
      walSync ? () => walSync.flush() : undefined,
    );
    this.state = {
      connections,
      types,
      reader: new ConnectionReader(new StatementCache(connections.read), types.committedView),
      writeReader: new ConnectionReader(new StatementCache(connections.write), types.writeView),
      queue,
      walSync,
      checkpointer: connections.write.memory ? undefined : new WalCheckpointer(this.options.path),
    };
    return this.state;
  }
}
