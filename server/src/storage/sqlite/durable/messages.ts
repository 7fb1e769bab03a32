/**
 * The inbound message log on SQLite (server/src/durable/message-log.ts): one row per message in
 * `tessera_messages`, the raw bytes in a BLOB column, unique per (protocol, sender, control id).
 * A receipt is its own group-committed transaction, so it is durable before processing starts.
 */
import { randomUUID } from 'node:crypto';
import type {
  MessageFilter,
  MessageLog,
  MessageLogWriter,
  MessageOutcome,
  MessageRecord,
  MessageStatus,
  ReceivedMessage,
} from '../../../durable/message-log';
import { MESSAGES_TABLE } from '../schema';
import type { StatementCache } from '../statement-cache';
import type { DurableAccess } from './access';

interface MessageRow {
  id: string;
  protocol: string;
  sender: string;
  control_id: string;
  message_type: string | null;
  peer: string | null;
  raw: Buffer | null;
  sha256: string;
  status: MessageStatus;
  received_at: string;
  processed_at: string | null;
  attempts: number;
  ack_code: string | null;
  ack: Buffer | null;
  error: string | null;
}

function toRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    protocol: row.protocol,
    sender: row.sender,
    controlId: row.control_id,
    ...(row.message_type === null ? {} : { messageType: row.message_type }),
    ...(row.peer === null ? {} : { peer: row.peer }),
    raw: row.raw ?? Buffer.alloc(0),
    sha256: row.sha256,
    status: row.status,
    receivedAt: row.received_at,
    ...(row.processed_at === null ? {} : { processedAt: row.processed_at }),
    attempts: row.attempts,
    ...(row.ack_code === null ? {} : { ackCode: row.ack_code }),
    ...(row.ack === null ? {} : { ack: row.ack }),
    ...(row.error === null ? {} : { error: row.error }),
  };
}

/**
 * Records an outcome on the write connection.
 * @param cache - write-connection statements.
 * @param id - the message id.
 * @param outcome - the outcome.
 */
function writeOutcome(cache: StatementCache, id: string, outcome: MessageOutcome): void {
  const info = cache
    .get(
      `UPDATE ${MESSAGES_TABLE} SET status = ?, ack_code = ?, ack = ?, error = ?, processed_at = ?, ` +
        'attempts = attempts + 1 WHERE id = ?',
    )
    .run(outcome.status, outcome.ackCode, outcome.ack, outcome.error ?? null, new Date().toISOString(), id);
  if (info.changes !== 1) {
    throw new Error(`No inbound message with id ${id}`);
  }
}

/** A MessageLogWriter bound to an open session's write connection. */
export class SqliteMessageLogWriter implements MessageLogWriter {
  /**
   * @param cache - statements of the session's write connection.
   */
  constructor(private readonly cache: () => StatementCache) {}

  /** {@inheritDoc MessageLogWriter.recordOutcome} */
  async recordOutcome(id: string, outcome: MessageOutcome): Promise<void> {
    writeOutcome(this.cache(), id, outcome);
  }
}

/** The inbound message log on SQLite. */
export class SqliteMessageLog implements MessageLog {
  /**
   * @param db - read and write access.
   */
  constructor(private readonly db: DurableAccess) {}

  /** {@inheritDoc MessageLog.receive} */
  receive(message: ReceivedMessage): Promise<{ record: MessageRecord; duplicate: boolean }> {
    return this.db.write((cache) => {
      const existing = cache
        .get(`SELECT * FROM ${MESSAGES_TABLE} WHERE protocol = ? AND sender = ? AND control_id = ?`)
        .get(message.protocol, message.sender, message.controlId) as MessageRow | undefined;
      if (existing) {
        return { record: toRecord(existing), duplicate: true };
      }
      const record: MessageRecord = {
        ...message,
        id: randomUUID(),
        status: 'received',
        receivedAt: new Date().toISOString(),
        attempts: 0,
      };
      cache
        .get(
          `INSERT INTO ${MESSAGES_TABLE} (id, protocol, sender, control_id, message_type, peer, raw, sha256, status, ` +
            `received_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, 0)`,
        )
        .run(
          record.id,
          message.protocol,
          message.sender,
          message.controlId,
          message.messageType ?? null,
          message.peer ?? null,
          message.raw,
          message.sha256,
          record.receivedAt,
        );
      return { record, duplicate: false };
    });
  }

  /** {@inheritDoc MessageLogWriter.recordOutcome} */
  recordOutcome(id: string, outcome: MessageOutcome): Promise<void> {
    return this.db.write((cache) => writeOutcome(cache, id, outcome));
  }

  /** {@inheritDoc MessageLog.get} */
  async get(id: string): Promise<MessageRecord | undefined> {
    const row = this.db.read().get(`SELECT * FROM ${MESSAGES_TABLE} WHERE id = ?`).get(id) as MessageRow | undefined;
    return row && toRecord(row);
  }

  /** {@inheritDoc MessageLog.list} */
  async list(filter: MessageFilter): Promise<MessageRecord[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.status !== undefined && filter.status.length > 0) {
      where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
      args.push(...filter.status);
    }
    if (filter.sender !== undefined) {
      where.push('sender = ?');
      args.push(filter.sender);
    }
    if (filter.beforeId !== undefined) {
      where.push(`seq < (SELECT seq FROM ${MESSAGES_TABLE} WHERE id = ?)`);
      args.push(filter.beforeId);
    }
    const columns =
      'id, protocol, sender, control_id, message_type, peer, NULL AS raw, sha256, status, received_at, ' +
      'processed_at, attempts, ack_code, NULL AS ack, error';
    const sql =
      `SELECT ${columns} FROM ${MESSAGES_TABLE}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ` +
      'ORDER BY seq DESC LIMIT ?';
    const rows = this.db
      .read()
      .get(sql)
      .all(...args, filter.limit ?? 100) as MessageRow[];
    return rows.map(toRecord);
  }
}
