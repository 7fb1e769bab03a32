// Covers: the inbound message log of server/src/durable/message-log.ts as the MongoDB backend
// stores it: raw bytes and ACKs as BSON binary, byte for byte through a real BSON round trip
// (HL7 v2 messages need not be UTF-8, HL7 v2.5.1 ch. 2.7 and MSH-18); a maximal MLLP frame
// (10 MiB) fits MongoDB's 16 MiB document limit; outcomes counting attempts; listing newest
// first by status and sender with beforeId paging, run on in-memory documents with mingo.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { find, update } from 'mingo';
import { Binary, BSON } from 'mongodb';
import { DEFAULT_MAX_FRAME_BYTES } from '../../../../../../adapters/hl7/src/mllp/constants';
import type { ReceivedMessage } from '../../../../../../server/src/durable/message-log';
import {
  controlFilter,
  LIST_PROJECTION,
  MESSAGE_LIST_SORT,
  messageListFilter,
  outcomeUpdate,
  toMessageDocument,
  toMessageRecord,
  type MessageDocument,
} from '../../../../../../server/src/storage/mongo/durable/message-documents';
import { newRecordId } from '../../../../../../server/src/storage/mongo/durable/queue-documents';

/** A message document as a mingo row. */
type Row = MessageDocument & Record<string, unknown>;

const NOW = new Date('2024-05-01T10:00:00.123Z');
const BSON_LIMIT = 16 * 1024 * 1024;

function received(sender: string, controlId: string, raw: Buffer): ReceivedMessage {
  return {
    protocol: 'hl7v2',
    sender,
    controlId,
    raw,
    sha256: createHash('sha256').update(raw).digest('hex'),
  };
}

/** A document as the driver reads it back. */
const roundTrip = (doc: MessageDocument): MessageDocument => BSON.deserialize(BSON.serialize(doc)) as MessageDocument;

describe('message documents', () => {
  it('keeps raw bytes that are not UTF-8 exactly, as BSON binary', () => {
    const raw = Buffer.from([0x4d, 0x53, 0x48, 0x7c, 0xe9, 0x00, 0x80, 0xff, 0xfe, 0xc3, 0x28, 0x0d, 0x1c]);
    const message = { ...received('LAB', 'C1', raw), messageType: 'ORU^R01', peer: 'mllp://10.0.0.1:5000' };
    const stored = roundTrip(toMessageDocument(message, 'm1', NOW));
    assert.ok(stored.raw instanceof Binary);
    assert.equal(stored.raw.sub_type, Binary.SUBTYPE_DEFAULT);
    const record = toMessageRecord(stored);
    assert.ok(record.raw.equals(raw));
    assert.deepEqual(
      { ...record, raw: undefined },
      {
        ...message,
        raw: undefined,
        id: 'm1',
        status: 'received',
        receivedAt: NOW.toISOString(),
        attempts: 0,
      },
    );
    const promoted = BSON.deserialize(BSON.serialize(toMessageDocument(message, 'm1', NOW)), { promoteBuffers: true });
    assert.ok(
      toMessageRecord(promoted as MessageDocument).raw.equals(raw),
      'a client with promoteBuffers reads Buffers',
    );
    raw[0] = 0;
    assert.equal(record.raw[0], 0x4d, 'the record owns a copy of the bytes');
  });

  it('a maximal MLLP message with its ACK fits one document', () => {
    const raw = Buffer.alloc(DEFAULT_MAX_FRAME_BYTES, 0x41);
    const doc: Row = { ...toMessageDocument(received('BIG', 'C1', raw), newRecordId(), NOW) };
    update(doc, outcomeUpdate({ status: 'accepted', ackCode: 'AA', ack: Buffer.alloc(4096, 0x42) }, NOW));
    const size = BSON.calculateObjectSize(doc);
    assert.ok(size > DEFAULT_MAX_FRAME_BYTES && size < BSON_LIMIT, `document is ${size} bytes`);
    assert.ok(toMessageRecord(roundTrip(doc)).raw.equals(raw));
  });

  it('an outcome sets status, ACK bytes and time, counts the attempt, and clears an old reason', () => {
    const doc: Row = { ...toMessageDocument(received('LAB', 'C1', Buffer.from('MSH|')), 'm1', NOW) };
    const ae = Buffer.from([0x0b, 0x4d, 0x53, 0x41, 0x7c, 0x41, 0x45, 0xff, 0x1c, 0x0d]);
    update(doc, outcomeUpdate({ status: 'error', ackCode: 'AE', ack: ae, error: 'PID-3 missing' }, new Date(1000)));
    let record = toMessageRecord(roundTrip(doc));
    assert.deepEqual(
      [record.status, record.ackCode, record.error, record.attempts, record.processedAt],
      ['error', 'AE', 'PID-3 missing', 1, new Date(1000).toISOString()],
    );
    assert.ok(record.ack?.equals(ae));
    update(doc, outcomeUpdate({ status: 'accepted', ackCode: 'AA', ack: Buffer.from('AA') }, new Date(2000)));
    record = toMessageRecord(roundTrip(doc));
    assert.deepEqual([record.status, record.error, record.attempts], ['accepted', undefined, 2]);
    assert.equal(record.ack?.toString(), 'AA');
  });

  it('a re-send is found by protocol, sender and control id', () => {
    const docs = [
      toMessageDocument(received('LAB', 'C1', Buffer.from('1')), 'a', NOW),
      toMessageDocument(received('RIS', 'C1', Buffer.from('2')), 'b', NOW),
      toMessageDocument({ ...received('LAB', 'C1', Buffer.from('3')), protocol: 'other' }, 'c', NOW),
    ];
    const hits = find(docs, controlFilter(received('LAB', 'C1', Buffer.from('x')))).all();
    assert.deepEqual(
      hits.map((d) => d._id),
      ['a'],
    );
  });

  it('lists newest first by status and sender, pages with beforeId, and leaves the bytes out', () => {
    const docs: Row[] = [];
    for (let i = 0; i < 6; i++) {
      const sender = i % 3 === 2 ? 'RIS' : 'LAB';
      const doc: Row = { ...toMessageDocument(received(sender, `C${i}`, Buffer.from([i, 0xff])), newRecordId(), NOW) };
      if (i % 2 === 1) {
        update(doc, outcomeUpdate({ status: 'error', ackCode: 'AE', ack: Buffer.from('AE'), error: 'x' }, NOW));
      }
      docs.push(doc);
    }
    const ids = docs.map((d) => d._id);
    const list = (filter: Parameters<typeof messageListFilter>[0], limit = 100): string[] =>
      find(docs, messageListFilter(filter), LIST_PROJECTION)
        .sort(MESSAGE_LIST_SORT)
        .limit(limit)
        .all()
        .map((d) => d._id as string);
    assert.deepEqual(list({}), [...ids].reverse());
    assert.deepEqual(list({ status: [] }), [...ids].reverse(), 'an empty status list is no filter');
    assert.deepEqual(list({ status: ['error'] }), [ids[5], ids[3], ids[1]]);
    assert.deepEqual(list({ sender: 'RIS' }), [ids[5], ids[2]]);
    assert.deepEqual(list({ sender: 'LAB', status: ['received'] }), [ids[4], ids[0]]);
    const page1 = list({}, 4);
    assert.deepEqual(list({ beforeId: page1[3] }, 4), [ids[1], ids[0]]);
    const listed = find<MessageDocument>(docs, messageListFilter({}), LIST_PROJECTION).all();
    const record = toMessageRecord(listed[1] as MessageDocument);
    assert.deepEqual([record.raw.length, record.ack, record.status], [0, undefined, 'error']);
  });
});
