/**
 * Instance records for the DICOM index suite (dicom-index.suite.ts): a small builder that fills
 * the DICOM JSON attribute sets (PS3.18 F.2) the way the ingest path would, and a fixed data set
 * of four studies chosen so that every matching kind of PS3.4 C.2.2.2 selects a distinct subset.
 */
import { createHash } from 'node:crypto';
import type { DicomInstanceRecord, DicomJson } from '../../server/src/durable/dicom-index';
import type { Store } from '../../server/src/storage/store';

/** SOP classes used by the fixtures (PS3.4 B.5). */
export const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
export const MR_IMAGE = '1.2.840.10008.5.1.4.1.1.4';
export const CR_IMAGE = '1.2.840.10008.5.1.4.1.1.1';
export const BASIC_TEXT_SR = '1.2.840.10008.5.1.4.1.1.88.11';

/** What a fixture instance sets; everything else is derived. */
export type InstanceSpec = Partial<DicomInstanceRecord> &
  Pick<DicomInstanceRecord, 'studyUid' | 'seriesUid' | 'sopInstanceUid'>;

function element(tag: string, vr: string, value: string | number | undefined): DicomJson {
  if (value === undefined) {
    return {};
  }
  const v = vr === 'PN' ? { Alphabetic: value } : value;
  return { [tag]: { vr, Value: [v] } };
}

/**
 * A full instance record from a spec (attributes built from the keys).
 * @param spec - the keys.
 */
export function instanceRecord(spec: InstanceSpec): DicomInstanceRecord {
  const sopClassUid = spec.sopClassUid ?? CT_IMAGE;
  const sha256 = spec.sha256 ?? createHash('sha256').update(spec.sopInstanceUid).digest('hex');
  const study: DicomJson = {
    ...element('00100010', 'PN', spec.patientName),
    ...element('00100020', 'LO', spec.patientId),
    ...element('00080020', 'DA', spec.studyDate),
    ...element('00080050', 'SH', spec.accessionNumber),
    ...element('00081030', 'LO', spec.studyDescription),
    ...element('0020000D', 'UI', spec.studyUid),
  };
  const series: DicomJson = {
    ...element('00080060', 'CS', spec.modality),
    ...element('0020000E', 'UI', spec.seriesUid),
    ...element('00200011', 'IS', spec.seriesNumber),
  };
  return {
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    size: 1024,
    source: 'dicom://MODALITY1',
    receivedAt: '2024-06-01T10:00:00.000Z',
    studyAttributes: study,
    seriesAttributes: series,
    instanceAttributes: {
      ...study,
      ...series,
      ...element('00080016', 'UI', sopClassUid),
      ...element('00080018', 'UI', spec.sopInstanceUid),
      ...element('00200013', 'IS', spec.instanceNumber),
    },
    ...spec,
    sopClassUid,
    sha256,
  };
}

/**
 * Writes records in one store transaction through `session.records.dicom`.
 * @param store - the store.
 * @param records - the instances.
 * @returns what putInstance returned for each.
 */
export function putAll(store: Store, records: readonly DicomInstanceRecord[]): Promise<('created' | 'exists')[]> {
  return store.transaction(async (session) => {
    const results: ('created' | 'exists')[] = [];
    for (const r of records) {
      results.push(await session.records.dicom.putInstance(r));
    }
    return results;
  });
}

const S1 = { studyUid: '1.2.3.1', patientId: 'P1', patientName: 'Doe^John=山田^太郎=やまだ^たろう' } as const;

/**
 * The matching data set: studies S1..S4 (UIDs `1.2.3.<n>`), series `1.2.3.<n>.<k>`, instances
 * `1.2.3.<n>.<k>.<i>`. Study order (date desc, UID): S2, S1, S3, S4 (no date).
 */
export const MATCHING_SET: readonly DicomInstanceRecord[] = [
  ...[1, 2].map((i) =>
    instanceRecord({
      ...S1,
      studyDate: '20240105',
      accessionNumber: 'ACC1',
      studyId: 'SID1',
      studyDescription: 'CHEST PA',
      referringPhysicianName: 'House^Gregory',
      seriesUid: '1.2.3.1.1',
      modality: 'CT',
      seriesNumber: 1,
      sopInstanceUid: `1.2.3.1.1.${i}`,
      instanceNumber: i,
      receivedAt: `2024-06-01T10:00:0${i}.000Z`,
    }),
  ),
  instanceRecord({
    ...S1,
    studyDate: '20240105',
    accessionNumber: 'ACC1',
    seriesUid: '1.2.3.1.2',
    modality: 'SR',
    seriesNumber: 2,
    sopInstanceUid: '1.2.3.1.2.1',
    sopClassUid: BASIC_TEXT_SR,
    instanceNumber: 1,
    receivedAt: '2024-06-01T10:00:05.000Z',
  }),
  instanceRecord({
    studyUid: '1.2.3.2',
    patientId: 'P2',
    patientName: 'DOE^JANE',
    studyDate: '20240110',
    accessionNumber: 'ACC2',
    studyId: 'SID2',
    studyDescription: 'Chest Lateral',
    seriesUid: '1.2.3.2.1',
    modality: 'CR',
    seriesNumber: 1,
    sopInstanceUid: '1.2.3.2.1.1',
    sopClassUid: CR_IMAGE,
    instanceNumber: 1,
  }),
  ...[2, 1].map((i) =>
    instanceRecord({
      studyUid: '1.2.3.3',
      patientId: 'P3',
      patientName: 'Smith^Anna',
      studyDate: '20231231',
      accessionNumber: 'ACC3',
      studyDescription: 'Knee [L] (1.5T)+',
      seriesUid: '1.2.3.3.1',
      modality: 'MR',
      seriesNumber: 1,
      sopInstanceUid: `1.2.3.3.1.${i}`,
      sopClassUid: MR_IMAGE,
      instanceNumber: i,
      // Both instances are one file twice: listBlobAddresses lists it once.
      sha256: 'ab'.repeat(32),
    }),
  ),
  instanceRecord({
    studyUid: '1.2.3.4',
    patientId: 'P1',
    patientName: 'Doe^John',
    accessionNumber: 'ACC10',
    seriesUid: '1.2.3.4.1',
    modality: 'CT',
    seriesNumber: 3,
    sopInstanceUid: '1.2.3.4.1.1',
    instanceNumber: 1,
  }),
];
