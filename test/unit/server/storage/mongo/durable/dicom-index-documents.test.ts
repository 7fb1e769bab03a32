// Covers: the DICOM index documents of the MongoDB backend (server/src/durable/dicom-index.ts):
// one instance per SOP Instance UID (a repeat changes nothing), series and study created by the
// first instance and counted by later ones, ModalitiesInStudy / SOPClassesInStudy as sets and
// the computed counts of PS3.18 10.6.3.3.1, the last receipt time, and records that survive BSON
// unchanged (no undefined turned into null). Updates run on in-memory documents with mingo
// (dicom-index-memory.ts); the end-to-end behaviour runs in test/conformance/dicom-index-mongo.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BSON } from 'mongodb';
import {
  instanceFields,
  toStudyRow,
  type DicomStudyDocument,
} from '../../../../../../server/src/storage/mongo/durable/dicom-index-documents';
import { BASIC_TEXT_SR, CT_IMAGE, instanceRecord } from '../../../../../conformance/dicom-index.fixtures';
import { MemoryDicomIndex } from './dicom-index-memory';

const base = { studyUid: '9.4', patientId: 'AGG', patientName: 'Doe^Ann', studyDate: '20240301' };

describe('DICOM index documents', () => {
  it('aggregates instances into series and study counts and sets', () => {
    const index = new MemoryDicomIndex();
    const put = (seriesUid: string, n: number, extra: object = {}): 'created' | 'exists' =>
      index.put(instanceRecord({ ...base, seriesUid, sopInstanceUid: `${seriesUid}.${n}`, modality: 'CT', ...extra }));
    assert.equal(put('9.4.1', 1), 'created');
    assert.equal(put('9.4.1', 2), 'created');
    assert.equal(
      put('9.4.2', 1, { modality: 'SR', sopClassUid: BASIC_TEXT_SR, receivedAt: '2024-07-01T00:00:00.000Z' }),
      'created',
    );
    assert.equal(put('9.4.3', 1, { receivedAt: '2024-01-01T00:00:00.000Z' }), 'created');
    assert.equal(put('9.4.1', 2, { modality: 'MR' }), 'exists');

    const [doc] = index.studies as unknown as DicomStudyDocument[];
    assert.ok(doc);
    const row = toStudyRow(doc);
    assert.equal(row.numberOfSeries, 3);
    assert.equal(row.numberOfInstances, 4);
    assert.deepEqual(row.modalitiesInStudy, ['CT', 'SR']);
    assert.deepEqual(row.sopClassesInStudy, [CT_IMAGE, BASIC_TEXT_SR].sort());
    assert.equal(row.updatedAt, '2024-07-01T00:00:00.000Z');
    assert.equal(doc.patientNameUpper, 'DOE^ANN');
    assert.deepEqual(
      index.series.map((s) => [s._id, s.numberOfInstances]),
      [
        ['9.4.1', 2],
        ['9.4.2', 1],
        ['9.4.3', 1],
      ],
    );
    assert.equal(index.instances.length, 4);
  });

  it('an instance without a modality adds none to ModalitiesInStudy', () => {
    const index = new MemoryDicomIndex();
    index.put(instanceRecord({ studyUid: '8', seriesUid: '8.1', sopInstanceUid: '8.1.1' }));
    const row = toStudyRow(index.studies[0] as unknown as DicomStudyDocument);
    assert.deepEqual(row.modalitiesInStudy, []);
    assert.equal(row.numberOfSeries, 1);
  });

  it('documents leave absent keys out and the record survives BSON unchanged', () => {
    const r = instanceRecord({ studyUid: '7', seriesUid: '7.1', sopInstanceUid: '7.1.1', instanceNumber: 3 });
    const fields = instanceFields(r);
    assert.equal('modality' in fields, false);
    assert.equal('seriesNumber' in fields, false);
    const back = BSON.deserialize(BSON.serialize({ _id: r.sopInstanceUid, ...fields }));
    assert.deepEqual(back.record, r);
    assert.equal(back.instanceNumber, 3);
  });
});
