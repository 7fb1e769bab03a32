// Covers issue 3 "Mapping" rules not exercised by the corpus: several patient groups in one ORU,
// every content error collected into one AE, missing PID / MRG / order numbers (AE 100/101),
// mapping configuration (identifier systems, accession system) and MSH-7's offset as the default.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evalFhirPath } from '@medplum/core';
import {
  DEFAULT_HL7_MAPPING_CONFIG,
  Hl7MappingError,
  mapMessage,
} from '../../../../../../adapters/hl7/src/mapping/map-message';
import { message, ORU_MSH } from '../support';

function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Hl7MappingError);
    assert.equal(e.ackCode, 'AE');
    return e.errors.map((x) => `${x.code.code}@${x.location?.segment}-${x.location?.field ?? ''}`);
  }
  assert.fail('expected an Hl7MappingError');
}

describe('mapMessage', () => {
  it('maps each patient group of an ORU to its own Patient and results', () => {
    const { bundle } = mapMessage(
      message(
        ORU_MSH,
        'PID|1||A^^^H',
        'OBR|1||F1^L|X^Y^LN|||||||||||||||||||||F',
        'OBX|1|NM|X^Y^LN||1||||||F',
        'PID|1||B^^^H',
        'OBR|1||F2^L|X^Y^LN|||||||||||||||||||||F',
        'OBX|1|NM|X^Y^LN||2||||||F',
      ),
    );
    const subjects = evalFhirPath('Bundle.entry.resource.ofType(DiagnosticReport).subject.reference', bundle);
    const patients = evalFhirPath('Bundle.entry.where(resource is Patient).fullUrl', bundle);
    assert.equal(patients.length, 2);
    assert.deepEqual(subjects, patients);
  });

  it('collects every content error of a message into one AE', () => {
    const errors = errorsOf(() =>
      mapMessage(
        message(
          ORU_MSH,
          'PID|1||A^^^H||||2025',
          'OBR|1||F1|X^Y^LN|||2025134||||||||||||||||||F',
          'OBX|1|NM|X^Y^LN||x||||||F',
          'OBX|2|NM|X^Y^LN||1',
        ),
      ),
    );
    assert.deepEqual(errors, ['102@OBR-7', '102@OBX-5', '101@OBX-11']);
  });

  it('needs a PID, an order number, an MRG in A40 and an OBR for each ORC', () => {
    assert.deepEqual(
      errorsOf(() => mapMessage(message(ORU_MSH, 'OBR|1||F1|X^Y^LN|||||||||||||||||||||F'))),
      ['100@PID-'],
    );
    assert.deepEqual(
      errorsOf(() => mapMessage(message(ORU_MSH, 'PID|1||A', 'OBR|1|||X^Y^LN|||||||||||||||||||||F'))),
      ['101@OBR-3'],
    );
    const orm = 'MSH|^~\\&|RIS|H|T|H|20250101||ORM^O01|C|P|2.3';
    assert.deepEqual(
      errorsOf(() => mapMessage(message(orm, 'PID|1||A', 'ORC|NW'))),
      ['100@ORC-'],
    );
    assert.deepEqual(
      errorsOf(() => mapMessage(message(orm, 'PID|1||A', 'ORC|NW', 'OBR|1|||X^Y^LN'))),
      ['101@ORC-2'],
    );
    assert.deepEqual(
      errorsOf(() => mapMessage(message(orm, 'PID|1||A'))),
      ['100@ORC-'],
    );
    const a40 = 'MSH|^~\\&|ADT|H|T|H|20250101||ADT^A40|C|P|2.5';
    assert.deepEqual(
      errorsOf(() => mapMessage(message(a40, 'PID|1||A'))),
      ['100@MRG-'],
    );
    assert.deepEqual(
      errorsOf(() => mapMessage(message(a40, 'PID|1||A', 'MRG|^^^H'))),
      ['101@MRG-1'],
    );
  });

  it('uses the configured identifier and accession systems', () => {
    const config = {
      identifierSystems: { H: 'https://hospital.example/mrn', RIS: 'https://hospital.example/orders' },
      accessionSystem: 'https://hospital.example/accession',
    };
    const { bundle } = mapMessage(
      message(
        'MSH|^~\\&|RIS|H|T|H|20250101||ORM^O01|C|P|2.3',
        'PID|1||A^^^H',
        'ORC|NW|P1^RIS',
        'OBR|1|P1^RIS||X^Y^LN||||||||||||||ACC-1',
      ),
      config,
    );
    assert.deepEqual(evalFhirPath('Bundle.entry.resource.ofType(Patient).identifier.system', bundle), [
      'https://hospital.example/mrn',
    ]);
    assert.deepEqual(evalFhirPath('Bundle.entry.resource.ofType(ServiceRequest).identifier.system', bundle), [
      'https://hospital.example/orders',
      'https://hospital.example/accession',
    ]);
    assert.equal(DEFAULT_HL7_MAPPING_CONFIG.accessionSystem, 'urn:tessera:hl7v2:accession');
  });

  it("gives times without an offset MSH-7's offset", () => {
    const { bundle } = mapMessage(
      message(
        'MSH|^~\\&|LIS|LAB|T|H|20250101120000-0500||ORU^R01|C|P|2.5.1',
        'PID|1||A',
        'OBR|1||F1|X^Y^LN|||202501010800||||||||||||||||||F',
        'OBX|1|NM|X^Y^LN||1||||||F',
      ),
    );
    assert.deepEqual(evalFhirPath('Bundle.entry.resource.ofType(DiagnosticReport).effective', bundle), [
      '2025-01-01T08:00:00-05:00',
    ]);
  });
});
