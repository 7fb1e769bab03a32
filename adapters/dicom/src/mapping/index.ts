/**
 * DICOM instance metadata → FHIR Patient and ImagingStudy: the pure mapping layer the C-STORE and
 * STOW-RS handlers call inside their repository transaction (issue 4, "Storage and FHIR").
 */
export { bodySiteCoding, bodySiteFromBodyPartExamined, SNOMED_CT } from './body-part';
export { AUTHORITY_PREFIX, DEFAULT_DICOM_MAPPING_CONFIG, dicomMappingConfig, type DicomMappingConfig } from './config';
export { dateFromDa, dateTimeFromDaTm, dateTimeFromDt, timeFromTm } from './date-time';
export { buildImagingStudy, imagingStudyFromInstances, storedStudyUid } from './imaging-study';
export type { ImagingStudyRefs, ImagingStudyResult } from './imaging-study';
export type {
  DicomInstanceMetadata,
  DicomIssuerQualifiers,
  DicomPersonName,
  DicomPersonNameGroups,
} from './instance-metadata';
export { DicomMappingError, type DicomMappingErrorReason, type DicomMappingWarning } from './mapping-error';
export { patientFromInstance, patientIdentifierSystem } from './patient';
export { EN_REPRESENTATION_URL, humanNamesFromPn } from './person-name';
export {
  accessionIdentifier,
  accessionQuery,
  accessionSearchParam,
  DCM_SYSTEM,
  DICOM_UID_SYSTEM,
  studyUidIdentifier,
  TESSERA_IMAGING_STUDY_PROFILE,
} from './study-identifiers';
