/**
 * Reading the receiver's ACK of an outbound ORU (HL7 v2.5.1 2.9.2 original and 2.9.3 enhanced
 * acknowledgment rules, MSA-1 table 0008, MSA-2 control id, ERR-3/ERR-8 2.15.5): AA/CA
 * delivered, AR/CR permanent, AE/CE and anything unreadable or mismatched retried.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAck } from '../../../../../adapters/hl7/src/message/ack';
import type { AckCode } from '../../../../../adapters/hl7/src/message/ack';
import { UNKNOWN_KEY_IDENTIFIER } from '../../../../../adapters/hl7/src/message/error-codes';
import { parseMessage } from '../../../../../adapters/hl7/src/message/parse';
import { serializeMessage } from '../../../../../adapters/hl7/src/message/serialize';
import { readAck } from '../../../../../adapters/hl7/src/outbound/ack-outcome';

const oru = parseMessage(
  Buffer.from(
    serializeMessage([
      { id: 'MSH', fields: { 3: 'TESSERA', 5: 'LIS', 9: ['ORU', 'R01', 'ORU_R01'], 10: 'T42', 11: 'P', 12: '2.5.1' } },
    ]),
  ),
);

function ack(code: string, text?: string): Buffer {
  const errors = text === undefined ? [] : [{ code: UNKNOWN_KEY_IDENTIFIER, message: text }];
  return buildAck(oru, code as AckCode, { errors });
}

describe('readAck', () => {
  it('treats AA and CA as delivered', () => {
    assert.equal(readAck(ack('AA'), 'T42').kind, 'delivered');
    assert.equal(readAck(ack('CA'), 'T42').kind, 'delivered');
  });

  it('treats AR and CR as permanent, with the ERR text', () => {
    const ar = readAck(ack('AR', 'patient | unknown'), 'T42');
    assert.equal(ar.kind, 'permanent');
    assert.match(ar.reason, /AR: patient \| unknown/);
    assert.equal(readAck(ack('CR'), 'T42').kind, 'permanent');
  });

  it('retries AE and CE, unknown codes, other control ids and unreadable replies', () => {
    const ae = readAck(ack('AE', 'busy'), 'T42');
    assert.equal(ae.kind, 'retry');
    assert.match(ae.reason, /AE: busy/);
    assert.equal(readAck(ack('CE'), 'T42').kind, 'retry');
    assert.equal(readAck(ack('ZZ'), 'T42').kind, 'retry');
    const other = readAck(ack('AA'), 'T43');
    assert.equal(other.kind, 'retry');
    assert.match(other.reason, /answers message 'T42', not 'T43'/);
    assert.equal(readAck(Buffer.from('garbage'), 'T42').kind, 'retry');
    const noMsa = Buffer.from(serializeMessage([{ id: 'MSH', fields: { 9: 'ACK', 10: 'A', 11: 'P', 12: '2.5.1' } }]));
    assert.match(readAck(noMsa, 'T42').reason, /no MSA-1/);
  });
});
