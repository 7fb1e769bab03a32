/**
 * The inbound message log port: every message received over HL7 v2 (MLLP or HTTP) is stored
 * raw, byte for byte with its SHA-256, and durably, before it is processed; its outcome (the ACK
 * sent and why) is recorded with it. It answers three needs: nothing received is lost, a re-sent
 * message (same sender, same MSH-10) gets the same ACK again without being processed twice, and
 * an operator can list failed messages and reprocess them.
 */

/** Where a message is in its life. */
export type MessageStatus =
  /** Stored, not yet processed (or processing was interrupted: it is processed again). */
  | 'received'
  /** Processed and committed; AA sent. */
  | 'accepted'
  /** Content error (AE): may succeed after a mapping or data fix, so it can be reprocessed. */
  | 'error'
  /** Refused (AR): unsupported type, version or processing id, or malformed header. */
  | 'rejected';

/** Every message status. */
export const MESSAGE_STATUSES: readonly MessageStatus[] = ['received', 'accepted', 'error', 'rejected'];

/** A message as received. */
export interface ReceivedMessage {
  /** The protocol, e.g. `hl7v2`. */
  readonly protocol: string;
  /** Who sent it (HL7: MSH-3 and MSH-4); '' when unreadable. */
  readonly sender: string;
  /** The sender's message id (HL7: MSH-10); unique per sender. */
  readonly controlId: string;
  /** The message type (HL7: `ORU^R01`), for listing. */
  readonly messageType?: string;
  /** The exact bytes received. */
  readonly raw: Buffer;
  /** Hex SHA-256 of `raw`. */
  readonly sha256: string;
  /** Where it came from (`mllp://127.0.0.1:53211`, `http`). */
  readonly peer?: string;
}

/** The outcome of processing a message. */
export interface MessageOutcome {
  readonly status: Exclude<MessageStatus, 'received'>;
  /** The acknowledgment code sent (HL7 MSA-1). */
  readonly ackCode: string;
  /** The exact acknowledgment bytes sent (re-sent verbatim for a duplicate). */
  readonly ack: Buffer;
  /** Readable reason for error/rejected. */
  readonly error?: string;
}

/** A stored message with its outcome. */
export interface MessageRecord extends ReceivedMessage {
  readonly id: string;
  readonly status: MessageStatus;
  /** ISO instant of receipt (first receipt for duplicates). */
  readonly receivedAt: string;
  /** ISO instant of the last outcome. */
  readonly processedAt?: string;
  /** How many times it was processed (reprocessing included). */
  readonly attempts: number;
  readonly ackCode?: string;
  readonly ack?: Buffer;
  readonly error?: string;
}

/** Filter of `list`. */
export interface MessageFilter {
  readonly status?: readonly MessageStatus[];
  readonly sender?: string;
  readonly limit?: number;
  /** Only messages stored before this record id (paging, newest first). */
  readonly beforeId?: string;
}

/** The part of the log usable inside a store transaction (outcome atomic with the resources). */
export interface MessageLogWriter {
  /**
   * Records the outcome of processing; counts an attempt.
   * @param id - the message record id.
   * @param outcome - status, ACK and reason.
   */
  recordOutcome(id: string, outcome: MessageOutcome): Promise<void>;
}

/** The inbound message log. */
export interface MessageLog extends MessageLogWriter {
  /**
   * Stores a message durably unless (protocol, sender, controlId) is already stored.
   * @param message - the message and its hash.
   * @returns the stored record, and whether it already existed (a re-send).
   */
  receive(message: ReceivedMessage): Promise<{ record: MessageRecord; duplicate: boolean }>;
  /** One message with its raw bytes, or undefined. */
  get(id: string): Promise<MessageRecord | undefined>;
  /** Messages newest first, without raw bytes and ACKs (`raw` is an empty Buffer). */
  list(filter: MessageFilter): Promise<MessageRecord[]>;
}
