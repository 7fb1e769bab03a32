/**
 * The shared DICOM index conformance suite (STYLE.md habit 4): every Store backend runs it over
 * `records.dicom` / `session.records.dicom` (server/src/durable/dicom-index.ts).
 *
 * Covers:
 * - PS3.4 C.6.2.1 Study Root hierarchy: study, series and instance rows from instances; one row
 *   per UID; a repeated SOP Instance UID changes nothing (`exists`).
 * - PS3.18 10.6.3.3.1 computed attributes: ModalitiesInStudy, SOPClassesInStudy, Number of Study
 *   Related Series/Instances, Number of Series Related Instances.
 * - PS3.4 C.2.2.2.1 single value, C.2.2.2.2 UID list, C.2.2.2.4 wild card (`*`, `?`; GLOB/regex
 *   special characters are literal), C.2.2.2.5 date range (inclusive, either end open); Patient's
 *   Name case-insensitive, other strings case-sensitive; study keys scope series/instance queries.
 * - Ordering and paging (limit/offset), the rejection log (newest first), the blob address list,
 *   and atomicity with the store transaction (https://hl7.org/fhir/R4/http.html#transaction).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DicomQuery } from '../../server/src/durable/dicom-index';
import type { Store } from '../../server/src/storage/store';
import { BASIC_TEXT_SR, CT_IMAGE, instanceRecord, MATCHING_SET, putAll } from './dicom-index.fixtures';
import { describeSeededDicomIndex } from './dicom-index-seeded.suite';

/** Opens a fresh, empty store; `close` closes it (and may delete its data). */
export type DicomStoreFactory = () => Promise<{ store: Store; close(): Promise<void> }>;

/**
 * Registers the suite for one backend.
 * @param name - backend name for the test titles.
 * @param makeStore - opens a fresh store (called once per group).
 */
export function describeDicomIndex(name: string, makeStore: DicomStoreFactory): void {
  describe(`DICOM index conformance: ${name}`, () => {
    describe('writes', () => {
      let store: Store;
      let close: () => Promise<void>;
      before(async () => ({ store, close } = await makeStore()));
      after(async () => close());

      it('creates an instance once; a repeated SOP Instance UID changes nothing', async () => {
        const first = instanceRecord({
          studyUid: '9.1',
          seriesUid: '9.1.1',
          sopInstanceUid: '9.1.1.1',
          modality: 'CT',
        });
        const again = { ...first, sha256: 'ff'.repeat(32), modality: 'MR', receivedAt: '2030-01-01T00:00:00.000Z' };
        assert.deepEqual(await putAll(store, [first]), ['created']);
        assert.deepEqual(await putAll(store, [again]), ['exists']);
        assert.deepEqual(await store.records.dicom.getInstance('9.1.1.1'), first);
        const [study] = await store.records.dicom.findStudies({ level: 'study', studyUids: ['9.1'] });
        assert.equal(study?.numberOfInstances, 1);
        assert.deepEqual(study?.modalitiesInStudy, ['CT']);
        assert.equal(study?.updatedAt, first.receivedAt);
        assert.equal(await store.records.dicom.getInstance('9.9.9'), undefined);
      });

      it('a repeated UID within one transaction is `exists`', async () => {
        const r = instanceRecord({ studyUid: '9.2', seriesUid: '9.2.1', sopInstanceUid: '9.2.1.1' });
        assert.deepEqual(await putAll(store, [r, r]), ['created', 'exists']);
      });

      it('commits with the transaction or not at all', async () => {
        const r = instanceRecord({ studyUid: '9.3', seriesUid: '9.3.1', sopInstanceUid: '9.3.1.1' });
        await assert.rejects(
          store.transaction(async (s) => {
            await s.records.dicom.putInstance(r);
            throw new Error('abort');
          }),
          /abort/,
        );
        assert.equal(await store.records.dicom.getInstance('9.3.1.1'), undefined);
        assert.deepEqual(await store.records.dicom.findStudies({ level: 'study', studyUids: ['9.3'] }), []);
      });

      it('aggregates counts, modalities and SOP classes over series', async () => {
        const base = { studyUid: '9.4', patientId: 'AGG', studyDate: '20240301' };
        await putAll(store, [
          instanceRecord({ ...base, seriesUid: '9.4.1', sopInstanceUid: '9.4.1.1', modality: 'CT', seriesNumber: 1 }),
          instanceRecord({ ...base, seriesUid: '9.4.1', sopInstanceUid: '9.4.1.2', modality: 'CT', seriesNumber: 1 }),
        ]);
        await putAll(store, [
          instanceRecord({
            ...base,
            seriesUid: '9.4.2',
            sopInstanceUid: '9.4.2.1',
            modality: 'SR',
            seriesNumber: 2,
            sopClassUid: BASIC_TEXT_SR,
            receivedAt: '2024-07-01T00:00:00.000Z',
          }),
          instanceRecord({ ...base, seriesUid: '9.4.3', sopInstanceUid: '9.4.3.1', modality: 'CT', seriesNumber: 3 }),
        ]);
        const [study] = await store.records.dicom.findStudies({ level: 'study', studyUids: ['9.4'] });
        assert.ok(study);
        assert.equal(study.numberOfSeries, 3);
        assert.equal(study.numberOfInstances, 4);
        assert.deepEqual([...study.modalitiesInStudy].sort(), ['CT', 'SR']);
        assert.deepEqual([...study.sopClassesInStudy].sort(), [CT_IMAGE, BASIC_TEXT_SR].sort());
        assert.equal(study.updatedAt, '2024-07-01T00:00:00.000Z');
        assert.deepEqual(study.attributes['00100020'], { vr: 'LO', Value: ['AGG'] });
        const series = await store.records.dicom.findSeries({ level: 'series', studyUids: ['9.4'] });
        assert.deepEqual(
          series.map((s) => [s.seriesUid, s.numberOfInstances]),
          [
            ['9.4.1', 2],
            ['9.4.2', 1],
            ['9.4.3', 1],
          ],
        );
        assert.deepEqual(series[1]?.attributes['00080060'], { vr: 'CS', Value: ['SR'] });
        assert.deepEqual(series[1]?.studyAttributes['00100020'], { vr: 'LO', Value: ['AGG'] });
      });
    });

    describeMatching(makeStore);
    describeRecords(makeStore);
    describeSeededDicomIndex(makeStore);
  });
}

function describeMatching(makeStore: DicomStoreFactory): void {
  describe('matching (PS3.4 C.2.2.2)', () => {
    let store: Store;
    let close: () => Promise<void>;
    before(async () => {
      ({ store, close } = await makeStore());
      await putAll(store, MATCHING_SET);
    });
    after(async () => close());

    const studies = async (q: Omit<DicomQuery, 'level'>): Promise<string[]> =>
      (await store.records.dicom.findStudies({ level: 'study', ...q })).map((s) => s.studyUid);
    const series = async (q: Omit<DicomQuery, 'level'>): Promise<string[]> =>
      (await store.records.dicom.findSeries({ level: 'series', ...q })).map((s) => s.seriesUid);
    const instances = async (q: Omit<DicomQuery, 'level'>): Promise<string[]> =>
      (await store.records.dicom.findInstances({ level: 'instance', ...q })).map((s) => s.sopInstanceUid);
    const exact = (value: string): { kind: 'exact'; value: string } => ({ kind: 'exact', value });
    const wild = (pattern: string): { kind: 'wildcard'; pattern: string } => ({ kind: 'wildcard', pattern });

    it('universal matching returns every study, date descending (no date last), then UID', async () => {
      assert.deepEqual(await studies({}), ['1.2.3.2', '1.2.3.1', '1.2.3.3', '1.2.3.4']);
    });

    it('limit and offset page in that order', async () => {
      assert.deepEqual(await studies({ limit: 2 }), ['1.2.3.2', '1.2.3.1']);
      assert.deepEqual(await studies({ limit: 2, offset: 1 }), ['1.2.3.1', '1.2.3.3']);
      assert.deepEqual(await studies({ offset: 3 }), ['1.2.3.4']);
      assert.deepEqual(await series({ limit: 2, offset: 1 }), ['1.2.3.2.1', '1.2.3.3.1']);
      assert.deepEqual(await instances({ studyUids: ['1.2.3.1'], limit: 2, offset: 1 }), [
        '1.2.3.1.2.1',
        '1.2.3.1.1.2',
      ]);
    });

    it('single value matching on study keys', async () => {
      assert.deepEqual(await studies({ patientId: exact('P1') }), ['1.2.3.1', '1.2.3.4']);
      assert.deepEqual(await studies({ accessionNumber: exact('ACC1') }), ['1.2.3.1']);
      assert.deepEqual(await studies({ studyId: exact('SID2') }), ['1.2.3.2']);
      assert.deepEqual(await studies({ referringPhysicianName: exact('House^Gregory') }), ['1.2.3.1']);
      assert.deepEqual(await studies({ studyDescription: exact('chest pa') }), []);
      assert.deepEqual(await studies({ patientId: exact('P1'), accessionNumber: exact('ACC10') }), ['1.2.3.4']);
    });

    it("Patient's Name matches case-insensitively, exact and wild card", async () => {
      assert.deepEqual(await studies({ patientName: exact('doe^jane') }), ['1.2.3.2']);
      assert.deepEqual(await studies({ patientName: wild('doe*') }), ['1.2.3.2', '1.2.3.1', '1.2.3.4']);
      assert.deepEqual(await studies({ patientName: wild('D?E^JOHN*') }), ['1.2.3.1', '1.2.3.4']);
      assert.deepEqual(await studies({ patientName: wild('doe^john=*') }), ['1.2.3.1']);
      assert.deepEqual(await studies({ patientName: wild('*山田*') }), ['1.2.3.1']);
      assert.deepEqual(await studies({ patientName: wild('?mith^anna') }), ['1.2.3.3']);
      assert.deepEqual(await studies({ patientName: wild('?smith^anna') }), []);
    });

    it('other strings match wild cards case-sensitively; special characters are literal', async () => {
      assert.deepEqual(await studies({ accessionNumber: wild('ACC?') }), ['1.2.3.2', '1.2.3.1', '1.2.3.3']);
      assert.deepEqual(await studies({ accessionNumber: wild('ACC1*') }), ['1.2.3.1', '1.2.3.4']);
      assert.deepEqual(await studies({ accessionNumber: wild('acc*') }), []);
      assert.deepEqual(await studies({ studyDescription: wild('Chest*') }), ['1.2.3.2']);
      assert.deepEqual(await studies({ studyDescription: wild('CHEST*') }), ['1.2.3.1']);
      assert.deepEqual(await studies({ studyDescription: wild('Knee [*') }), ['1.2.3.3']);
      assert.deepEqual(await studies({ studyDescription: wild('*(1.5T)+') }), ['1.2.3.3']);
      assert.deepEqual(await studies({ studyDescription: wild('*(1x5T)*') }), []);
      assert.deepEqual(await studies({ studyDescription: wild('Knee [L]') }), []);
      assert.deepEqual(await studies({ referringPhysicianName: wild('house*') }), []);
    });

    it('date ranges are inclusive, either end open; a study without a date never matches a range', async () => {
      assert.deepEqual(await studies({ studyDate: { from: '20240101', to: '20240108' } }), ['1.2.3.1']);
      assert.deepEqual(await studies({ studyDate: { from: '20240101' } }), ['1.2.3.2', '1.2.3.1']);
      assert.deepEqual(await studies({ studyDate: { to: '20231231' } }), ['1.2.3.3']);
      assert.deepEqual(await studies({ studyDate: { from: '20240110', to: '20240110' } }), ['1.2.3.2']);
      assert.deepEqual(await studies({ studyDate: {} }), await studies({}));
    });

    it('UID lists and ModalitiesInStudy / SOPClassesInStudy at study level', async () => {
      assert.deepEqual(await studies({ studyUids: ['1.2.3.3', '1.2.3.2', '9.9'] }), ['1.2.3.2', '1.2.3.3']);
      assert.deepEqual(await studies({ modality: 'CT' }), ['1.2.3.1', '1.2.3.4']);
      assert.deepEqual(await studies({ modality: 'SR' }), ['1.2.3.1']);
      assert.deepEqual(await studies({ modality: 'US' }), []);
      assert.deepEqual(await studies({ sopClassUid: BASIC_TEXT_SR }), ['1.2.3.1']);
    });

    it('series level: Modality, Series Number, UID lists, and study keys through the study', async () => {
      assert.deepEqual(await series({}), ['1.2.3.1.1', '1.2.3.2.1', '1.2.3.3.1', '1.2.3.1.2', '1.2.3.4.1']);
      assert.deepEqual(await series({ modality: 'CT' }), ['1.2.3.1.1', '1.2.3.4.1']);
      assert.deepEqual(await series({ seriesNumber: 2 }), ['1.2.3.1.2']);
      assert.deepEqual(await series({ studyUids: ['1.2.3.1'] }), ['1.2.3.1.1', '1.2.3.1.2']);
      assert.deepEqual(await series({ seriesUids: ['1.2.3.3.1', '1.2.3.4.1'] }), ['1.2.3.3.1', '1.2.3.4.1']);
      assert.deepEqual(await series({ patientName: wild('smith*') }), ['1.2.3.3.1']);
      assert.deepEqual(await series({ patientId: exact('P1'), modality: 'SR' }), ['1.2.3.1.2']);
      assert.deepEqual(await series({ studyDate: { from: '20240101' }, seriesNumber: 1 }), ['1.2.3.1.1', '1.2.3.2.1']);
      const [row] = await store.records.dicom.findSeries({ level: 'series', seriesUids: ['1.2.3.3.1'] });
      assert.equal(row?.studyUid, '1.2.3.3');
      assert.equal(row?.numberOfInstances, 2);
      assert.deepEqual(row?.studyAttributes['00100020'], { vr: 'LO', Value: ['P3'] });
      assert.deepEqual(row?.studyAttributes['00080060'], { vr: 'CS', Value: ['MR'] });
    });

    it('instance level: SOP class, Instance Number, UID lists, series and study keys', async () => {
      assert.deepEqual(await instances({ studyUids: ['1.2.3.1'], modality: 'CT' }), ['1.2.3.1.1.1', '1.2.3.1.1.2']);
      assert.deepEqual(await instances({ sopClassUid: BASIC_TEXT_SR }), ['1.2.3.1.2.1']);
      assert.deepEqual(await instances({ instanceNumber: 2 }), ['1.2.3.1.1.2', '1.2.3.3.1.2']);
      assert.deepEqual(await instances({ sopInstanceUids: ['1.2.3.3.1.2', '1.2.3.2.1.1'] }), [
        '1.2.3.2.1.1',
        '1.2.3.3.1.2',
      ]);
      assert.deepEqual(await instances({ seriesUids: ['1.2.3.3.1'] }), ['1.2.3.3.1.1', '1.2.3.3.1.2']);
      assert.deepEqual(await instances({ patientName: wild('DOE^J*'), seriesNumber: 3 }), ['1.2.3.4.1.1']);
      assert.deepEqual(await instances({ accessionNumber: exact('ACC2') }), ['1.2.3.2.1.1']);
      assert.deepEqual(await instances({ studyDate: { to: '20231231' }, instanceNumber: 1 }), ['1.2.3.3.1.1']);
    });

    it('listInstances orders by series number, then instance number', async () => {
      const all = await store.records.dicom.listInstances('1.2.3.1');
      assert.deepEqual(
        all.map((i) => i.sopInstanceUid),
        ['1.2.3.1.1.1', '1.2.3.1.1.2', '1.2.3.1.2.1'],
      );
      assert.deepEqual(all[2], MATCHING_SET[2]);
      const one = await store.records.dicom.listInstances('1.2.3.1', '1.2.3.1.2');
      assert.deepEqual(
        one.map((i) => i.sopInstanceUid),
        ['1.2.3.1.2.1'],
      );
      assert.deepEqual(await store.records.dicom.listInstances('9.9'), []);
    });

    it('listBlobAddresses lists each stored file once', async () => {
      const expected = [...new Set(MATCHING_SET.map((r) => r.sha256))].sort();
      assert.equal(expected.length, MATCHING_SET.length - 1);
      assert.deepEqual([...(await store.records.dicom.listBlobAddresses())].sort(), expected);
    });
  });
}

function describeRecords(makeStore: DicomStoreFactory): void {
  describe('rejection log', () => {
    let store: Store;
    let close: () => Promise<void>;
    before(async () => ({ store, close } = await makeStore()));
    after(async () => close());

    it('records rejections and lists them newest first', async () => {
      assert.deepEqual(await store.records.dicom.listRejections(), []);
      const rows = [];
      for (let n = 0; n < 3; n++) {
        rows.push(
          await store.records.dicom.recordRejection({
            size: 100 + n,
            source: 'dicomweb',
            status: 0xa900 + n,
            reason: `reason ${n}`,
            ...(n === 1 ? { sha256: 'cd'.repeat(32), sopClassUid: CT_IMAGE, sopInstanceUid: '1.9' } : {}),
          }),
        );
      }
      assert.equal(new Set(rows.map((r) => r.id)).size, 3);
      assert.ok(rows.every((r) => !Number.isNaN(Date.parse(r.receivedAt))));
      const listed = await store.records.dicom.listRejections();
      assert.deepEqual(listed, [...rows].reverse());
      assert.equal(listed[1]?.sopInstanceUid, '1.9');
      assert.equal('sha256' in (listed[0] ?? {}), false);
      assert.deepEqual(await store.records.dicom.listRejections({ limit: 1, offset: 1 }), [rows[1]]);
    });
  });
}
