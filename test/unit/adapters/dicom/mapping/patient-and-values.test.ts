/**
 * Patient, PN, DA/TM/DT and accession search. Covers: PS3.3 C.7.1.1 (Patient ID, Issuer of Patient
 * ID), PS3.5 6.2 (PN groups and components, DA, TM, DT), https://hl7.org/fhir/R4/datatypes.html
 * (HumanName, dateTime), https://hl7.org/fhir/R4/search.html#token (`:of-type`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  accessionQuery,
  accessionSearchParam,
  dateTimeFromDt,
  DicomMappingError,
  dicomMappingConfig,
  EN_REPRESENTATION_URL,
  humanNamesFromPn,
  patientFromInstance,
  timeFromTm,
  dateFromDa,
} from '../../../../../adapters/dicom/src/mapping';
import { instance } from './fixtures';

const config = dicomMappingConfig();

describe('patientFromInstance', () => {
  it('derives the identifier system from the issuer the way the HL7 adapter does', () => {
    const { patient, identifier } = patientFromInstance(
      instance({ PatientSex: 'F', PatientBirthDate: '19800229' }),
      config,
    );
    assert.deepEqual(identifier, { system: 'urn:tessera:hl7v2:authority:HOSP', value: 'MRN-1' });
    assert.deepEqual(patient.identifier, [identifier]);
    assert.equal(patient.gender, 'female');
    assert.equal(patient.birthDate, '1980-02-29');
    assert.equal(patient.name?.[0]?.family, 'Doe');
  });

  it('prefers the configured system, then ISO qualifiers, then the default system', () => {
    const configured = dicomMappingConfig({ identifierSystems: { HOSP: 'urn:oid:1.2.3.4' } });
    assert.equal(patientFromInstance(instance(), configured).identifier.system, 'urn:oid:1.2.3.4');
    const iso = instance({
      IssuerOfPatientID: undefined,
      IssuerOfPatientIDQualifiersSequence: [{ UniversalEntityID: '2.16.840.1', UniversalEntityIDType: 'ISO' }],
    });
    assert.equal(patientFromInstance(iso, config).identifier.system, 'urn:oid:2.16.840.1');
    const none = instance({ IssuerOfPatientID: '' });
    assert.equal(patientFromInstance(none, config).identifier.system, config.defaultPatientSystem);
    assert.equal(
      patientFromInstance(instance({ IssuerOfPatientID: 'A B' }), config).identifier.system,
      'urn:tessera:hl7v2:authority:A%20B',
    );
  });

  it('refuses an empty Patient ID', () => {
    assert.throws(() => patientFromInstance(instance({ PatientID: ' ' }), config), DicomMappingError);
  });
});

describe('humanNamesFromPn', () => {
  it('maps the five components', () => {
    const [name] = humanNamesFromPn('Adams^John Robert^Quincy^Rev.^B.A. M.Div.');
    assert.equal(name?.family, 'Adams');
    assert.deepEqual(name?.given, ['John Robert', 'Quincy']);
    assert.deepEqual(name?.prefix, ['Rev.']);
    assert.deepEqual(name?.suffix, ['B.A. M.Div.']);
  });

  it('keeps alphabetic, ideographic and phonetic groups apart, from a string or dcmjs objects', () => {
    const raw = 'Yamada^Tarou=山田^太郎=やまだ^たろう';
    const names = humanNamesFromPn(raw);
    assert.deepEqual(
      names.map((n) => [n.family, n.extension?.[0]?.url, n.extension?.[0]?.valueCode]),
      [
        ['Yamada', EN_REPRESENTATION_URL, 'ABC'],
        ['山田', EN_REPRESENTATION_URL, 'IDE'],
        ['やまだ', EN_REPRESENTATION_URL, 'SYL'],
      ],
    );
    assert.deepEqual(
      humanNamesFromPn([{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }]),
      names,
    );
    assert.deepEqual(
      humanNamesFromPn('=山田^太郎').map((n) => n.given),
      [['太郎']],
    );
    assert.deepEqual(humanNamesFromPn('Müller^Jürgen')[0]?.given, ['Jürgen']);
    assert.deepEqual(humanNamesFromPn('^^^^'), []);
  });
});

describe('DA, TM and DT', () => {
  it('reads well-formed values and refuses malformed ones', () => {
    assert.equal(dateFromDa('2025.01.15'), '2025-01-15');
    assert.equal(dateFromDa('20250230'), undefined);
    assert.equal(timeFromTm('1015'), '10:15:00');
    assert.equal(timeFromTm('101500.123'), '10:15:00.123');
    assert.equal(timeFromTm('10:15:30'), '10:15:30');
    assert.equal(timeFromTm('2561'), undefined);
    assert.equal(dateTimeFromDt('20250115101500.5+0100', 'Z'), '2025-01-15T10:15:00.5+01:00');
    assert.equal(dateTimeFromDt('202501', 'Z'), '2025-01');
    assert.equal(dateTimeFromDt('2025011510', '-03:00'), '2025-01-15T10:00:00-03:00');
  });
});

describe('accessionQuery', () => {
  it('searches ServiceRequest.identifier by the ACSN type, escaping the value', () => {
    assert.equal(
      accessionQuery(instance()),
      'identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|ACSN|ACC-1',
    );
    assert.deepEqual(accessionSearchParam(instance({ AccessionNumber: 'A|1,2' })), [
      'identifier:of-type',
      'http://terminology.hl7.org/CodeSystem/v2-0203|ACSN|A\\|1\\,2',
    ]);
    const query = accessionQuery(instance({ AccessionNumber: 'A&B' }));
    assert.equal(
      new URLSearchParams(query).get('identifier:of-type'),
      'http://terminology.hl7.org/CodeSystem/v2-0203|ACSN|A&B',
    );
    assert.equal(accessionQuery(instance({ AccessionNumber: '' })), undefined);
  });
});
