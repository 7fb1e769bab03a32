/**
 * The MongoDB Store backend: the scale-out deployment (DESIGN.md), where several identical
 * stateless Tessera processes share one replica set or sharded cluster.
 *
 * Layout (see README.md in this folder): one collection per resource type holding current versions
 * with typed index arrays (document.ts, index-fields.ts), one `history` collection, and the durable
 * records (work queue, inbound message log, state, change feed) in durable/. Searches
 * compile to aggregation pipelines (compile-plan.ts). Transactions use a ClientSession with
 * `withTransaction`, which needs a replica set or a sharded cluster (a standalone mongod rejects
 * transactions): https://www.mongodb.com/docs/manual/core/transactions/
 */
import { MongoClient, MongoServerError, type Db, type MongoClientOptions, type TransactionOptions } from 'mongodb';
import type { DurableRecords } from '../../durable/records';
import type { IndexEntry } from '../../search/index-entries';
import type { Store, StoreCapabilities, StoredResource, StoreSession } from '../store';
import { CollectionRegistry, typeCollectionName } from './collections';
import { databaseFromUri } from './connection';
import { toStoredResource, VERSION_PROJECTION, type CurrentDocument } from './document';
import { createDicomIndexes } from './durable/dicom-index';
import { mongoDurableRecords } from './durable/records';
import { toIndexFields } from './index-fields';
import { MongoReader } from './mongo-reader';
import { MongoStoreSession } from './mongo-session';

/** Options of MongoStore. */
export interface MongoStoreOptions {
  /** Connection string (TESSERA_MONGODB_URI); a replica set for transactions. */
  readonly uri: string;
  /** Database name; defaults to the one in the URI path, else `tessera`. */
  readonly dbName?: string;
  /** Extra driver options (timeouts, pool size, TLS). */
  readonly clientOptions?: MongoClientOptions;
  /**
   * How long a committed version stays out of the change feed after its lastUpdated (default
   * 2000 ms): longer than the slowest transaction plus the clock skew between processes
   * (durable/changes.ts).
   */
  readonly changeSettleMs?: number;
}

/**
 * Snapshot reads and majority writes: a transaction sees one consistent point in time, and what it
 * committed survives a primary failover (so an HL7 ACK sent after commit is truthful).
 */
const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

/** SnapshotUnavailable: the transaction's snapshot predates a collection created meanwhile. */
const SNAPSHOT_UNAVAILABLE = 246;

/**
 * Makes sure a transaction that touched a collection created after its snapshot (the first write
 * of a type creates its collection, outside the transaction) is retried by withTransaction. The
 * server labels this error transient; the label is added here too, in case it did not.
 */
async function retryOnCatalogChange<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MongoServerError && err.code === SNAPSHOT_UNAVAILABLE) {
      err.addErrorLabel('TransientTransactionError');
    }
    throw err;
  }
}

/** Store implementation on MongoDB (driver v6). */
export class MongoStore extends MongoReader implements Store {
  readonly name = 'mongodb' as const;
  readonly capabilities: StoreCapabilities = { transactions: true, accurateTotals: true };
  /** {@inheritDoc Store.records} */
  readonly records: DurableRecords;
  private readonly client: MongoClient;
  private readonly collections: CollectionRegistry;

  /**
   * Creates the client; nothing connects before init() or the first operation.
   * @param options - connection string and database name.
   */
  constructor(options: MongoStoreOptions) {
    const client = new MongoClient(options.uri, options.clientOptions);
    const db: Db = client.db(options.dbName ?? databaseFromUri(options.uri));
    super(db, undefined);
    this.client = client;
    this.collections = new CollectionRegistry(db);
    this.records = mongoDurableRecords(db, options.changeSettleMs);
  }

  /** Connects, creates the history and durable-record collections and the indexes of existing type collections. */
  async init(): Promise<void> {
    await this.client.connect();
    await this.collections.init();
    await createDicomIndexes(this.db);
  }

  /** Round trip to the server (`ping` command) for /readyz. */
  async ping(): Promise<void> {
    await this.db.admin().ping();
  }

  /**
   * Runs `fn` in a transaction. `fn` may run more than once: withTransaction retries the whole
   * callback on TransientTransactionError and the commit on UnknownTransactionCommitResult, as
   * the driver's convenient transaction API specifies.
   * @param fn - the unit of work; it must await every operation on the session it is given.
   */
  async transaction<T>(fn: (session: StoreSession) => Promise<T>): Promise<T> {
    const session = this.client.startSession();
    try {
      return await session.withTransaction(
        () =>
          retryOnCatalogChange(async () => {
            const unit = new MongoStoreSession(this.db, session, this.collections);
            return fn(unit);
          }),
        TRANSACTION_OPTIONS,
      );
    } finally {
      await session.endSession();
    }
  }

  /**
   * Current, non-deleted resources of a type in id order.
   * @param resourceType - the type.
   * @param afterId - start after this id (exclusive).
   * @param limit - at most this many.
   */
  async scan(resourceType: string, afterId: string | undefined, limit: number): Promise<StoredResource[]> {
    const filter = afterId === undefined ? { deleted: false } : { deleted: false, _id: { $gt: afterId } };
    const docs = await this.db
      .collection<CurrentDocument>(typeCollectionName(resourceType))
      .find(filter, { projection: VERSION_PROJECTION, sort: { _id: 1 }, limit })
      .toArray();
    return docs.map((d) => toStoredResource(resourceType, d._id, d));
  }

  /**
   * Replaces the index arrays and compartments of the current version.
   * @param resourceType - the type.
   * @param id - the logical id.
   * @param index - the new entries.
   * @param compartments - the new compartments.
   */
  async reindex(
    resourceType: string,
    id: string,
    index: readonly IndexEntry[],
    compartments: readonly string[],
  ): Promise<void> {
    await this.db
      .collection<CurrentDocument>(typeCollectionName(resourceType))
      .updateOne({ _id: id, deleted: false }, { $set: { ...toIndexFields(index), compartments: [...compartments] } });
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.client.close();
  }
}
