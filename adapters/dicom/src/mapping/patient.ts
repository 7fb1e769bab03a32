/**
 * Patient module (PS3.3 C.7.1.1) → FHIR Patient (https://hl7.org/fhir/R4/patient.html).
 * The identifier is Patient ID (0010,0020) with a system chosen from the issuer, by the rule the
 * HL7 adapter applies to CX.4 (adapters/hl7/README.md "Identifier systems"), so an ADT Patient and
 * a DICOM study meet on one Patient:
 * 1. Issuer of Patient ID (0010,0021), then the qualifiers' Universal Entity ID (0040,0032), looked
 *    up in `config.identifierSystems`;
 * 2. a Universal Entity ID of type ISO → `urn:oid:<id>`, UUID → `urn:uuid:<id>`, URI → the id;
 * 3. an issuer name alone → `urn:tessera:hl7v2:authority:<percent-encoded issuer>`;
 * 4. no issuer at all → `config.defaultPatientSystem`.
 */
import type { Identifier, Patient } from '@medplum/fhirtypes';
import { AUTHORITY_PREFIX, type DicomMappingConfig } from './config';
import { dateFromDa } from './date-time';
import type { DicomInstanceMetadata } from './instance-metadata';
import { DicomMappingError } from './mapping-error';
import { humanNamesFromPn } from './person-name';

const UNIVERSAL_ID_SYSTEMS: Readonly<Record<string, (uid: string) => string>> = {
  ISO: (uid) => `urn:oid:${uid}`,
  UUID: (uid) => `urn:uuid:${uid.toLowerCase()}`,
  URI: (uid) => uid,
};

/** Patient's Sex (0010,0040) → Patient.gender (https://hl7.org/fhir/R4/valueset-administrative-gender.html). */
const GENDER: Readonly<Record<string, Patient['gender']>> = { M: 'male', F: 'female', O: 'other' };

/**
 * The identifier system of a Patient ID, from its issuer (rule in the module header).
 * @param meta - the instance
 * @param config - the issuer table and the default system
 * @returns the system URI
 */
export function patientIdentifierSystem(meta: DicomInstanceMetadata, config: DicomMappingConfig): string {
  const issuer = clean(meta.IssuerOfPatientID);
  const qualifiers = meta.IssuerOfPatientIDQualifiersSequence?.[0];
  const uid = clean(qualifiers?.UniversalEntityID);
  const configured =
    (issuer === undefined ? undefined : own(config.identifierSystems, issuer)) ??
    (uid === undefined ? undefined : own(config.identifierSystems, uid));
  if (configured !== undefined) {
    return configured;
  }
  const derive = own(UNIVERSAL_ID_SYSTEMS, clean(qualifiers?.UniversalEntityIDType)?.toUpperCase() ?? '');
  if (uid !== undefined && derive !== undefined) {
    return derive(uid);
  }
  const name = issuer ?? uid;
  return name === undefined ? config.defaultPatientSystem : AUTHORITY_PREFIX + encodeURIComponent(name);
}

/**
 * The Patient an instance names, and the identifier to find it by (`Patient?identifier=system|value`).
 * @param meta - the instance
 * @param config - identifier systems
 * @returns the Patient (no id) and its matching identifier
 * @throws DicomMappingError when Patient ID is empty: nothing could match the Patient
 */
export function patientFromInstance(
  meta: DicomInstanceMetadata,
  config: DicomMappingConfig,
): { patient: Patient; identifier: Identifier } {
  const value = clean(meta.PatientID);
  if (value === undefined) {
    throw new DicomMappingError('missing-attribute', 'PatientID', 'Patient ID (0010,0020) is empty');
  }
  const identifier: Identifier = { system: patientIdentifierSystem(meta, config), value };
  const names = humanNamesFromPn(meta.PatientName);
  const birthDate = dateFromDa(meta.PatientBirthDate);
  const gender = own(GENDER, clean(meta.PatientSex)?.toUpperCase() ?? '');
  const patient: Patient = {
    resourceType: 'Patient',
    identifier: [identifier],
    ...(names.length > 0 ? { name: names } : {}),
    ...(gender === undefined ? {} : { gender }),
    ...(birthDate === undefined ? {} : { birthDate }),
  };
  return { patient, identifier };
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
