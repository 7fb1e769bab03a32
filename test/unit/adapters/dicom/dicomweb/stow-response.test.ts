/**
 * Covers the STOW-RS response (PS3.18 10.5.3, Tables 10.5.3-1 and -2): RetrieveURL of the study,
 * ReferencedSOPSequence with per-instance RetrieveURL, FailedSOPSequence with FailureReason, and
 * the HTTP status (200 / 202 / 409).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StowPartResult } from '../../../../../adapters/dicom/src/dicomweb/stow-response';
import { stowResponse } from '../../../../../adapters/dicom/src/dicomweb/stow-response';

const root = 'http://h/dicomweb';
const stored: StowPartResult = {
  kind: 'stored',
  studyUid: '1.1',
  seriesUid: '1.1.1',
  sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  sopInstanceUid: '1.1.1.1',
  warnings: [],
};
const failed: StowPartResult = { kind: 'failed', status: 0xc000, reason: 'Not DICOM' };

describe('stowResponse', () => {
  it('answers 200 with referenced instances when all are stored', () => {
    const r = stowResponse(root, [stored]);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body['00081190'], { vr: 'UR', Value: [`${root}/studies/1.1`] });
    const item = r.body['00081199']?.Value?.[0] as Record<string, { Value?: unknown[] }>;
    assert.deepEqual(item['00081155']?.Value, ['1.1.1.1']);
    assert.deepEqual(item['00081190']?.Value, [`${root}/studies/1.1/series/1.1.1/instances/1.1.1.1`]);
    assert.equal(r.body['00081198'], undefined);
  });

  it('answers 202 for partial failure and for warnings, 409 when all fail', () => {
    const partial = stowResponse(root, [stored, failed]);
    assert.equal(partial.status, 202);
    const item = partial.body['00081198']?.Value?.[0] as Record<string, { vr: string; Value?: unknown[] }>;
    assert.deepEqual(item['00081197'], { vr: 'US', Value: [0xc000] });
    assert.deepEqual(item['00081155'], { vr: 'UI' });
    assert.equal(stowResponse(root, [{ ...stored, warnings: ['coerced'] }]).status, 202);
    const none = stowResponse(root, [failed, failed], '9.9');
    assert.equal(none.status, 409);
    assert.equal(none.body['00081199'], undefined);
    assert.deepEqual(none.body['00081190']?.Value, [`${root}/studies/9.9`]);
  });

  it('omits the study RetrieveURL when instances of several studies were stored', () => {
    const r = stowResponse(root, [stored, { ...stored, studyUid: '2.2', sopInstanceUid: '2.2.2.2' }]);
    assert.equal(r.body['00081190'], undefined);
    assert.equal(r.body['00081199']?.Value?.length, 2);
  });
});
