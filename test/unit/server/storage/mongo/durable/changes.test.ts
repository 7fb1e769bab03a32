// Covers: the change feed of server/src/durable/change-feed.ts on MongoDB: positions over the
// `history` collection's (lastUpdatedMs, _id) order resume exactly (versions written in the
// same millisecond included), and the settle window that keeps a late-committing transaction
// with an earlier lastUpdated from being skipped. Filters run on in-memory history documents
// built by the backend's document.ts, with mingo.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { find } from 'mingo';
import {
  CHANGE_ORDER,
  changesFilter,
  decodeChangePosition,
  encodeChangePosition,
  toChangeRecord,
} from '../../../../../../server/src/storage/mongo/durable/changes';
import { toHistoryDocument, type HistoryDocument } from '../../../../../../server/src/storage/mongo/document';
import type { ChangeRecord } from '../../../../../../server/src/durable/change-feed';

function version(resourceType: string, id: string, versionId: number, ms: number): HistoryDocument {
  return toHistoryDocument({
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
}

/** What MongoChangeFeed.changesAfter reads at a given cutoff. */
function changesAfter(
  docs: HistoryDocument[],
  after: string | undefined,
  limit: number,
  cutoff: number,
): ChangeRecord[] {
  const found = find<HistoryDocument>(docs, changesFilter(after, cutoff)).sort(CHANGE_ORDER).limit(limit).all();
  return found.map(toChangeRecord);
}

describe('mongo change feed', () => {
  it('positions encode the order key and decode back', () => {
    const doc = version('Patient', 'a/b', 2, 1_714_979_289_123);
    const position = encodeChangePosition(doc);
    assert.equal(position, '1714979289123/Patient/a/b/0000000002');
    assert.deepEqual(decodeChangePosition(position), { ms: 1_714_979_289_123, key: 'Patient/a/b/0000000002' });
    for (const bad of ['', '42', 'x/Patient/a', '1e3/Patient/a/1', '99999999999999999/P/a/1']) {
      assert.throws(() => changesFilter(bad, 0), /Invalid change feed position/, bad);
    }
  });

  it('reads every version once, in order, resuming exactly, same-millisecond versions included', () => {
    const docs = [
      version('Patient', 'p', 2, 2000),
      version('Observation', 'o', 1, 2000),
      version('Patient', 'p', 1, 1000),
      version('Patient', 'q', 1, 2000),
      version('Patient', 'p', 3, 3000),
    ];
    const all = changesAfter(docs, undefined, 100, 10_000);
    assert.deepEqual(
      all.map((c) => `${c.resourceType}/${c.id}/${c.versionId}`),
      ['Patient/p/1', 'Observation/o/1', 'Patient/p/2', 'Patient/q/1', 'Patient/p/3'],
    );
    assert.deepEqual(all[0], {
      resourceType: 'Patient',
      id: 'p',
      versionId: 1,
      deleted: false,
      lastUpdated: new Date(1000).toISOString(),
      position: '1000/Patient/p/0000000001',
    });
    const paged: ChangeRecord[] = [];
    let position: string | undefined;
    for (let page = changesAfter(docs, position, 2, 10_000); page.length > 0;) {
      paged.push(...page);
      position = page[page.length - 1]?.position;
      page = changesAfter(docs, position, 2, 10_000);
    }
    assert.deepEqual(paged, all);
  });

  it('holds back versions inside the settle window, so a late commit with an earlier timestamp is not skipped', () => {
    const settleMs = 2000;
    const docs = [version('Patient', 'a', 1, 1000), version('Patient', 'c', 1, 3000)];
    // The reader at 3500 sees only what is older than 1500.
    const first = changesAfter(docs, undefined, 10, 3500 - settleMs);
    assert.deepEqual(
      first.map((c) => c.id),
      ['a'],
    );
    // A transaction stamped at 2000 commits at 3600, after `c` was written.
    docs.push(version('Patient', 'b', 1, 2000));
    const next = changesAfter(docs, first[0]?.position, 10, 5100 - settleMs);
    assert.deepEqual(
      next.map((c) => c.id),
      ['b', 'c'],
    );
  });
});
