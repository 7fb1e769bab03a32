/**
 * ORU^R01 builder, tested by round trip (build, parse with our parser, compare):
 * HL7 v2.5.1 ch. 7 7.3.1 ORU^R01, 7.4.1 OBR, 7.4.2 OBX (value types table 0125: NM, ST, FT, CWE,
 * SN, DTM, ED), 2.14.9 MSH (MSH-9, MSH-12, MSH-18 UNICODE UTF-8), 3.4.2 PID, 4.5.1 ORC,
 * 2.15.10 NTE; 2.7 escaping of `| ^ ~ \ &`; tables 0123 (OBR-25), 0085 (OBX-11), 0078 (OBX-8).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DiagnosticReport, Observation, Patient } from '@medplum/fhirtypes';
import { parseMessage } from '../../../../../adapters/hl7/src/message/parse';
import { buildOruR01 } from '../../../../../adapters/hl7/src/outbound/oru-builder';

const TRICKY = 'a|b^c~d\\e&f';
const NON_ASCII = 'Zoë Ångström 日本';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

const patient: Patient = {
  resourceType: 'Patient',
  id: 'p1',
  identifier: [
    { system: 'urn:oid:1.2.36.146', value: 'MRN-77', type: { coding: [{ system: V2_0203, code: 'MR' }] } },
    { system: 'http://hospital.example/ids', value: 'X&Y' },
  ],
  name: [{ use: 'official', family: `O'Brien ${TRICKY}`, given: ['Zoë', 'Ann', 'Marie'], prefix: ['Dr'] }],
  birthDate: '1970-03-04',
  gender: 'female',
};

function obs(id: string, extra: Partial<Observation>): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: `${id}-1`, display: `Test ${id}` }] },
    ...extra,
  };
}

const observations: Observation[] = [
  obs('nm', {
    valueQuantity: { value: 7.25, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
    interpretation: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H', display: 'High' },
        ],
      },
    ],
    referenceRange: [{ low: { value: 3.5 }, high: { value: 5.1 } }],
    effectiveDateTime: '2024-05-06T07:08:09+02:00',
    note: [{ text: `note ${TRICKY}` }, { text: NON_ASCII }],
  }),
  obs('st', { valueString: `${TRICKY} ${NON_ASCII}`, status: 'preliminary' }),
  obs('ft', { valueString: 'line one\nline two' }),
  obs('cwe', {
    valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '260385009', display: 'Negative' }] },
    status: 'corrected',
  }),
  obs('sn', {
    valueQuantity: { value: 100, comparator: '>', unit: 'mg/L', system: 'http://unitsofmeasure.org', code: 'mg/L' },
  }),
  obs('range', { valueRange: { low: { value: 10, unit: 'g' }, high: { value: 20, unit: 'g' } } }),
  obs('ratio', { valueRatio: { numerator: { value: 1 }, denominator: { value: 128 } } }),
  obs('dtm', { valueDateTime: '2024-01-02T03:04:05Z', status: 'entered-in-error' }),
];

const report: DiagnosticReport = {
  resourceType: 'DiagnosticReport',
  id: 'r1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '24323-8', display: 'Comprehensive metabolic panel' }] },
  subject: { reference: 'Patient/p1' },
  basedOn: [
    {
      reference: 'ServiceRequest/sr1',
      identifier: { system: 'urn:oid:1.2.3.4', value: 'PL-1', type: { coding: [{ system: V2_0203, code: 'PLAC' }] } },
    },
  ],
  identifier: [{ system: 'urn:oid:1.2.3.5', value: 'FI-9', type: { coding: [{ system: V2_0203, code: 'FILL' }] } }],
  effectiveDateTime: '2024-05-06T07:00:00Z',
  issued: '2024-05-06T09:30:00.123Z',
  conclusion: `Conclusion ${TRICKY}\n${NON_ASCII}`,
  result: observations.map((o) => ({ reference: `Observation/${o.id}` })),
  presentedForm: [{ contentType: 'application/pdf', data: Buffer.from('%PDF-1.4 fake').toString('base64') }],
};

const now = new Date('2024-05-06T10:00:00Z');
const message = parseMessage(
  buildOruR01(report, observations, patient, {
    sendingApplication: 'TESSERA',
    sendingFacility: 'RAD^DEPT',
    receivingApplication: 'LIS',
    receivingFacility: 'LAB',
    controlId: 'T1234567890',
    now,
  }),
);

describe('buildOruR01 (round trip)', () => {
  it('writes an ORU^R01 v2.5.1 header declaring UTF-8', () => {
    assert.deepEqual(message.messageType, { code: 'ORU', trigger: 'R01', structure: 'ORU_R01' });
    assert.equal(message.version, '2.5.1');
    assert.equal(message.characterSet, 'UNICODE UTF-8');
    assert.equal(message.encoding, 'utf8');
    assert.equal(message.controlId, 'T1234567890');
    assert.equal(message.sendingApplication?.value(), 'TESSERA');
    assert.equal(message.sendingFacility?.value(), 'RAD^DEPT');
    assert.equal(message.receivingApplication?.value(), 'LIS');
    assert.equal(message.receivingFacility?.value(), 'LAB');
    assert.equal(message.header.value(7), '20240506100000+0000');
    assert.deepEqual(
      message.segments.map((s) => s.id),
      ['MSH', 'PID', 'ORC', 'OBR', 'NTE', 'OBX', 'NTE', 'NTE', 'OBX', 'OBX', 'OBX', 'OBX', 'OBX', 'OBX', 'OBX', 'OBX'],
    );
  });

  it('maps the Patient to PID-3, PID-5, PID-7, PID-8', () => {
    const pid = message.get('PID')!;
    const ids = pid.field(3)!.repetitions;
    assert.equal(ids.length, 2);
    assert.equal(ids[0]!.component(1), 'MRN-77');
    assert.equal(ids[0]!.subcomponent(4, 2), '1.2.36.146');
    assert.equal(ids[0]!.subcomponent(4, 3), 'ISO');
    assert.equal(ids[0]!.component(5), 'MR');
    assert.equal(ids[1]!.component(1), 'X&Y');
    assert.equal(ids[1]!.subcomponent(4, 2), 'http://hospital.example/ids');
    const name = pid.field(5)!.repetitions[0]!;
    assert.equal(name.component(1), `O'Brien ${TRICKY}`);
    assert.equal(name.component(2), 'Zoë');
    assert.equal(name.component(3), 'Ann Marie');
    assert.equal(name.component(5), 'Dr');
    assert.equal(name.component(7), 'L');
    assert.equal(pid.value(7), '19700304');
    assert.equal(pid.value(8), 'F');
  });

  it('maps order numbers, code, times and status to ORC/OBR', () => {
    const orc = message.get('ORC')!;
    const obr = message.get('OBR')!;
    assert.equal(orc.value(1), 'RE');
    for (const seg of [orc, obr]) {
      assert.equal(seg.value(2, 1), 'PL-1');
      assert.equal(seg.value(2, 3), '1.2.3.4');
      assert.equal(seg.value(2, 4), 'ISO');
      assert.equal(seg.value(3, 1), 'FI-9');
    }
    assert.deepEqual(
      [obr.value(4, 1), obr.value(4, 2), obr.value(4, 3)],
      ['24323-8', 'Comprehensive metabolic panel', 'LN'],
    );
    assert.equal(obr.value(7), '20240506070000+0000');
    assert.equal(obr.value(22), '20240506093000.123+0000');
    assert.equal(obr.value(25), 'F');
    assert.equal(message.get('NTE')!.value(3), `Conclusion ${TRICKY}\n${NON_ASCII}`);
  });

  it('writes NM with UCUM units, range, flag, status, time and notes', () => {
    const obx = message.get('OBX', 1)!;
    assert.equal(obx.value(1), '1');
    assert.equal(obx.value(2), 'NM');
    assert.deepEqual([obx.value(3, 1), obx.value(3, 3)], ['nm-1', 'LN']);
    assert.equal(obx.value(5), '7.25');
    assert.deepEqual([obx.value(6, 1), obx.value(6, 2), obx.value(6, 3)], ['mmol/L', 'mmol/L', 'UCUM']);
    assert.equal(obx.value(7), '3.5-5.1');
    assert.deepEqual([obx.value(8, 1), obx.value(8, 3)], ['H', 'HL70078']);
    assert.equal(obx.value(11), 'F');
    assert.equal(obx.value(14), '20240506070809+0200');
    assert.deepEqual([message.get('NTE', 2)!.value(3), message.get('NTE', 3)!.value(3)], [`note ${TRICKY}`, NON_ASCII]);
  });

  it('writes ST/FT text with delimiters and non-ASCII intact', () => {
    const st = message.get('OBX', 2)!;
    assert.equal(st.value(2), 'ST');
    assert.equal(st.value(5), `${TRICKY} ${NON_ASCII}`);
    assert.equal(st.value(11), 'P');
    const ft = message.get('OBX', 3)!;
    assert.equal(ft.value(2), 'FT');
    assert.equal(ft.value(5), 'line one\nline two');
  });

  it('writes CWE, SN (comparator, range, ratio) and DTM values', () => {
    const cwe = message.get('OBX', 4)!;
    assert.equal(cwe.value(2), 'CWE');
    assert.deepEqual([cwe.value(5, 1), cwe.value(5, 2), cwe.value(5, 3)], ['260385009', 'Negative', 'SCT']);
    assert.equal(cwe.value(11), 'C');
    const sn = message.get('OBX', 5)!;
    assert.deepEqual([sn.value(2), sn.value(5, 1), sn.value(5, 2), sn.value(6, 1)], ['SN', '>', '100', 'mg/L']);
    const range = message.get('OBX', 6)!;
    assert.deepEqual(
      [range.value(2), range.value(5, 2), range.value(5, 3), range.value(5, 4)],
      ['SN', '10', '-', '20'],
    );
    const ratio = message.get('OBX', 7)!;
    assert.deepEqual([ratio.value(5, 2), ratio.value(5, 3), ratio.value(5, 4)], ['1', ':', '128']);
    const dtm = message.get('OBX', 8)!;
    assert.deepEqual([dtm.value(2), dtm.value(5), dtm.value(11)], ['DTM', '20240102030405+0000', 'W']);
  });

  it('carries the presentedForm as a base64 ED OBX', () => {
    const ed = message.get('OBX', 9)!;
    assert.equal(ed.value(1), '9');
    assert.equal(ed.value(2), 'ED');
    assert.deepEqual([ed.value(5, 2), ed.value(5, 3), ed.value(5, 4)], ['AP', 'PDF', 'Base64']);
    assert.equal(Buffer.from(ed.value(5, 5) ?? '', 'base64').toString(), '%PDF-1.4 fake');
  });

  it('falls back to the subject identifier when the Patient is unknown', () => {
    const parsed = parseMessage(
      buildOruR01({ ...report, subject: { identifier: { system: 'urn:oid:9.9', value: 'EXT-1' } } }, [], undefined, {
        sendingApplication: 'TESSERA',
        controlId: 'X1',
        now,
      }),
    );
    const pid = parsed.get('PID')!;
    assert.equal(pid.value(3, 1), 'EXT-1');
    assert.equal(pid.value(5), undefined);
    assert.equal(parsed.all('OBX').length, 1); // the ED only
  });
});
