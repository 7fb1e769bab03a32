/**
 * Part of the DICOM index suite (dicom-index.suite.ts): 2,000 studies, each query of the QIDO-RS
 * study search shapes the index must serve from indexes (no filter with a page, PatientID,
 * Patient's Name prefix, StudyDate range, AccessionNumber, ModalitiesInStudy; PS3.18 10.6) checked
 * against the same query evaluated in memory. Timing belongs to bench/, not here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DicomInstanceRecord, DicomQuery } from '../../server/src/durable/dicom-index';
import type { Store } from '../../server/src/storage/store';
import { instanceRecord, putAll } from './dicom-index.fixtures';
import type { DicomStoreFactory } from './dicom-index.suite';

const COUNT = 2000;
const MODALITIES = ['CT', 'MR', 'CR', 'US', 'DX'];
const NAMES = ['Garcia^Ana', 'garcia^luis', 'Nguyen^Van', 'Muller^Hans', 'Okafor^Ada'];

/**
 * The seeded studies: one instance each, patients, dates and modalities spread over the set.
 * @param n - how many.
 */
export function seededStudies(n: number): DicomInstanceRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const day = new Date(Date.UTC(2020, 0, 1) + (i % 700) * 86_400_000).toISOString().slice(0, 10);
    return instanceRecord({
      studyUid: `2.25.${i}`,
      seriesUid: `2.25.${i}.1`,
      sopInstanceUid: `2.25.${i}.1.1`,
      patientId: `PID${i % 300}`,
      patientName: `${NAMES[i % NAMES.length] ?? ''}${i % 7}`,
      studyDate: day.replace(/-/g, ''),
      accessionNumber: `A${i}`,
      modality: MODALITIES[i % MODALITIES.length],
      seriesNumber: 1,
      instanceNumber: 1,
    });
  });
}

/** The study UIDs a query selects, evaluated in memory with the port's order. */
function expected(records: readonly DicomInstanceRecord[], q: DicomQuery): string[] {
  const rows = records.filter(
    (r) =>
      (q.patientId?.kind !== 'exact' || r.patientId === q.patientId.value) &&
      (q.accessionNumber?.kind !== 'exact' || r.accessionNumber === q.accessionNumber.value) &&
      (q.patientName?.kind !== 'wildcard' ||
        (r.patientName ?? '').toUpperCase().startsWith(q.patientName.pattern.replace('*', '').toUpperCase())) &&
      (q.studyDate?.from === undefined || (r.studyDate ?? '') >= q.studyDate.from) &&
      (q.studyDate?.to === undefined || (r.studyDate ?? '') <= q.studyDate.to) &&
      (q.modality === undefined || r.modality === q.modality),
  );
  rows.sort((a, b) =>
    a.studyDate === b.studyDate
      ? a.studyUid < b.studyUid
        ? -1
        : 1
      : (a.studyDate ?? '') < (b.studyDate ?? '')
        ? 1
        : -1,
  );
  return rows
    .slice(q.offset ?? 0, q.limit === undefined ? undefined : (q.offset ?? 0) + q.limit)
    .map((r) => r.studyUid);
}

/**
 * Registers the seeded checks.
 * @param makeStore - opens a fresh store.
 */
export function describeSeededDicomIndex(makeStore: DicomStoreFactory): void {
  describe(`${COUNT} studies`, () => {
    let store: Store;
    let close: () => Promise<void>;
    const records = seededStudies(COUNT);
    before(async () => {
      ({ store, close } = await makeStore());
      for (let i = 0; i < records.length; i += 500) {
        await putAll(store, records.slice(i, i + 500));
      }
    });
    after(async () => close());

    const queries: [string, DicomQuery][] = [
      ['no filter, one page', { level: 'study', limit: 100 }],
      ['no filter, a later page', { level: 'study', limit: 100, offset: 1900 }],
      ['PatientID', { level: 'study', patientId: { kind: 'exact', value: 'PID17' } }],
      ["Patient's Name prefix", { level: 'study', patientName: { kind: 'wildcard', pattern: 'garcia*' }, limit: 100 }],
      ['StudyDate range', { level: 'study', studyDate: { from: '20200301', to: '20200331' } }],
      ['AccessionNumber', { level: 'study', accessionNumber: { kind: 'exact', value: 'A1234' } }],
      ['ModalitiesInStudy', { level: 'study', modality: 'US', limit: 100 }],
      ['range and modality', { level: 'study', studyDate: { from: '20210101' }, modality: 'CT', limit: 50 }],
    ];
    for (const [title, query] of queries) {
      it(`${title}: selects what the query means, in order`, async () => {
        const want = expected(records, query);
        assert.ok(want.length > 0);
        const got = await store.records.dicom.findStudies(query);
        assert.deepEqual(
          got.map((s) => s.studyUid),
          want,
        );
      });
    }
  });
}
