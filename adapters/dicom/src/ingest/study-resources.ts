/**
 * Finds the FHIR resources an instance links to: its Patient (by PatientID and issuer, the same
 * identifier rule as the HL7 adapter, so orders and images meet on one Patient), the
 * ServiceRequest with its accession number, and the stored ImagingStudy of its study.
 */
import type { Identifier, ImagingStudy, Patient, Reference, ServiceRequest } from '@medplum/fhirtypes';
import { createHash } from 'node:crypto';
import type { FhirRepository } from '../../../../server/src/repository/repository';
import {
  accessionSearchParam,
  patientFromInstance,
  type DicomInstanceMetadata,
  type DicomMappingConfig,
} from '../mapping';

/** System of the placeholder Patient identifier of a study whose instances carry no Patient ID (Type 2, PS3.3 C.7.1.1). */
export const UNIDENTIFIED_PATIENT_SYSTEM = 'urn:tessera:dicom:unidentified-patient-of-study';

/**
 * The logical id of a study's ImagingStudy: derived from the Study Instance UID, so every
 * instance of the study finds its resource by id (a read, not a search) and concurrent
 * first instances cannot create two.
 * @param studyUid - the Study Instance UID
 * @returns a FHIR id (`[A-Za-z0-9\-\.]{1,64}`)
 */
export function imagingStudyIdOf(studyUid: string): string {
  const hex = createHash('sha256').update(`dicom-study:${studyUid}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The Patient resource an instance describes, with the identifier it is matched on.
 * @param meta - the instance's attributes
 * @param studyUid - its study (for the placeholder identifier when Patient ID is empty)
 * @param config - identifier systems
 * @returns the Patient to create when none matches, and the identifier
 */
export function patientOf(
  meta: DicomInstanceMetadata,
  studyUid: string,
  config: DicomMappingConfig,
): { patient: Patient; identifier: Identifier } {
  if (meta.PatientID !== undefined && meta.PatientID.trim() !== '') {
    return patientFromInstance(meta, config);
  }
  const identifier: Identifier = { system: UNIDENTIFIED_PATIENT_SYSTEM, value: studyUid };
  const { patient } = patientFromInstance({ ...meta, PatientID: studyUid }, config);
  return { patient: { ...patient, identifier: [identifier] }, identifier };
}

/**
 * The token search for an identifier.
 * @param identifier - system and value
 * @returns the `identifier` parameter value (escaped, https://hl7.org/fhir/R4/search.html#escaping)
 */
export function identifierToken(identifier: Identifier): string {
  const escape = (s: string): string => s.replace(/[\\|,$]/g, (c) => `\\${c}`);
  return `${escape(identifier.system ?? '')}|${escape(identifier.value ?? '')}`;
}

/**
 * Finds the Patient with an identifier.
 * @param repo - the repository (inside or outside a transaction)
 * @param identifier - the identifier
 * @returns a reference, or undefined when none matches
 */
export async function findPatient(
  repo: FhirRepository,
  identifier: Identifier,
): Promise<Reference<Patient> | undefined> {
  const result = await repo.search({
    resourceType: 'Patient',
    params: [
      ['identifier', identifierToken(identifier)],
      ['_count', '1'],
      ['_elements', 'id'],
    ],
  });
  const id = result.matches[0]?.id;
  return id === undefined ? undefined : { reference: `Patient/${id}` };
}

/**
 * Finds the orders with the instance's accession number (issue 4: "so an HL7 order and its images meet").
 * @param repo - the repository
 * @param meta - the instance's attributes
 * @returns references to the matching ServiceRequests (none when the instance has no accession)
 */
export async function findOrders(
  repo: FhirRepository,
  meta: DicomInstanceMetadata,
): Promise<Reference<ServiceRequest>[]> {
  const param = accessionSearchParam(meta);
  if (param === undefined) {
    return [];
  }
  const result = await repo.search({
    resourceType: 'ServiceRequest',
    params: [param, ['_count', '10'], ['_elements', 'id']],
  });
  return result.matches.map((m) => ({ reference: `ServiceRequest/${m.id ?? ''}` }));
}

/**
 * Reads the stored ImagingStudy of a study.
 * @param repo - the repository
 * @param id - from {@link imagingStudyIdOf}
 * @returns the study, or undefined when there is none yet (or it was deleted)
 */
export async function readImagingStudy(repo: FhirRepository, id: string): Promise<ImagingStudy | undefined> {
  try {
    return await repo.read<ImagingStudy>('ImagingStudy', id);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 410) {
      return undefined;
    }
    throw error;
  }
}
