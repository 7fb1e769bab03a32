// Covers the V2-to-FHIR IG vocabulary maps and Tessera's documented decisions where they are open:
// "Table HL70078 to Observation Interpretation", "Table HL70085 to Observation Status" (V/I/R...),
// "Table HL70123 [Queries] to Diagnostic Report Status" (A), "Table HL70119 to Request Status" (CA),
// "Table HL70038 to ServiceRequest Status", "Table HL70485 to Request Priority", "Table HL70001 to
// Administrative Gender", "Table HL70004 to Encounter Class", table 0074 categories, OBX-6 → UCUM.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapGender } from '../../../../../../adapters/hl7/src/mapping/tables/t0001-gender';
import { mapPatientClass } from '../../../../../../adapters/hl7/src/mapping/tables/t0004-patient-class';
import { mapOrderStatus } from '../../../../../../adapters/hl7/src/mapping/tables/t0038-order-status';
import {
  observationCategory,
  reportCategory,
} from '../../../../../../adapters/hl7/src/mapping/tables/t0074-service-section';
import {
  mapInterpretation,
  V2_0078,
  V3_OBSERVATION_INTERPRETATION,
} from '../../../../../../adapters/hl7/src/mapping/tables/t0078-interpretation';
import { mapObservationStatus } from '../../../../../../adapters/hl7/src/mapping/tables/t0085-observation-status';
import { mapOrderControl } from '../../../../../../adapters/hl7/src/mapping/tables/t0119-order-control';
import { mapReportStatus } from '../../../../../../adapters/hl7/src/mapping/tables/t0123-report-status';
import { mapPriority } from '../../../../../../adapters/hl7/src/mapping/tables/t0485-priority';
import { UCUM, ucumCode } from '../../../../../../adapters/hl7/src/mapping/tables/ucum-units';

describe('table 0078 → ObservationInterpretation', () => {
  it('maps active codes to v3 and keeps inactive ones in v2-0078', () => {
    assert.deepEqual(mapInterpretation('HH'), { system: V3_OBSERVATION_INTERPRETATION, code: 'HH' });
    assert.deepEqual(mapInterpretation('<'), { system: V3_OBSERVATION_INTERPRETATION, code: '<' });
    assert.deepEqual(mapInterpretation('QCF'), { system: V2_0078, code: 'QCF' });
    assert.equal(mapInterpretation('ZZ'), undefined);
  });
});

describe('status tables', () => {
  it('OBX-11 (0085): the map plus V final, I registered, R preliminary', () => {
    const expected: Record<string, string> = {
      F: 'final',
      C: 'corrected',
      A: 'amended',
      P: 'preliminary',
      X: 'cancelled',
      D: 'entered-in-error',
      W: 'entered-in-error',
      V: 'final',
      I: 'registered',
      R: 'preliminary',
      B: 'amended',
      U: 'final',
      S: 'preliminary',
    };
    for (const [code, status] of Object.entries(expected)) {
      assert.equal(mapObservationStatus(code), status, code);
    }
    assert.equal(mapObservationStatus('Q'), undefined);
  });

  it('OBR-25 (0123): the map plus A partial; Y/Z unmapped', () => {
    assert.equal(mapReportStatus('F'), 'final');
    assert.equal(mapReportStatus('C'), 'corrected');
    assert.equal(mapReportStatus('R'), 'partial');
    assert.equal(mapReportStatus('A'), 'partial');
    assert.equal(mapReportStatus('O'), 'registered');
    assert.equal(mapReportStatus('X'), 'cancelled');
    assert.equal(mapReportStatus('Y'), undefined);
  });

  it('ORC-1 (0119): CA/DC/OC revoked, HD... active, known-but-unmapped codes, unknown codes', () => {
    assert.deepEqual(mapOrderControl('CA'), { status: 'revoked', known: true });
    assert.deepEqual(mapOrderControl('dc'), { status: 'revoked', known: true });
    assert.deepEqual(mapOrderControl('NW'), { status: 'active', known: true });
    assert.deepEqual(mapOrderControl('OH'), { status: 'on-hold', known: true });
    assert.deepEqual(mapOrderControl('SC'), { status: undefined, known: true });
    assert.deepEqual(mapOrderControl('QQ'), { status: undefined, known: false });
  });

  it('ORC-5 (0038)', () => {
    assert.equal(mapOrderStatus('CM'), 'completed');
    assert.equal(mapOrderStatus('IP'), 'active');
    assert.equal(mapOrderStatus('ER'), 'entered-in-error');
    assert.equal(mapOrderStatus('HD'), 'on-hold');
    assert.equal(mapOrderStatus('??'), undefined);
  });
});

describe('other tables', () => {
  it('priority, gender, patient class, service section', () => {
    assert.equal(mapPriority('S'), 'stat');
    assert.equal(mapPriority('a'), 'asap');
    assert.equal(mapPriority('R'), 'routine');
    assert.equal(mapPriority('T'), 'urgent');
    assert.equal(mapPriority('PRN'), undefined);
    assert.equal(mapGender('F'), 'female');
    assert.equal(mapGender('U'), 'unknown');
    assert.equal(mapGender('X'), undefined);
    assert.equal(mapPatientClass('E').code, 'EMER');
    assert.equal(mapPatientClass('Z').system, 'http://terminology.hl7.org/CodeSystem/v2-0004');
    assert.equal(mapPatientClass(undefined).code, 'UNK');
    assert.equal(reportCategory('RAD').coding?.[0]?.system, 'http://terminology.hl7.org/CodeSystem/v2-0074');
    assert.equal(observationCategory('CT')?.coding?.[0]?.code, 'imaging');
    assert.equal(observationCategory('HM')?.coding?.[0]?.code, 'laboratory');
    assert.equal(observationCategory('ZZ'), undefined);
  });

  it('OBX-6 units map to UCUM when declared UCUM or commonly spelled', () => {
    assert.equal(UCUM, 'http://unitsofmeasure.org');
    assert.equal(ucumCode('mmol/L', undefined), 'mmol/L');
    assert.equal(ucumCode('mEq/L', undefined), 'meq/L');
    assert.equal(ucumCode('K/uL', 'L'), '10*3/uL');
    assert.equal(ucumCode('{beats}/min', 'UCUM'), '{beats}/min');
    assert.equal(ucumCode('furlongs', undefined), undefined);
    assert.equal(ucumCode('toString', undefined), undefined);
  });
});
