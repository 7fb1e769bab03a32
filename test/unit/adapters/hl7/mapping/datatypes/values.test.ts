// Covers HL7 v2.5.1 2A.3.47 NM, 2A.3.72 SN (V2-to-FHIR IG "Segment OBX to Observation Map" SN rows:
// Quantity with comparator, Range, Ratio, String) and 2A.3.26 ED ("Datatype ED[Attachment]").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { edBase64, edContentType, mapEd } from '../../../../../../adapters/hl7/src/mapping/datatypes/ed';
import { parseNm } from '../../../../../../adapters/hl7/src/mapping/datatypes/numeric';
import { parseSn } from '../../../../../../adapters/hl7/src/mapping/datatypes/sn';

describe('parseNm', () => {
  it('accepts signed decimals and nothing else', () => {
    assert.equal(parseNm('95'), 95);
    assert.equal(parseNm('-0.5'), -0.5);
    assert.equal(parseNm('+.25'), 0.25);
    for (const bad of ['1e3', 'ninety', '1,5', '', '-']) {
      assert.equal(parseNm(bad), undefined, bad);
    }
  });
});

describe('parseSn', () => {
  it('maps comparators to a Quantity comparator (= means none)', () => {
    assert.deepEqual(parseSn(['<', '0.5', undefined, undefined]), { kind: 'quantity', value: 0.5, comparator: '<' });
    assert.deepEqual(parseSn(['>=', '10', undefined, undefined]), { kind: 'quantity', value: 10, comparator: '>=' });
    assert.deepEqual(parseSn(['=', '7', undefined, undefined]), { kind: 'quantity', value: 7 });
    assert.deepEqual(parseSn([undefined, '7', undefined, undefined]), { kind: 'quantity', value: 7 });
  });

  it('maps ranges, ratios and suffixed or <> values', () => {
    assert.deepEqual(parseSn([undefined, '2', '-', '5']), { kind: 'range', low: 2, high: 5 });
    assert.deepEqual(parseSn([undefined, '1', ':', '128']), { kind: 'ratio', numerator: 1, denominator: 128 });
    assert.deepEqual(parseSn([undefined, '1', '/', '2']), { kind: 'ratio', numerator: 1, denominator: 2 });
    assert.deepEqual(parseSn([undefined, '2', '+', undefined]), { kind: 'string', text: '2 +' });
    assert.deepEqual(parseSn(['<>', '5', undefined, undefined]), { kind: 'string', text: '<> 5' });
  });

  it('rejects non-numbers, unknown comparators and incomplete ratios', () => {
    assert.equal(parseSn([undefined, 'x', undefined, undefined]), undefined);
    assert.equal(parseSn(['~', '1', undefined, undefined]), undefined);
    assert.equal(parseSn([undefined, '1', ':', undefined]), undefined);
    assert.equal(parseSn([undefined, undefined, undefined, undefined]), undefined);
  });
});

describe('ED', () => {
  it('derives the MIME type from type and subtype', () => {
    assert.equal(edContentType('Application', 'PDF'), 'application/pdf');
    assert.equal(edContentType('AP', 'application/pdf'), 'application/pdf');
    assert.equal(edContentType('image', 'webp'), 'image/webp');
    assert.equal(edContentType('TX', undefined), 'text/plain');
    assert.equal(edContentType('XX', 'YY'), 'application/octet-stream');
  });

  it('decodes Base64, Hex and ASCII data into base64, rejecting malformed data', () => {
    assert.equal(edBase64('Base64', 'SGVs bG8='), 'SGVsbG8=');
    assert.equal(edBase64('Hex', '48656c6c6f'), Buffer.from('Hello').toString('base64'));
    assert.equal(edBase64('A', 'Hello'), Buffer.from('Hello').toString('base64'));
    assert.equal(edBase64('Base64', 'not base64!'), undefined);
    assert.equal(edBase64('Hex', 'zz'), undefined);
    assert.equal(edBase64('UU', 'x'), undefined);
  });

  it('builds an Attachment', () => {
    assert.deepEqual(mapEd([undefined, 'Application', 'PDF', 'Base64', 'JVBERg=='], 'Report'), {
      contentType: 'application/pdf',
      data: 'JVBERg==',
      title: 'Report',
    });
    assert.equal(mapEd([undefined, 'Application', 'PDF', 'Base64', undefined]), undefined);
  });
});
