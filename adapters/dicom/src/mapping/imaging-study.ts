/**
 * DICOM instances → one FHIR ImagingStudy per Study Instance UID
 * (https://hl7.org/fhir/R4/imagingstudy.html), built or merged into the stored study, as the
 * C-STORE and STOW-RS handlers need inside their repository transaction ("every new instance
 * updates the study"). Pure: no I/O; the caller finds the Patient, the ServiceRequest and the
 * Endpoint and passes references to them.
 *
 * Rules: idempotent (a SOP Instance UID already present changes nothing); series ordered by number
 * then UID, instances likewise; numberOfSeries/numberOfInstances recomputed; study `modality` the
 * distinct series modalities (DCM); `started` the earliest StudyDate+StudyTime; identifiers the
 * Study Instance UID (`urn:dicom:uid`) and each Accession Number (ACSN); `status` available;
 * `meta.profile` the Tessera ImagingStudy profile. Merging instances one at a time, in any order,
 * gives the same study as building them at once.
 */
import type {
  Coding,
  Endpoint,
  Identifier,
  ImagingStudy,
  ImagingStudySeries,
  Patient,
  Reference,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { DEFAULT_DICOM_MAPPING_CONFIG, type DicomMappingConfig } from './config';
import { dateTimeFromDaTm, dateTimeStart } from './date-time';
import { instanceKeys, text } from './instance-fields';
import type { DicomInstanceMetadata } from './instance-metadata';
import { DicomMappingError, type DicomMappingWarning } from './mapping-error';
import { addInstanceToSeries, byNumberThenUid } from './series';
import {
  accessionIdentifier,
  DICOM_UID_SYSTEM,
  studyUidIdentifier,
  TESSERA_IMAGING_STUDY_PROFILE,
} from './study-identifiers';

/** What the caller resolved for the study. */
export interface ImagingStudyRefs {
  /** The Patient (from `patientFromInstance`, found or created). */
  readonly subject: Reference<Patient>;
  /** The ServiceRequest(s) found with `accessionQuery`; added to those already there. */
  readonly basedOn?: readonly Reference<ServiceRequest>[];
  /** The DICOMweb Endpoint serving the study; added to those already there. */
  readonly endpoint?: Reference<Endpoint>;
  /** `meta.source`: the sending system (e.g. `dicom://<calling AE title>`). */
  readonly source?: string;
}

/** The study and the non-fatal findings met while building it. */
export interface ImagingStudyResult {
  readonly study: ImagingStudy;
  readonly warnings: DicomMappingWarning[];
}

/**
 * Builds the ImagingStudy of some instances, or merges them into the stored one.
 * @param instances - instances of one study (any order; repeats are ignored)
 * @param refs - subject, basedOn, endpoint and source
 * @param existing - the stored study, if any (not modified)
 * @param config - accession system and default time zone
 * @returns the study and the warnings
 * @throws DicomMappingError when a Type 1 attribute is missing or malformed, or the instances
 *   (or the stored study) belong to different studies
 */
export function buildImagingStudy(
  instances: readonly DicomInstanceMetadata[],
  refs: ImagingStudyRefs,
  existing?: ImagingStudy,
  config: DicomMappingConfig = DEFAULT_DICOM_MAPPING_CONFIG,
): ImagingStudyResult {
  const warnings: DicomMappingWarning[] = [];
  const keyed = instances.map((meta) => ({ meta, keys: instanceKeys(meta) }));
  const studyUid = existing === undefined ? keyed[0]?.keys.studyUid : storedStudyUid(existing);
  if (studyUid === undefined) {
    throw new DicomMappingError('missing-attribute', 'StudyInstanceUID', 'no instances to build a study from');
  }
  const series = new Map<string, ImagingStudySeries>((existing?.series ?? []).map((s) => [s.uid, s]));
  let identifiers: Identifier[] = [...(existing?.identifier ?? [])];
  identifiers = withIdentifier(identifiers, studyUidIdentifier(studyUid), true);
  let started = existing?.started;
  let description = existing?.description;
  for (const { meta, keys } of keyed) {
    if (keys.studyUid !== studyUid) {
      throw new DicomMappingError(
        'study-mismatch',
        'StudyInstanceUID',
        `instance ${keys.sopInstanceUid} belongs to study ${keys.studyUid}, not ${studyUid}`,
      );
    }
    series.set(keys.seriesUid, addInstanceToSeries(series.get(keys.seriesUid), meta, keys, config, warnings));
    const accession = text(meta.AccessionNumber);
    if (accession !== undefined) {
      identifiers = withIdentifier(identifiers, accessionIdentifier(accession, config.accessionSystem), false);
    }
    started = earliest(
      started,
      dateTimeFromDaTm(meta.StudyDate, meta.StudyTime, meta.TimezoneOffsetFromUTC, config.defaultTimezone),
    );
    description ??= text(meta.StudyDescription);
  }
  const ordered = [...series.values()].sort(byNumberThenUid);
  const basedOn = unionRefs(existing?.basedOn, refs.basedOn);
  const endpoint = unionRefs(existing?.endpoint, refs.endpoint === undefined ? undefined : [refs.endpoint]);
  const profiles = existing?.meta?.profile ?? [];
  const study: ImagingStudy = {
    ...existing,
    resourceType: 'ImagingStudy',
    meta: {
      ...existing?.meta,
      profile: profiles.includes(TESSERA_IMAGING_STUDY_PROFILE)
        ? profiles
        : [...profiles, TESSERA_IMAGING_STUDY_PROFILE],
      ...(refs.source === undefined ? {} : { source: refs.source }),
    },
    identifier: identifiers,
    status: existing?.status ?? 'available',
    modality: studyModalities(existing?.modality, ordered),
    subject: refs.subject,
    ...(started === undefined ? {} : { started }),
    ...(basedOn.length > 0 ? { basedOn } : {}),
    ...(endpoint.length > 0 ? { endpoint } : {}),
    numberOfSeries: ordered.length,
    numberOfInstances: ordered.reduce((n, s) => n + (s.instance?.length ?? 0), 0),
    ...(description === undefined ? {} : { description }),
    series: ordered,
  };
  return { study, warnings: dedupe(warnings) };
}

/**
 * {@link buildImagingStudy} without the warnings.
 * @param instances - instances of one study (any order; repeats are ignored)
 * @param refs - subject, basedOn, endpoint and source
 * @param existing - the stored study, if any (not modified)
 * @param config - accession system and default time zone
 * @returns the study
 */
export function imagingStudyFromInstances(
  instances: readonly DicomInstanceMetadata[],
  refs: ImagingStudyRefs,
  existing?: ImagingStudy,
  config?: DicomMappingConfig,
): ImagingStudy {
  return buildImagingStudy(instances, refs, existing, config).study;
}

/**
 * The Study Instance UID of a stored study, from its `urn:dicom:uid` identifier.
 * @param study - the study
 * @returns the UID, or undefined when the study has none
 */
export function storedStudyUid(study: ImagingStudy): string | undefined {
  const value = study.identifier?.find((i) => i.system === DICOM_UID_SYSTEM)?.value;
  return value?.startsWith('urn:oid:') === true ? value.slice('urn:oid:'.length) : value;
}

function withIdentifier(list: Identifier[], identifier: Identifier, first: boolean): Identifier[] {
  if (list.some((i) => i.system === identifier.system && i.value === identifier.value)) {
    return list;
  }
  return first ? [identifier, ...list] : [...list, identifier];
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) {
    return a ?? b;
  }
  return dateTimeStart(b) < dateTimeStart(a) ? b : a;
}

function studyModalities(existing: Coding[] | undefined, series: readonly ImagingStudySeries[]): Coding[] {
  const result: Coding[] = [];
  for (const coding of [...series.map((s) => s.modality), ...(existing ?? [])]) {
    if (!result.some((c) => c.system === coding.system && c.code === coding.code)) {
      result.push(coding);
    }
  }
  return result;
}

function unionRefs<T extends Reference>(a: readonly T[] | undefined, b: readonly T[] | undefined): T[] {
  const result: T[] = [...(a ?? [])];
  for (const ref of b ?? []) {
    if (!result.some((r) => r.reference === ref.reference && r.reference !== undefined)) {
      result.push(ref);
    }
  }
  return result;
}

function dedupe(warnings: DicomMappingWarning[]): DicomMappingWarning[] {
  return warnings.filter((w, i) => warnings.findIndex((o) => o.message === w.message) === i);
}
