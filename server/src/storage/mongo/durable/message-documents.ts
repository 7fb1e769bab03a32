/**
 * The inbound message documents in the `messages` collection (server/src/durable/message-log.ts)
 * and the filters and updates on them, free of I/O for the unit tests.
 *
 * The raw message and the ACK are BSON binary (subtype 0), byte for byte: HL7 v2 is not always
 * UTF-8 (MSH-18 may name ISO 8859-1 or others), so they are never stored as strings. A message
 * is at most the MLLP frame limit (10 MiB, DEFAULT_MAX_FRAME_BYTES in adapters/hl7/src/mllp/constants.ts),
 * so a document stays under MongoDB's
 * 16 MiB BSON limit (https://www.mongodb.com/docs/manual/reference/limits/#mongodb-limit-BSON-Document-Size)
 * without GridFS.
 */
import { Binary, type Document } from 'mongodb';
import type {
  MessageFilter,
  MessageOutcome,
  MessageRecord,
  MessageStatus,
  ReceivedMessage,
} from '../../../durable/message-log';

/** One message in the `messages` collection. */
export interface MessageDocument {
  /** ObjectId hex: newest first is `_id` descending. */
  _id: string;
  protocol: string;
  sender: string;
  controlId: string;
  messageType?: string;
  peer?: string;
  raw: Binary;
  sha256: string;
  status: MessageStatus;
  receivedAt: Date;
  processedAt?: Date;
  attempts: number;
  ackCode?: string;
  ack?: Binary;
  error?: string;
}

/** `list` leaves the bytes out. */
export const LIST_PROJECTION = { raw: 0, ack: 0 } as const;

/** The default page size of `list`. */
export const DEFAULT_LIST_LIMIT = 100;

/**
 * A copy of the bytes of a BSON binary value (the driver returns `Binary`, or a Buffer when the
 * client was configured with `promoteBuffers`).
 * @param value - the stored binary.
 */
export function binaryToBuffer(value: Binary | Uint8Array): Buffer {
  return Buffer.from(value instanceof Binary ? value.value() : value);
}

/**
 * The document of a message just received.
 * @param message - the message.
 * @param id - its record id.
 * @param now - the receipt time.
 */
export function toMessageDocument(message: ReceivedMessage, id: string, now: Date): MessageDocument {
  return {
    _id: id,
    protocol: message.protocol,
    sender: message.sender,
    controlId: message.controlId,
    ...(message.messageType === undefined ? {} : { messageType: message.messageType }),
    ...(message.peer === undefined ? {} : { peer: message.peer }),
    raw: new Binary(message.raw),
    sha256: message.sha256,
    status: 'received',
    receivedAt: now,
    attempts: 0,
  };
}

/**
 * A stored message in the port's shape; `raw` is empty when the projection left it out.
 * @param doc - the document as read.
 */
export function toMessageRecord(doc: Omit<MessageDocument, 'raw'> & { raw?: Binary }): MessageRecord {
  return {
    id: doc._id,
    protocol: doc.protocol,
    sender: doc.sender,
    controlId: doc.controlId,
    ...(doc.messageType === undefined ? {} : { messageType: doc.messageType }),
    ...(doc.peer === undefined ? {} : { peer: doc.peer }),
    raw: doc.raw === undefined ? Buffer.alloc(0) : binaryToBuffer(doc.raw),
    sha256: doc.sha256,
    status: doc.status,
    receivedAt: doc.receivedAt.toISOString(),
    ...(doc.processedAt === undefined ? {} : { processedAt: doc.processedAt.toISOString() }),
    attempts: doc.attempts,
    ...(doc.ackCode === undefined ? {} : { ackCode: doc.ackCode }),
    ...(doc.ack === undefined ? {} : { ack: binaryToBuffer(doc.ack) }),
    ...(doc.error === undefined ? {} : { error: doc.error }),
  };
}

/**
 * The message a sender identifies by its control id (the unique `control` index).
 * @param message - protocol, sender and control id.
 */
export function controlFilter(message: Pick<ReceivedMessage, 'protocol' | 'sender' | 'controlId'>): Document {
  return { protocol: message.protocol, sender: message.sender, controlId: message.controlId };
}

/**
 * Records an outcome and counts the attempt; a reason from an earlier attempt is removed when
 * this one has none.
 * @param outcome - status, ACK and reason.
 * @param now - the processing time.
 */
export function outcomeUpdate(outcome: MessageOutcome, now: Date): Document {
  const set = { status: outcome.status, ackCode: outcome.ackCode, ack: new Binary(outcome.ack), processedAt: now };
  return {
    ...(outcome.error === undefined
      ? { $set: set, $unset: { error: '' } }
      : { $set: { ...set, error: outcome.error } }),
    $inc: { attempts: 1 },
  };
}

/**
 * The filter of `list`: statuses, sender, and for paging the messages stored before `beforeId`.
 * @param filter - the list filter.
 */
export function messageListFilter(filter: MessageFilter): Document {
  return {
    ...(filter.status === undefined || filter.status.length === 0 ? {} : { status: { $in: [...filter.status] } }),
    ...(filter.sender === undefined ? {} : { sender: filter.sender }),
    ...(filter.beforeId === undefined ? {} : { _id: { $lt: filter.beforeId } }),
  };
}

/** Newest first. */
export const MESSAGE_LIST_SORT = { _id: -1 } as const;
