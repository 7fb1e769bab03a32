/**
 * A unit of work inside MongoStore.transaction(): reads and writes on one ClientSession.
 *
 * Optimistic concurrency: version 1 is an insert keyed by the logical id, so a concurrent create
 * fails with a duplicate key; later versions replace the current document only where its
 * versionId is still the expected previous one. Either failure is a VersionConflictError. (A
 * concurrent transaction touching the same document first makes the server raise a
 * TransientTransactionError instead; withTransaction retries, and the retry sees the new version.)
 * Queue jobs, message outcomes, state and DICOM index rows written through `records` use the same
 * session, so they commit with the resources or not at all.
 */
import { MongoServerError, type ClientSession, type Db } from 'mongodb';
import type { TransactionRecords } from '../../durable/records';
import { VersionConflictError, type ResourceWrite, type StoreSession } from '../store';
import { HISTORY_COLLECTION, typeCollectionName, type CollectionRegistry } from './collections';
import { mongoTransactionRecords } from './durable/records';
import { toCurrentDocument, toHistoryDocument, type CurrentDocument, type HistoryDocument } from './document';
import { MongoReader } from './mongo-reader';

const DUPLICATE_KEY = 11000;

/** StoreSession on a MongoDB ClientSession with an active transaction. */
export class MongoStoreSession extends MongoReader implements StoreSession {
  /** {@inheritDoc StoreSession.records} */
  readonly records: TransactionRecords;

  /**
   * @param db - the database.
   * @param session - the session running the transaction.
   * @param collections - creates type collections on first write.
   */
  constructor(
    db: Db,
    session: ClientSession,
    private readonly collections: CollectionRegistry,
  ) {
    super(db, session);
    this.records = mongoTransactionRecords(db, session);
  }

  /** @inheritdoc */
  async write(write: ResourceWrite): Promise<void> {
    // Outside the transaction (DDL); a transaction whose snapshot predates the new collection
    // fails with a TransientTransactionError and is retried by withTransaction.
    await this.collections.ensureType(write.resourceType);
    const current = this.db.collection<CurrentDocument>(typeCollectionName(write.resourceType));
    const { _id, ...doc } = toCurrentDocument(write);
    const expected = write.versionId - 1;
    if (write.versionId === 1) {
      try {
        await current.insertOne({ _id, ...doc }, { session: this.session });
      } catch (err) {
        if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) {
          throw new VersionConflictError(write.resourceType, write.id, expected);
        }
        throw err;
      }
    } else {
      const result = await current.replaceOne({ _id, versionId: expected }, doc, { session: this.session });
      if (result.matchedCount === 0) {
        throw new VersionConflictError(write.resourceType, write.id, expected);
      }
    }
    await this.db
      .collection<HistoryDocument>(HISTORY_COLLECTION)
      .insertOne(toHistoryDocument(write), { session: this.session });
  }
}
