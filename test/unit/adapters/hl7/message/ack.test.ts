// Covers HL7 v2.5.1 chapter 2: 2.9.2 original acknowledgment rules, 2.14.1 ACK, 2.15.8 MSA,
// 2.15.5 ERR (ERR-2 location, ERR-3 table 0357, ERR-4 severity, ERR-8 user message).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAck, buildRejectForUnparseable } from '../../../../../adapters/hl7/src/message/ack';
import {
  REQUIRED_FIELD_MISSING,
  SEGMENT_SEQUENCE_ERROR,
  UNSUPPORTED_VERSION_ID,
} from '../../../../../adapters/hl7/src/message/error-codes';
import { parseMessage } from '../../../../../adapters/hl7/src/message/parse';

const original = parseMessage(
  Buffer.from(
    'MSH|^~\\&|LIS|LAB^1.2.3^ISO|TESSERA|HOSP|20260101120000||ORU^R01^ORU_R01|MSG0001|T|2.5.1||||||8859/1\rPID|1\r',
    'latin1',
  ),
);

describe('buildAck', () => {
  it('answers AA with swapped header, ACK type and the original control id', () => {
    const now = new Date('2026-11-25T10:20:30Z');
    const raw = buildAck(original, 'AA', { controlId: 'A1', now });
    assert.equal(raw.toString('latin1').split('\r').filter(Boolean).length, 2);
    const ack = parseMessage(raw);
    assert.equal(ack.sendingApplication?.value(), 'TESSERA');
    assert.equal(ack.sendingFacility?.value(), 'HOSP');
    assert.equal(ack.receivingApplication?.value(), 'LIS');
    assert.equal(ack.receivingFacility?.component(2), '1.2.3');
    assert.equal(ack.receivingFacility?.component(3), 'ISO');
    assert.deepEqual(ack.messageType, { code: 'ACK', trigger: 'R01', structure: 'ACK' });
    assert.equal(ack.controlId, 'A1');
    assert.equal(ack.processingId, 'T');
    assert.equal(ack.version, '2.5.1');
    assert.equal(ack.characterSet, '8859/1');
    assert.equal(ack.header.value(7), '20261125102030+0000');
    assert.equal(ack.get('MSA')?.value(1), 'AA');
    assert.equal(ack.get('MSA')?.value(2), 'MSG0001');
    assert.equal(ack.get('ERR'), undefined);
  });

  it('generates a fresh control id when none is given', () => {
    const a = parseMessage(buildAck(original, 'AA')).controlId;
    const b = parseMessage(buildAck(original, 'AA')).controlId;
    assert.notEqual(a, b);
    assert.ok(a !== undefined && a.length <= 20);
  });

  it('writes one ERR per error with location, 0357 code, severity and text', () => {
    const ack = parseMessage(
      buildAck(original, 'AE', {
        errors: [
          {
            code: REQUIRED_FIELD_MISSING,
            location: { segment: 'PID', sequence: 1, field: 3 },
            message: 'PID-3 | Müller',
          },
          { code: UNSUPPORTED_VERSION_ID, severity: 'W' },
        ],
      }),
    );
    assert.equal(ack.get('MSA')?.value(1), 'AE');
    const [first, second] = ack.all('ERR');
    assert.deepEqual(first?.field(2)?.repetitions[0]?.components, [['PID'], ['1'], ['3']]);
    assert.deepEqual(
      [1, 2, 3].map((c) => first?.value(3, c)),
      ['101', 'Required field missing', 'HL70357'],
    );
    assert.equal(first?.value(4), 'E');
    assert.equal(first?.value(8), 'PID-3 | Müller');
    assert.equal(second?.value(3), '203');
    assert.equal(second?.value(4), 'W');
    assert.equal(second?.field(2)?.value(), '');
  });
});

describe('buildRejectForUnparseable', () => {
  it('answers AR with MSH-10 pulled from a broken message', () => {
    const raw = Buffer.from('garbage\rMSH|^~\\&|LIS|LAB|TESSERA|HOSP|2026||ORU^R01|CTRL9|P\rPID|1\r');
    const ack = parseMessage(buildRejectForUnparseable(raw, 'MSH too short'));
    assert.equal(ack.get('MSA')?.value(1), 'AR');
    assert.equal(ack.get('MSA')?.value(2), 'CTRL9');
    assert.equal(ack.receivingApplication?.value(), 'LIS');
    assert.equal(ack.messageType.trigger, 'R01');
    assert.equal(ack.version, '2.5.1');
    assert.equal(ack.processingId, 'P');
    assert.equal(ack.get('ERR')?.value(3), SEGMENT_SEQUENCE_ERROR.code);
    assert.equal(ack.get('ERR')?.value(8), 'MSH too short');
  });

  it('still answers AR when there is no MSH at all', () => {
    const ack = parseMessage(buildRejectForUnparseable(Buffer.from([0xff, 0x00, 0x41]), 'no MSH'));
    assert.equal(ack.get('MSA')?.value(1), 'AR');
    assert.equal(ack.get('MSA')?.field(2), undefined);
    assert.equal(ack.get('ERR')?.value(8), 'no MSH');
  });
});
