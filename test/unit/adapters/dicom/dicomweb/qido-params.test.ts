/**
 * Covers QIDO-RS query parsing (PS3.18 8.3.4, 10.6.1.2) into a DicomQuery: keyword and tag keys,
 * PS3.4 C.2.2.2 matching (single value, wildcard, UID list, date range), limit/offset,
 * includefield, fuzzymatching, and 400 errors for unknown parameters or bad values.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  attributeTag,
  dateRange,
  parseQidoParams,
  stringMatch,
} from '../../../../../adapters/dicom/src/dicomweb/qido-params';
import { FhirError } from '../../../../../server/src/errors/outcome';

const q = (s: string): URLSearchParams => new URLSearchParams(s);

describe('parseQidoParams', () => {
  it('maps keywords and tags to the same query keys', () => {
    const byKeyword = parseQidoParams('study', q('PatientID=P1&AccessionNumber=A1&StudyID=S1'));
    const byTag = parseQidoParams('study', q('00100020=P1&00080050=A1&00200010=S1'));
    assert.deepEqual(byKeyword.query, byTag.query);
    assert.deepEqual(byKeyword.query.patientId, { kind: 'exact', value: 'P1' });
    assert.deepEqual(byKeyword.query.accessionNumber, { kind: 'exact', value: 'A1' });
  });

  it('parses wildcards and treats * alone as universal matching', () => {
    const { query } = parseQidoParams('study', q('PatientName=doe*&PatientID=*'));
    assert.deepEqual(query.patientName, { kind: 'wildcard', pattern: 'doe*' });
    assert.equal(query.patientId, undefined);
    assert.deepEqual(stringMatch('D?e'), { kind: 'wildcard', pattern: 'D?e' });
  });

  it('parses study dates: single, closed, open-ended ranges', () => {
    assert.deepEqual(dateRange('20260115'), { from: '20260115', to: '20260115' });
    assert.deepEqual(dateRange('20260101-20260131'), { from: '20260101', to: '20260131' });
    assert.deepEqual(dateRange('20260101-'), { from: '20260101' });
    assert.deepEqual(dateRange('-20260131'), { to: '20260131' });
    assert.throws(() => dateRange('2026-01-01'), FhirError);
    assert.throws(() => dateRange('-'), FhirError);
  });

  it('collects UID lists from commas and repeats', () => {
    const { query } = parseQidoParams('series', q('StudyInstanceUID=1.2.3,1.2.4&StudyInstanceUID=1.2.5&0020000E=9.8'));
    assert.deepEqual(query.studyUids, ['1.2.3', '1.2.4', '1.2.5']);
    assert.deepEqual(query.seriesUids, ['9.8']);
    assert.throws(() => parseQidoParams('study', q('StudyInstanceUID=abc')), FhirError);
  });

  it('scopes by the path, limit and offset, modality keys', () => {
    const { query } = parseQidoParams('instance', q('limit=10&offset=20&Modality=CT&SOPClassUID=1.2'), {
      studyUid: '1.1',
      seriesUid: '1.1.1',
    });
    assert.equal(query.level, 'instance');
    assert.deepEqual(query.studyUids, ['1.1']);
    assert.deepEqual(query.seriesUids, ['1.1.1']);
    assert.equal(query.limit, 10);
    assert.equal(query.offset, 20);
    assert.equal(query.modality, 'CT');
    assert.equal(query.sopClassUid, '1.2');
    assert.equal(parseQidoParams('study', q('ModalitiesInStudy=DX')).query.modality, 'DX');
    assert.throws(() => parseQidoParams('study', q('limit=-1')), FhirError);
  });

  it('returns includefield tags plus the matched keys, or all', () => {
    const r = parseQidoParams('study', q('includefield=StudyDescription,00081030&includefield=00100010&PatientID=x'));
    assert.deepEqual([...(r.includeFields as string[])].sort(), ['00081030', '00100010', '00100020']);
    assert.equal(parseQidoParams('study', q('includefield=all')).includeFields, 'all');
    assert.throws(() => parseQidoParams('study', q('includefield=NoSuchKeyword')), FhirError);
  });

  it('rejects unknown parameters with 400 and warns on unsupported matching keys', () => {
    assert.throws(
      () => parseQidoParams('study', q('color=blue')),
      (err: unknown) => err instanceof FhirError && err.status === 400,
    );
    const r = parseQidoParams('study', q('StudyTime=1200&fuzzymatching=true'));
    assert.equal(r.warnings.length, 2);
    assert.match(r.warnings.join(' '), /StudyTime/);
    assert.deepEqual(parseQidoParams('study', q('fuzzymatching=false')).warnings, []);
    assert.throws(() => parseQidoParams('study', q('fuzzymatching=maybe')), FhirError);
  });

  it('resolves keywords and tags', () => {
    assert.equal(attributeTag('StudyInstanceUID'), '0020000D');
    assert.equal(attributeTag('0020000d'), '0020000D');
    assert.equal(attributeTag('NotAKeyword'), undefined);
  });
});
