// Covers: DICOM query matching as the MongoDB backend translates it (PS3.4 C.2.2.2: C.2.2.2.1
// single value, C.2.2.2.2 UID list, C.2.2.2.4 wild card with `*` and `?`, C.2.2.2.5 date range;
// Patient's Name case-insensitive, other keys case-sensitive; study keys scoping series and
// instance queries through the study; order, limit and offset). No mongod runs here: the
// backend's filters and sorts run on in-memory documents with mingo (dicom-index-memory.ts). The
// end-to-end behaviour runs in test/conformance/dicom-index-mongo.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DicomQuery } from '../../../../../../server/src/durable/dicom-index';
import { studyFilter, wildcardRegExp } from '../../../../../../server/src/storage/mongo/durable/dicom-index-filter';
import { BASIC_TEXT_SR, MATCHING_SET } from '../../../../../conformance/dicom-index.fixtures';
import { MemoryDicomIndex } from './dicom-index-memory';

const index = new MemoryDicomIndex();
for (const r of MATCHING_SET) {
  index.put(r);
}
const studies = (q: Omit<DicomQuery, 'level'>): string[] =>
  index.findStudies({ level: 'study', ...q }).map((d) => d._id);
const series = (q: Omit<DicomQuery, 'level'>): string[] =>
  index.findSeries({ level: 'series', ...q }).map((d) => d._id);
const instances = (q: Omit<DicomQuery, 'level'>): string[] =>
  index.findInstances({ level: 'instance', ...q }).map((d) => d._id);
const exact = (value: string): { kind: 'exact'; value: string } => ({ kind: 'exact', value });
const wild = (pattern: string): { kind: 'wildcard'; pattern: string } => ({ kind: 'wildcard', pattern });

describe('wild card patterns', () => {
  it('`*` matches any run, `?` exactly one character, anchored at both ends', () => {
    const re = wildcardRegExp('D?E*');
    assert.ok(re.test('DOE^JOHN'));
    assert.ok(re.test('DUE'));
    assert.ok(!re.test('DE'));
    assert.ok(!re.test('XDOE'));
    assert.ok(wildcardRegExp('*').test(''));
  });

  it('regular-expression characters are literal', () => {
    const re = wildcardRegExp('a.b(c)[d]+$^|\\/-{2}');
    assert.ok(re.test('a.b(c)[d]+$^|\\/-{2}'));
    assert.ok(!re.test('axb(c)[d]+$^|\\/-{2}'));
    assert.ok(!wildcardRegExp('a.c').test('abc'));
  });

  it('the literal prefix stays a prefix (MongoDB bounds an index scan by it)', () => {
    assert.match(wildcardRegExp('GARCIA*').source, /^\^GARCIA/);
  });
});

describe('study filters', () => {
  it('absent keys and an open-ended empty range filter nothing', () => {
    assert.deepEqual(studyFilter({ level: 'study' }), {});
    assert.deepEqual(studyFilter({ level: 'study', studyDate: {}, studyUids: [] }), {});
  });

  it('universal matching: date descending, studies without a date last, then UID; paging', () => {
    assert.deepEqual(studies({}), ['1.2.3.2', '1.2.3.1', '1.2.3.3', '1.2.3.4']);
    assert.deepEqual(studies({ limit: 2, offset: 1 }), ['1.2.3.1', '1.2.3.3']);
  });

  it('single values, case-insensitive names, case-sensitive other strings', () => {
    assert.deepEqual(studies({ patientId: exact('P1') }), ['1.2.3.1', '1.2.3.4']);
    assert.deepEqual(studies({ patientName: exact('doe^jane') }), ['1.2.3.2']);
    assert.deepEqual(studies({ studyDescription: exact('chest pa') }), []);
    assert.deepEqual(studies({ studyId: exact('SID2') }), ['1.2.3.2']);
  });

  it('wild cards', () => {
    assert.deepEqual(studies({ patientName: wild('doe*') }), ['1.2.3.2', '1.2.3.1', '1.2.3.4']);
    assert.deepEqual(studies({ patientName: wild('D?E^JOHN*') }), ['1.2.3.1', '1.2.3.4']);
    assert.deepEqual(studies({ patientName: wild('*山田*') }), ['1.2.3.1']);
    assert.deepEqual(studies({ accessionNumber: wild('ACC?') }), ['1.2.3.2', '1.2.3.1', '1.2.3.3']);
    assert.deepEqual(studies({ accessionNumber: wild('acc*') }), []);
    assert.deepEqual(studies({ studyDescription: wild('*(1.5T)+') }), ['1.2.3.3']);
    assert.deepEqual(studies({ studyDescription: wild('*(1x5T)*') }), []);
    assert.deepEqual(studies({ referringPhysicianName: wild('House*') }), ['1.2.3.1']);
  });

  it('date ranges, UID lists, ModalitiesInStudy and SOPClassesInStudy', () => {
    assert.deepEqual(studies({ studyDate: { from: '20240101', to: '20240108' } }), ['1.2.3.1']);
    assert.deepEqual(studies({ studyDate: { to: '20231231' } }), ['1.2.3.3']);
    assert.deepEqual(studies({ studyDate: { from: '20240110', to: '20240110' } }), ['1.2.3.2']);
    assert.deepEqual(studies({ studyUids: ['1.2.3.3', '1.2.3.2'] }), ['1.2.3.2', '1.2.3.3']);
    assert.deepEqual(studies({ modality: 'CT' }), ['1.2.3.1', '1.2.3.4']);
    assert.deepEqual(studies({ sopClassUid: BASIC_TEXT_SR }), ['1.2.3.1']);
  });
});

describe('series and instance filters', () => {
  it('series: Modality equals, Series Number, UID lists, study keys through the study', () => {
    assert.deepEqual(series({}), ['1.2.3.1.1', '1.2.3.2.1', '1.2.3.3.1', '1.2.3.1.2', '1.2.3.4.1']);
    assert.deepEqual(series({ modality: 'CT' }), ['1.2.3.1.1', '1.2.3.4.1']);
    assert.deepEqual(series({ seriesNumber: 2 }), ['1.2.3.1.2']);
    assert.deepEqual(series({ studyUids: ['1.2.3.1'] }), ['1.2.3.1.1', '1.2.3.1.2']);
    assert.deepEqual(series({ patientName: wild('smith*') }), ['1.2.3.3.1']);
    assert.deepEqual(series({ patientId: exact('P1'), modality: 'SR' }), ['1.2.3.1.2']);
    assert.deepEqual(series({ patientId: exact('P1'), studyUids: ['1.2.3.4'] }), ['1.2.3.4.1']);
    assert.deepEqual(series({ patientId: exact('nobody') }), []);
  });

  it('instances: SOP class, Instance Number, UID lists, series and study keys', () => {
    assert.deepEqual(instances({ studyUids: ['1.2.3.1'], modality: 'CT' }), ['1.2.3.1.1.1', '1.2.3.1.1.2']);
    assert.deepEqual(instances({ sopClassUid: BASIC_TEXT_SR }), ['1.2.3.1.2.1']);
    assert.deepEqual(instances({ instanceNumber: 2 }), ['1.2.3.1.1.2', '1.2.3.3.1.2']);
    assert.deepEqual(instances({ sopInstanceUids: ['1.2.3.3.1.2', '1.2.3.2.1.1'] }), ['1.2.3.2.1.1', '1.2.3.3.1.2']);
    assert.deepEqual(instances({ patientName: wild('DOE^J*'), seriesNumber: 3 }), ['1.2.3.4.1.1']);
    assert.deepEqual(instances({ studyDate: { to: '20231231' }, instanceNumber: 1 }), ['1.2.3.3.1.1']);
    assert.deepEqual(instances({ studyUids: ['1.2.3.1'], limit: 2, offset: 1 }), ['1.2.3.1.2.1', '1.2.3.1.1.2']);
  });
});
