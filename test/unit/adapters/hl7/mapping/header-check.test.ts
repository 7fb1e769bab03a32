// Covers HL7 v2.5.1 chapter 2, section 2.9.2 (AR for unsupported type, event, version, processing id)
// with table 0357 codes 200/201/202/203 and ERR-2 locations in MSH, and meta.source
// (https://hl7.org/fhir/R4/resource-definitions.html#Meta.source) built from MSH-3/MSH-4/MSH-10.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkHeader, headerErrors } from '../../../../../adapters/hl7/src/mapping/header-check';
import { Hl7MappingError } from '../../../../../adapters/hl7/src/mapping/mapping-error';
import { metaSource } from '../../../../../adapters/hl7/src/mapping/meta-source';
import { message } from './support';

const header = (type: string, version = '2.5.1', processing = 'P', control = 'C1'): string =>
  `MSH|^~\\&|LIS|LAB|TESSERA|HOSP|20250101||${type}|${control}|${processing}|${version}`;

describe('headerErrors', () => {
  it('accepts every supported type/event on versions 2.3 to 2.8.x and P/D/T', () => {
    for (const type of [
      'ADT^A01',
      'ADT^A04',
      'ADT^A08',
      'ADT^A28',
      'ADT^A31',
      'ADT^A40',
      'ORM^O01',
      'OML^O21',
      'ORU^R01',
    ]) {
      for (const version of ['2.3', '2.3.1', '2.5.1', '2.8.2']) {
        assert.deepEqual(headerErrors(message(header(type, version, 'T'))), [], `${type} ${version}`);
      }
    }
  });

  it('rejects unsupported type (200), event (201), processing id (202) and version (203) with locations', () => {
    const codes = (h: string): string[] => headerErrors(message(h)).map((e) => e.code.code);
    assert.deepEqual(codes(header('SIU^S12')), ['200']);
    assert.deepEqual(codes(header('ORU^R30')), ['201']);
    assert.deepEqual(codes(header('ORU^R01', '2.5.1', 'X')), ['202']);
    assert.deepEqual(codes(header('ORU^R01', '2.9')), ['203']);
    assert.deepEqual(codes(header('ORU^R01', '2.2', 'Q')), ['203', '202']);
    assert.deepEqual(headerErrors(message(header('ORU^R30')))[0]?.location, {
      segment: 'MSH',
      sequence: 1,
      field: 9,
      component: 2,
    });
    assert.deepEqual(codes(header('constructor^A01')), ['200']);
  });

  it('checkHeader throws an AR Hl7MappingError', () => {
    assert.throws(
      () => checkHeader(message(header('ADT^A03'))),
      (e: unknown) => e instanceof Hl7MappingError && e.ackCode === 'AR' && e.errors[0]?.code.code === '201',
    );
    assert.doesNotThrow(() => checkHeader(message(header('ADT^A08'))));
  });
});

describe('metaSource', () => {
  it('names the sending application, facility and message control id as a URI', () => {
    assert.equal(metaSource(message(header('ORU^R01'))), 'urn:tessera:hl7v2:LIS@LAB#C1');
    const odd = message('MSH|^~\\&|^1.2.3^ISO|MY LAB|T|H|20250101||ORU^R01|A#1|P|2.5.1');
    assert.equal(metaSource(odd), 'urn:tessera:hl7v2:1.2.3@MY%20LAB#A%231');
  });
});
