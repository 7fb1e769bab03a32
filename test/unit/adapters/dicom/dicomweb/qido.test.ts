/**
 * QIDO-RS result cap (PS3.18 8.3.4.4: an origin server may return fewer matches than exist and
 * then adds `Warning: 299 ... "There are additional results that can be requested"`), on the real
 * SQLite DICOM index.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_QIDO_RESULTS, qidoSearch } from '../../../../../adapters/dicom/src/dicomweb/qido';
import { instanceRecord, putAll } from '../../../../conformance/dicom-index.fixtures';
import { openTempSqliteStore } from '../../../../helpers/sqlite-temp';

describe('qidoSearch result cap', () => {
  let temp: Awaited<ReturnType<typeof openTempSqliteStore>>;
  const total = MAX_QIDO_RESULTS + 3;

  before(async () => {
    temp = await openTempSqliteStore();
    const records = Array.from({ length: total }, (_, i) =>
      instanceRecord({ studyUid: `1.2.9.${i}`, seriesUid: `1.2.9.${i}.1`, sopInstanceUid: `1.2.9.${i}.1.1` }),
    );
    await putAll(temp.store, records);
  });
  after(async () => {
    await temp.cleanup();
  });

  const search = (query: string): ReturnType<typeof qidoSearch> =>
    qidoSearch(temp.store.records.dicom, 'http://x/dicomweb', 'study', new URLSearchParams(query));

  it('caps an unbounded search and says more can be requested', async () => {
    const result = await search('');
    assert.equal(result.matches.length, MAX_QIDO_RESULTS);
    assert.ok(result.warnings.some((w) => /additional results/.test(w)));
  });

  it('gives the rest with offset, without the warning', async () => {
    const result = await search(`offset=${MAX_QIDO_RESULTS}`);
    assert.equal(result.matches.length, total - MAX_QIDO_RESULTS);
    assert.ok(!result.warnings.some((w) => /additional results/.test(w)));
  });

  it('honours a smaller limit without warning (the client asked for a page)', async () => {
    const result = await search('limit=5');
    assert.equal(result.matches.length, 5);
    assert.ok(!result.warnings.some((w) => /additional results/.test(w)));
  });

  it('caps a limit above the maximum, with the warning', async () => {
    const result = await search(`limit=${total}`);
    assert.equal(result.matches.length, MAX_QIDO_RESULTS);
    assert.ok(result.warnings.some((w) => /additional results/.test(w)));
  });
});
