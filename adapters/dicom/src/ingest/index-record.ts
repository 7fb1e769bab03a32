/**
 * The DICOM index row of an accepted instance: its UIDs, blob address, the matching keys copied
 * out of its attributes, and the attributes themselves split by level (server/src/durable/dicom-index.ts).
 */
import type { StoredBlob } from '../../../../server/src/durable/blob-store';
import type { DicomInstanceRecord, DicomJsonElement } from '../../../../server/src/durable/dicom-index';
import { splitByLevel, toDicomJson } from './dicom-json';
import type { InspectedInstance } from './inspect-instance';

/**
 * Builds the index record.
 * @param instance - the inspected instance
 * @param blob - where its bytes are
 * @param source - who sent it
 * @param receivedAt - when
 * @returns the record
 */
export function indexRecordOf(
  instance: InspectedInstance,
  blob: StoredBlob,
  source: string,
  receivedAt: Date,
): DicomInstanceRecord {
  const attributes = toDicomJson(instance.dataset);
  const { study, series } = splitByLevel(attributes);
  const text = (tag: string): string | undefined => firstText(attributes[tag]);
  const number = (tag: string): number | undefined => firstNumber(attributes[tag]);
  const record: DicomInstanceRecord = {
    ...instance.uids,
    sha256: blob.sha256,
    size: blob.size,
    source,
    receivedAt: receivedAt.toISOString(),
    patientId: text('00100020'),
    issuerOfPatientId: text('00100021'),
    patientName: personNameText(attributes['00100010']),
    patientBirthDate: text('00100030'),
    patientSex: text('00100040'),
    studyDate: text('00080020'),
    studyTime: text('00080030'),
    accessionNumber: text('00080050'),
    studyId: text('00200010'),
    studyDescription: text('00081030'),
    referringPhysicianName: personNameText(attributes['00080090']),
    modality: text('00080060'),
    seriesNumber: number('00200011'),
    seriesDescription: text('0008103E'),
    instanceNumber: number('00200013'),
    numberOfFrames: number('00280008'),
    studyAttributes: study,
    seriesAttributes: series,
    instanceAttributes: attributes,
  };
  return withoutUndefined(record);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function firstText(element: DicomJsonElement | undefined): string | undefined {
  const value = element?.Value?.[0];
  if (typeof value === 'number') {
    return String(value);
  }
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function firstNumber(element: DicomJsonElement | undefined): number | undefined {
  const value = element?.Value?.[0];
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * A PN value as DICOM text (`Alphabetic=Ideographic=Phonetic`, PS3.5 6.2.1.1).
 * @param element - the PN element in DICOM JSON
 * @returns the text, or undefined when empty
 */
export function personNameText(element: DicomJsonElement | undefined): string | undefined {
  const value = element?.Value?.[0];
  if (typeof value === 'string') {
    return value.trim() || undefined;
  }
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const groups = value as { Alphabetic?: string; Ideographic?: string; Phonetic?: string };
  const parts = [groups.Alphabetic ?? '', groups.Ideographic ?? '', groups.Phonetic ?? ''];
  while (parts.length > 1 && parts[parts.length - 1] === '') {
    parts.pop();
  }
  const joined = parts.join('=');
  return joined === '' ? undefined : joined;
}
