/**
 * Reading and checking the identifying attributes of one instance. Study, Series and SOP Instance
 * UIDs, SOP Class UID and Modality are Type 1 (PS3.3 C.7.2.1, C.7.3.1, C.12.1): an instance
 * without them is refused, not guessed. UIDs must follow PS3.5 9.1 (digits and dots, at most 64).
 */
import type { DicomInstanceMetadata } from './instance-metadata';
import { DicomMappingError } from './mapping-error';

const UID = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/;

/** The Type 1 attributes of an instance, checked. */
export interface InstanceKeys {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
  readonly sopClassUid: string;
  readonly modality: string;
}

/**
 * The Type 1 attributes of an instance.
 * @param meta - the instance
 * @returns the UIDs and the modality
 * @throws DicomMappingError naming the first missing or malformed attribute
 */
export function instanceKeys(meta: DicomInstanceMetadata): InstanceKeys {
  return {
    studyUid: uid(meta, 'StudyInstanceUID'),
    seriesUid: uid(meta, 'SeriesInstanceUID'),
    sopInstanceUid: uid(meta, 'SOPInstanceUID'),
    sopClassUid: uid(meta, 'SOPClassUID'),
    modality: required(meta, 'Modality'),
  };
}

/**
 * An IS value (SeriesNumber, InstanceNumber) as a FHIR unsignedInt.
 * @param value - the number or its string form
 * @returns the integer, or undefined when absent, not an integer, or negative
 */
export function unsignedInt(value: number | string | undefined): number | undefined {
  const n = typeof value === 'string' ? (value.trim() === '' ? NaN : Number(value)) : value;
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * A string attribute with surrounding spaces removed; empty counts as absent (Type 2 "empty").
 * @param value - the value
 * @returns the trimmed text or undefined
 */
export function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function required(meta: DicomInstanceMetadata, keyword: 'Modality'): string {
  const value = text(meta[keyword]);
  if (value === undefined) {
    throw new DicomMappingError('missing-attribute', keyword, `${keyword} is required (Type 1) but empty`);
  }
  return value;
}

function uid(
  meta: DicomInstanceMetadata,
  keyword: 'StudyInstanceUID' | 'SeriesInstanceUID' | 'SOPInstanceUID' | 'SOPClassUID',
): string {
  const value = text(meta[keyword])?.replace(/\0+$/, '');
  if (value === undefined || value === '') {
    throw new DicomMappingError('missing-attribute', keyword, `${keyword} is required (Type 1) but empty`);
  }
  if (value.length > 64 || !UID.test(value)) {
    throw new DicomMappingError('invalid-value', keyword, `${keyword} "${value}" is not a valid UID (PS3.5 9.1)`);
  }
  return value;
}
