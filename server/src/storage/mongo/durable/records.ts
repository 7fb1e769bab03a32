/**
 * The durable records of the MongoDB store (server/src/durable/records.ts): the collections
 * `queue`, `messages`, `state`, the DICOM index (`dicom*`) and the change feed over `history`,
 * outside a transaction or bound to one transaction's ClientSession.
 */
import type { ClientSession, Db } from 'mongodb';
import type { DurableRecords, TransactionRecords } from '../../../durable/records';
import { MongoChangeFeed } from './changes';
import { MongoDicomIndex, MongoDicomIndexWriter } from './dicom-index';
import { MongoMessageLog, MongoMessageLogWriter } from './messages';
import { MongoQueueWriter, MongoWorkQueue } from './queue';
import { MongoDurableState, MongoStateWriter } from './state';

/**
 * The records outside transactions.
 * @param db - the database.
 * @param changeSettleMs - the change feed's settle window (changes.ts).
 */
export function mongoDurableRecords(db: Db, changeSettleMs?: number): DurableRecords {
  return {
    queue: new MongoWorkQueue(db),
    messages: new MongoMessageLog(db),
    state: new MongoDurableState(db),
    changes: new MongoChangeFeed(db, changeSettleMs),
    dicom: new MongoDicomIndex(db),
  };
}

/**
 * The records written in a transaction; they commit or abort with it.
 * @param db - the database.
 * @param session - the session running the transaction.
 */
export function mongoTransactionRecords(db: Db, session: ClientSession): TransactionRecords {
  return {
    queue: new MongoQueueWriter(db, session),
    messages: new MongoMessageLogWriter(db, session),
    state: new MongoStateWriter(db, session),
    dicom: new MongoDicomIndexWriter(db, session),
  };
}
