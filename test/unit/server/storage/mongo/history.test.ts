// Covers: https://hl7.org/fhir/R4/http.html#history (instance, type and system history, newest
// first, `_since`, `_at`, paging). Exact filters, then paging over in-memory history documents
// with mingo using the same sort as the backend.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { find } from 'mingo';
import { FhirError } from '../../../../../server/src/errors/outcome';
import { toHistoryDocument, type HistoryDocument } from '../../../../../server/src/storage/mongo/document';
import {
  decodeHistoryCursor,
  encodeHistoryCursor,
  HISTORY_SORT,
  historyFilter,
  historyPageFilter,
} from '../../../../../server/src/storage/mongo/history';
import type { HistoryQuery, ResourceWrite } from '../../../../../server/src/storage/store';

const isCursorError = (err: unknown): boolean =>
  err instanceof FhirError && err.code === 'TESSERA_E_SEARCH_INVALID_CURSOR';

describe('history filters', () => {
  it('instance, type and system scope', () => {
    assert.deepEqual(historyFilter({ resourceType: 'Patient', id: '1', count: 10 }), { type: 'Patient', id: '1' });
    assert.deepEqual(historyFilter({ resourceType: 'Patient', count: 10 }), { type: 'Patient' });
    assert.deepEqual(historyFilter({ count: 10 }), {});
  });
  it('_since and _at bound lastUpdated inclusively', () => {
    assert.deepEqual(historyFilter({ since: '2024-01-01T00:00:00.000Z', at: '2024-01-02T00:00:00.000Z', count: 10 }), {
      lastUpdatedMs: { $gte: Date.parse('2024-01-01T00:00:00.000Z'), $lte: Date.parse('2024-01-02T00:00:00.000Z') },
    });
    assert.throws(
      () => historyFilter({ since: 'yesterday', count: 10 }),
      (err: unknown) => err instanceof FhirError && err.code === 'TESSERA_E_SEARCH_INVALID_VALUE',
    );
  });
  it('a cursor continues strictly after the (lastUpdatedMs, _id) it names', () => {
    const cursor = encodeHistoryCursor({ lastUpdatedMs: 5, _id: 'Patient/1/0000000002' });
    assert.deepEqual(decodeHistoryCursor(cursor), { ms: 5, key: 'Patient/1/0000000002' });
    assert.deepEqual(historyPageFilter({ resourceType: 'Patient', count: 10, cursor }), {
      type: 'Patient',
      $or: [{ lastUpdatedMs: { $lt: 5 } }, { lastUpdatedMs: 5, _id: { $lt: 'Patient/1/0000000002' } }],
    });
  });
  it('a malformed cursor is TESSERA_E_SEARCH_INVALID_CURSOR', () => {
    assert.throws(() => decodeHistoryCursor('not-a-cursor'), isCursorError);
    assert.throws(() => decodeHistoryCursor(Buffer.from('{"ms":1}').toString('base64url')), isCursorError);
  });
});

describe('history paging on stored versions', () => {
  const write = (resourceType: string, id: string, versionId: number, ms: number): ResourceWrite => ({
    resourceType,
    id,
    versionId,
    lastUpdated: new Date(ms).toISOString(),
    deleted: false,
    json: '{}',
    method: versionId === 1 ? 'POST' : 'PUT',
    index: [],
    compartments: [],
  });
  // p1 v9 and v10 in the same millisecond: version order must still be newest first.
  const docs: HistoryDocument[] = [
    write('Patient', 'p1', 1, 1000),
    write('Patient', 'p1', 9, 2000),
    write('Patient', 'p1', 10, 2000),
    write('Observation', 'o1', 1, 1500),
    write('Patient', 'p2', 1, 3000),
  ].map(toHistoryDocument);

  function pages(query: Omit<HistoryQuery, 'cursor'>): string[][] {
    const out: string[][] = [];
    let cursor: string | undefined;
    for (;;) {
      const got = find(docs, historyPageFilter({ ...query, cursor }))
        .sort(HISTORY_SORT)
        .limit(query.count + 1)
        .all() as unknown as HistoryDocument[];
      const page = got.slice(0, query.count);
      out.push(page.map((d) => `${d.type}/${d.id}/${d.versionId}`));
      if (got.length <= query.count) {
        return out;
      }
      cursor = encodeHistoryCursor(page[page.length - 1]!);
    }
  }

  it('system history, newest first, same-millisecond versions by version', () => {
    assert.deepEqual(pages({ count: 2 }), [
      ['Patient/p2/1', 'Patient/p1/10'],
      ['Patient/p1/9', 'Observation/o1/1'],
      ['Patient/p1/1'],
    ]);
  });
  it('instance history and _since', () => {
    assert.deepEqual(pages({ resourceType: 'Patient', id: 'p1', count: 5 }), [
      ['Patient/p1/10', 'Patient/p1/9', 'Patient/p1/1'],
    ]);
    assert.deepEqual(pages({ resourceType: 'Patient', since: new Date(2000).toISOString(), count: 5 }), [
      ['Patient/p2/1', 'Patient/p1/10', 'Patient/p1/9'],
    ]);
  });
});
