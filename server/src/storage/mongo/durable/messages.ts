/**
 * The inbound message log on MongoDB (server/src/durable/message-log.ts): one document per
 * message in `messages` (message-documents.ts), unique per (protocol, sender, control id). A
 * receipt is an insert acknowledged by a majority of the replica set, so the message is durable
 * before processing starts and survives a failover; a re-send hits the unique index and gets the
 * stored record back (HL7 v2.5.1 ch. 2.10.1: the same MSH-10 from the same sender is the same
 * message).
 */
import { MongoServerError, type ClientSession, type Collection, type Db } from 'mongodb';
import type {
  MessageFilter,
  MessageLog,
  MessageLogWriter,
  MessageOutcome,
  MessageRecord,
  ReceivedMessage,
} from '../../../durable/message-log';
import { durableCollection, MESSAGES_COLLECTION } from '../collections';
import {
  controlFilter,
  DEFAULT_LIST_LIMIT,
  LIST_PROJECTION,
  MESSAGE_LIST_SORT,
  messageListFilter,
  outcomeUpdate,
  toMessageDocument,
  toMessageRecord,
  type MessageDocument,
} from './message-documents';
import { newRecordId } from './queue-documents';

const DUPLICATE_KEY = 11000;

/**
 * Records an outcome; rejects when the message does not exist (the transaction, if any, then
 * rolls back).
 * @param messages - the messages collection.
 * @param session - the transaction's session, if any.
 * @param id - the message id.
 * @param outcome - the outcome.
 */
async function writeOutcome(
  messages: Collection<MessageDocument>,
  session: ClientSession | undefined,
  id: string,
  outcome: MessageOutcome,
): Promise<void> {
  const result = await messages.updateOne({ _id: id }, outcomeUpdate(outcome, new Date()), { session });
  if (result.matchedCount !== 1) {
    throw new Error(`No inbound message with id ${id}`);
  }
}

/** A MessageLogWriter inside a transaction: the outcome commits with the message's resources. */
export class MongoMessageLogWriter implements MessageLogWriter {
  private readonly messages: Collection<MessageDocument>;

  /**
   * @param db - the database.
   * @param session - the session running the transaction.
   */
  constructor(
    db: Db,
    private readonly session: ClientSession,
  ) {
    this.messages = durableCollection<MessageDocument>(db, MESSAGES_COLLECTION);
  }

  /** {@inheritDoc MessageLogWriter.recordOutcome} */
  recordOutcome(id: string, outcome: MessageOutcome): Promise<void> {
    return writeOutcome(this.messages, this.session, id, outcome);
  }
}

/** The inbound message log on MongoDB. */
export class MongoMessageLog implements MessageLog {
  private readonly messages: Collection<MessageDocument>;

  /**
   * @param db - the database.
   */
  constructor(db: Db) {
    this.messages = durableCollection<MessageDocument>(db, MESSAGES_COLLECTION);
  }

  /** {@inheritDoc MessageLog.receive} */
  async receive(message: ReceivedMessage): Promise<{ record: MessageRecord; duplicate: boolean }> {
    const doc = toMessageDocument(message, newRecordId(), new Date());
    try {
      await this.messages.insertOne(doc);
      return { record: toMessageRecord(doc), duplicate: false };
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) {
        throw err;
      }
    }
    const existing = await this.messages.findOne(controlFilter(message));
    if (existing === null) {
      throw new Error(`Inbound message ${message.sender}/${message.controlId} is a duplicate but was not found`);
    }
    return { record: toMessageRecord(existing), duplicate: true };
  }

  /** {@inheritDoc MessageLogWriter.recordOutcome} */
  recordOutcome(id: string, outcome: MessageOutcome): Promise<void> {
    return writeOutcome(this.messages, undefined, id, outcome);
  }

  /** {@inheritDoc MessageLog.get} */
  async get(id: string): Promise<MessageRecord | undefined> {
    const doc = await this.messages.findOne({ _id: id });
    return doc === null ? undefined : toMessageRecord(doc);
  }

  /** {@inheritDoc MessageLog.list} */
  async list(filter: MessageFilter): Promise<MessageRecord[]> {
    const docs = await this.messages
      .find<Omit<MessageDocument, 'raw' | 'ack'>>(messageListFilter(filter), {
        projection: LIST_PROJECTION,
        sort: MESSAGE_LIST_SORT,
        limit: filter.limit ?? DEFAULT_LIST_LIMIT,
      })
      .toArray();
    return docs.map(toMessageRecord);
  }
}
