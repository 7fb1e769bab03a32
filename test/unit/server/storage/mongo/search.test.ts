// Covers: https://hl7.org/fhir/R4/search.html#sort (several values per resource: min ascending,
// max descending; resources without a value last; id tiebreaker), #count and keyset paging forwards
// and backwards, #total, system/`_type` search over several types (merged in order), tombstones
// never matching. Runs the real compiled pipelines on in-memory documents with mingo.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IndexEntry } from '../../../../../server/src/search/index-entries';
import type { SearchPlan, SortKey } from '../../../../../server/src/search/plan';
import { runSearch } from '../../../../../server/src/storage/mongo/search';
import type { StoreSearchResult } from '../../../../../server/src/storage/store';
import { memorySource, put, type Collections } from './in-memory-source';

const names = (...family: string[]): IndexEntry[] =>
  family.map((f) => ({ kind: 'string', code: 'family', norm: f.toLowerCase(), exact: f }));

function fixture(): Collections {
  const db: Collections = new Map();
  put(db, 'Patient', 'p1', names('Zed', 'Adams'), { lastUpdated: '2024-01-01T00:00:00.001Z' });
  put(db, 'Patient', 'p2', names('Brown'), { lastUpdated: '2024-01-01T00:00:00.002Z' });
  put(db, 'Patient', 'p3', [], { lastUpdated: '2024-01-01T00:00:00.003Z' });
  put(db, 'Patient', 'p4', names('Clark'), { lastUpdated: '2024-01-01T00:00:00.004Z' });
  put(db, 'Patient', 'p5', names('Brown'), { lastUpdated: '2024-01-01T00:00:00.005Z' });
  put(db, 'Patient', 'p6', [], { lastUpdated: '2024-01-01T00:00:00.006Z' });
  put(db, 'Patient', 'p7', [], { deleted: true, versionId: 2 });
  put(db, 'Practitioner', 'd1', names('Baker'));
  put(db, 'Practitioner', 'd2', []);
  return db;
}

const ids = (r: StoreSearchResult): string[] => r.hits.map((h) => h.resource.id);
const family = (descending: boolean): SortKey[] => [{ code: 'family', kind: 'string', descending }];
const plan = (over: Partial<SearchPlan>): SearchPlan => ({
  resourceTypes: ['Patient'],
  conditions: [],
  sort: [],
  count: 100,
  total: 'none',
  ...over,
});

/** Pages through a search with `after` cursors, then back with `before` cursors. */
async function walk(db: Collections, base: SearchPlan): Promise<{ forward: string[][]; backward: string[][] }> {
  const source = memorySource(db);
  const forward: string[][] = [];
  let page = await runSearch(source, base);
  const pages: StoreSearchResult[] = [page];
  forward.push(ids(page));
  while (page.hasMore) {
    const last = page.hits[page.hits.length - 1]!;
    page = await runSearch(source, {
      ...base,
      cursor: { direction: 'after', values: last.sortValues, id: last.resource.id },
    });
    pages.push(page);
    forward.push(ids(page));
  }
  const backward: string[][] = [ids(page)];
  while (page.hits.length > 0) {
    const first = page.hits[0]!;
    page = await runSearch(source, {
      ...base,
      cursor: { direction: 'before', values: first.sortValues, id: first.resource.id },
    });
    if (page.hits.length > 0) {
      backward.unshift(ids(page));
    }
    if (!page.hasMore) {
      break;
    }
  }
  return { forward, backward };
}

describe('runSearch on compiled pipelines', () => {
  it('default order is by id, tombstones excluded', async () => {
    assert.deepEqual(ids(await runSearch(memorySource(fixture()), plan({}))), ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });
  it("ascending sorts by each resource's smallest value, nulls last, ties by id", async () => {
    const r = await runSearch(memorySource(fixture()), plan({ sort: family(false) }));
    assert.deepEqual(ids(r), ['p1', 'p2', 'p5', 'p4', 'p3', 'p6']);
    assert.deepEqual(
      r.hits.map((h) => h.sortValues),
      [['Adams'], ['Brown'], ['Brown'], ['Clark'], [null], [null]],
    );
  });
  it('descending sorts by the largest value, still nulls last, ties by id descending', async () => {
    const r = await runSearch(memorySource(fixture()), plan({ sort: family(true) }));
    assert.deepEqual(ids(r), ['p1', 'p4', 'p5', 'p2', 'p6', 'p3']);
    assert.deepEqual(r.hits[0]!.sortValues, ['Zed']);
  });
  it('keyset pages forwards and backwards cover the same order without gaps or repeats', async () => {
    for (const descending of [false, true]) {
      const all = ids(await runSearch(memorySource(fixture()), plan({ sort: family(descending) })));
      const { forward, backward } = await walk(fixture(), plan({ sort: family(descending), count: 2 }));
      assert.deepEqual(forward.flat(), all);
      assert.ok(forward.every((p) => p.length <= 2));
      assert.deepEqual(backward, forward);
    }
  });
  it('paging by _lastUpdated descending', async () => {
    const { forward } = await walk(
      fixture(),
      plan({ sort: [{ code: '_lastUpdated', kind: 'lastUpdated', descending: true }], count: 4 }),
    );
    assert.deepEqual(forward, [
      ['p6', 'p5', 'p4', 'p3'],
      ['p2', 'p1'],
    ]);
  });
  it('several types merge into one order and page across type boundaries', async () => {
    const base = plan({ resourceTypes: ['Patient', 'Practitioner'], sort: family(false), count: 3 });
    const { forward, backward } = await walk(fixture(), base);
    assert.deepEqual(forward, [
      ['p1', 'd1', 'p2'],
      ['p5', 'p4', 'd2'],
      ['p3', 'p6'],
    ]);
    assert.deepEqual(backward, forward);
  });
  it('totals count every match; count 0 returns only the total', async () => {
    const source = memorySource(fixture());
    const r = await runSearch(
      source,
      plan({ resourceTypes: ['Patient', 'Practitioner'], count: 2, total: 'accurate' }),
    );
    assert.equal(r.total, 8);
    assert.equal(r.hasMore, true);
    assert.equal(r.hits.length, 2);
    const only = await runSearch(
      source,
      plan({
        conditions: [{ kind: 'missing', code: 'family', indexKind: 'string', missing: true }],
        count: 0,
        total: 'accurate',
      }),
    );
    assert.deepEqual(only, { hits: [], hasMore: true, total: 2 });
    const none = await runSearch(source, plan({ total: 'none' }));
    assert.equal(none.total, undefined);
    assert.equal(none.hasMore, false);
  });
  it('hits carry the stored version', async () => {
    const r = await runSearch(memorySource(fixture()), plan({ conditions: [{ kind: 'id', ids: ['p2'] }] }));
    assert.deepEqual(r.hits[0]!.resource, {
      resourceType: 'Patient',
      id: 'p2',
      versionId: 1,
      lastUpdated: '2024-01-01T00:00:00.002Z',
      deleted: false,
      json: JSON.stringify({ resourceType: 'Patient', id: 'p2' }),
      method: 'POST',
    });
  });
});
