/**
 * Turns what dcmjs reads into plain DICOM JSON (PS3.18 F.2): `{ vr, Value }` per tag, no dcmjs
 * bookkeeping (`_rawValue`), sequences recursively, binary values inline as base64 only when
 * small (F.2.7 InlineBinary) and otherwise left for WADO-RS to serve as bulk data (F.2.6).
 */
import type { DicomJson, DicomJsonElement } from '../../../../server/src/durable/dicom-index';

/** Binary VRs (PS3.5 6.2) whose values are bulk data in DICOM JSON. */
const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

/** Binary values up to this size are kept inline. */
export const INLINE_BINARY_LIMIT = 1024;

/**
 * Cleans a dcmjs data set into DICOM JSON.
 * @param dataset - dcmjs's denaturalized data set
 * @returns DICOM JSON (binary values over the inline limit carry neither Value nor InlineBinary)
 */
export function toDicomJson(dataset: DicomJson): Record<string, DicomJsonElement> {
  const out: Record<string, DicomJsonElement> = {};
  for (const tag of Object.keys(dataset).sort()) {
    const element = dataset[tag];
    if (element === undefined) {
      continue;
    }
    out[tag] = cleanElement(element);
  }
  return out;
}

function cleanElement(element: DicomJsonElement): DicomJsonElement {
  const vr = element.vr;
  const values = element.Value ?? [];
  if (BINARY_VRS.has(vr)) {
    const bytes = Buffer.concat(
      values.filter((v): v is ArrayBuffer => v instanceof ArrayBuffer).map((v) => Buffer.from(v)),
    );
    return bytes.length > 0 && bytes.length <= INLINE_BINARY_LIMIT
      ? { vr, InlineBinary: bytes.toString('base64') }
      : { vr };
  }
  if (vr === 'SQ') {
    const items = values.map((item) => toDicomJson((item ?? {}) as DicomJson));
    return items.length > 0 ? { vr, Value: items } : { vr };
  }
  const clean = values
    .filter((v) => v !== undefined && v !== null && v !== '')
    .map((v) => (typeof v === 'string' ? v.replace(/\0+$/, '').trimEnd() : v))
    .filter((v) => v !== '');
  return clean.length > 0 ? { vr, Value: clean } : { vr };
}

/** Study-level tags: Patient (PS3.3 C.7.1.1) and General Study (C.7.2.1) modules, plus the character set. */
const STUDY_TAGS = new Set([
  '00080005', // SpecificCharacterSet
  '00080020', // StudyDate
  '00080030', // StudyTime
  '00080050', // AccessionNumber
  '00080051', // IssuerOfAccessionNumberSequence
  '00080090', // ReferringPhysicianName
  '00081030', // StudyDescription
  '00081032', // ProcedureCodeSequence
  '0020000D', // StudyInstanceUID
  '00200010', // StudyID
  '00080201', // TimezoneOffsetFromUTC
]);

/** Series-level tags: General Series module (C.7.3.1) and the ones QIDO-RS returns for series. */
const SERIES_TAGS = new Set([
  '00080060', // Modality
  '00080021', // SeriesDate
  '00080031', // SeriesTime
  '0008103E', // SeriesDescription
  '00180015', // BodyPartExamined
  '0020000E', // SeriesInstanceUID
  '00200011', // SeriesNumber
  '00200060', // Laterality
  '00400244', // PerformedProcedureStepStartDate
  '00400245', // PerformedProcedureStepStartTime
  '00400275', // RequestAttributesSequence
  '00080070', // Manufacturer
  '00081010', // StationName
]);

/**
 * Splits an instance's attributes by level.
 * @param dataset - the instance's DICOM JSON
 * @returns the study-level (Patient module included) and series-level subsets
 */
export function splitByLevel(dataset: Readonly<Record<string, DicomJsonElement>>): {
  study: Record<string, DicomJsonElement>;
  series: Record<string, DicomJsonElement>;
} {
  const study: Record<string, DicomJsonElement> = {};
  const series: Record<string, DicomJsonElement> = {};
  for (const [tag, element] of Object.entries(dataset)) {
    if (tag.startsWith('0010') || STUDY_TAGS.has(tag)) {
      study[tag] = element;
    }
    if (SERIES_TAGS.has(tag) || tag === '00080005') {
      series[tag] = element;
    }
  }
  return { study, series };
}
