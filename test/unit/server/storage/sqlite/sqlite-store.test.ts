/**
 * SqliteStore persistence, versioning, history and transactions against real temp files.
 *
 * Covers:
 * - https://hl7.org/fhir/R4/http.html#read, #vread, #versioning (optimistic concurrency),
 *   #delete (tombstones), #history (instance, type, system; _since, _at, _count, paging)
 * - https://hl7.org/fhir/R4/http.html#transaction (atomicity; group commit isolation)
 * - Store port contract (server/src/storage/store.ts): readMany, scan, reindex, ping, close
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { IndexEntry } from '../../../../../server/src/search/index-entries';
import type { SearchPlan } from '../../../../../server/src/search/plan';
import { SqliteStore } from '../../../../../server/src/storage/sqlite/sqlite-store';
import { VersionConflictError, type ResourceWrite } from '../../../../../server/src/storage/store';
import { openTempSqliteStore } from '../../../../helpers/sqlite-temp';

let clock = Date.parse('2024-05-01T00:00:00.000Z');

function version(
  resourceType: string,
  id: string,
  versionId: number,
  extra: Partial<ResourceWrite> & { body?: Record<string, unknown> } = {},
): ResourceWrite {
  const lastUpdated = extra.lastUpdated ?? new Date((clock += 1000)).toISOString();
  const { body, ...rest } = extra;
  const deleted = rest.deleted ?? false;
  return {
    resourceType,
    id,
    versionId,
    lastUpdated,
    deleted,
    json: deleted
      ? ''
      : JSON.stringify({ resourceType, id, meta: { versionId: String(versionId), lastUpdated }, ...body }),
    method: deleted ? 'DELETE' : versionId === 1 ? 'POST' : 'PUT',
    index: [],
    compartments: [],
    ...rest,
  };
}

const byCode = (value: string): SearchPlan => ({
  resourceTypes: ['Observation'],
  conditions: [{ kind: 'token', code: 'code', value }],
  sort: [],
  count: 10,
  total: 'accurate',
});

describe('SqliteStore', () => {
  let store: SqliteStore;
  let path: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, path, cleanup } = await openTempSqliteStore());
  });
  afterEach(async () => cleanup());

  const write = (w: ResourceWrite): Promise<void> => store.transaction((s) => s.write(w));

  describe('basics', () => {
    it('reports its name and capabilities; init is idempotent; ping answers', async () => {
      assert.equal(store.name, 'sqlite');
      assert.deepEqual(store.capabilities, { transactions: true, accurateTotals: true });
      await store.init();
      await store.ping();
      const db = new Database(path, { readonly: true });
      try {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      } finally {
        db.close();
      }
    });

    it('reads nothing for a type that has no tables yet', async () => {
      assert.equal(await store.readCurrent('Patient', 'x'), undefined);
      assert.deepEqual(await store.readMany([{ resourceType: 'Patient', id: 'x' }]), []);
      assert.equal(await store.readVersion('Patient', 'x', 1), undefined);
      assert.deepEqual(await store.scan('Patient', undefined, 10), []);
      assert.deepEqual((await store.history({ resourceType: 'Patient', count: 10 })).versions, []);
    });

    it('writes and reads back current versions, specific versions and several at once', async () => {
      const v1 = version('Patient', 'a', 1, { body: { active: true } });
      await write(v1);
      await write(version('Patient', 'b', 1));
      const v2 = version('Patient', 'a', 2, { body: { active: false } });
      await write(v2);
      const current = await store.readCurrent('Patient', 'a');
      assert.deepEqual(current, {
        resourceType: 'Patient',
        id: 'a',
        versionId: 2,
        lastUpdated: v2.lastUpdated,
        deleted: false,
        json: v2.json,
        method: 'PUT',
      });
      assert.equal((await store.readVersion('Patient', 'a', 1))?.json, v1.json);
      assert.equal(await store.readVersion('Patient', 'a', 3), undefined);
      const many = await store.readMany([
        { resourceType: 'Patient', id: 'b' },
        { resourceType: 'Patient', id: 'missing' },
        { resourceType: 'Observation', id: 'a' },
        { resourceType: 'Patient', id: 'a' },
        { resourceType: 'Patient', id: 'b' },
      ]);
      assert.deepEqual(
        many.map((r) => `${r.resourceType}/${r.id}/${r.versionId}`),
        ['Patient/b/1', 'Patient/a/2'],
      );
    });

    it('rejects a write whose versionId - 1 is not the current version', async () => {
      await write(version('Patient', 'a', 1));
      await assert.rejects(write(version('Patient', 'a', 1)), (err: unknown) => {
        assert.ok(err instanceof VersionConflictError);
        assert.equal(err.expectedVersion, 0);
        return true;
      });
      await assert.rejects(write(version('Patient', 'a', 3)), VersionConflictError);
      await assert.rejects(write(version('Patient', 'new', 2)), VersionConflictError);
      assert.equal((await store.readCurrent('Patient', 'a'))?.versionId, 1);
    });

    it('keeps a tombstone with no index entries; the id can be written again', async () => {
      const index: IndexEntry[] = [{ kind: 'token', code: 'code', value: 'x' }];
      await write(version('Observation', 'o', 1, { index, compartments: ['Patient/p'] }));
      assert.equal((await store.search(byCode('x'))).total, 1);
      await write(version('Observation', 'o', 2, { deleted: true }));
      const tomb = await store.readCurrent('Observation', 'o');
      assert.equal(tomb?.deleted, true);
      assert.equal(tomb?.json, '');
      assert.equal(tomb?.method, 'DELETE');
      assert.deepEqual(await store.search(byCode('x')), { hits: [], hasMore: false, total: 0 });
      const compartment = await store.search({
        ...byCode('x'),
        conditions: [{ kind: 'compartment', compartments: ['Patient/p'] }],
      });
      assert.equal(compartment.total, 0);
      assert.deepEqual(await store.scan('Observation', undefined, 10), []);
      await write(version('Observation', 'o', 3, { index }));
      assert.equal((await store.search(byCode('x'))).hits[0]?.resource.versionId, 3);
    });

    it('replaces index entries on update', async () => {
      await write(version('Observation', 'o', 1, { index: [{ kind: 'token', code: 'code', value: 'old' }] }));
      await write(version('Observation', 'o', 2, { index: [{ kind: 'token', code: 'code', value: 'new' }] }));
      assert.equal((await store.search(byCode('old'))).total, 0);
      assert.equal((await store.search(byCode('new'))).total, 1);
    });

    it('scans current resources in id order and reindexes one', async () => {
      for (const id of ['c', 'a', 'b', 'd']) {
        await write(version('Observation', id, 1));
      }
      await write(version('Observation', 'b', 2, { deleted: true }));
      assert.deepEqual(
        (await store.scan('Observation', undefined, 2)).map((r) => r.id),
        ['a', 'c'],
      );
      assert.deepEqual(
        (await store.scan('Observation', 'c', 10)).map((r) => r.id),
        ['d'],
      );
      await store.reindex('Observation', 'd', [{ kind: 'token', code: 'code', value: 'r' }], []);
      assert.deepEqual(
        (await store.search(byCode('r'))).hits.map((h) => h.resource.id),
        ['d'],
      );
      await store.reindex('Observation', 'b', [{ kind: 'token', code: 'code', value: 'r' }], []);
      await store.reindex('Device', 'none', [{ kind: 'token', code: 'code', value: 'r' }], []);
      assert.equal((await store.search(byCode('r'))).total, 1);
    });

    it('persists across close and reopen, and refuses use after close', async () => {
      await write(version('Patient', 'a', 1, { index: [{ kind: 'string', code: 'name', norm: 'x', exact: 'X' }] }));
      await store.close();
      await assert.rejects(store.readCurrent('Patient', 'a'), /closed/);
      await assert.rejects(write(version('Patient', 'b', 1)), /closed/);
      const reopened = new SqliteStore({ path, synchronous: 'normal' });
      try {
        await reopened.init();
        assert.equal((await reopened.readCurrent('Patient', 'a'))?.versionId, 1);
        const found = await reopened.search({
          resourceTypes: ['Patient'],
          conditions: [{ kind: 'string', code: 'name', match: 'exact', value: 'X' }],
          sort: [],
          count: 5,
          total: 'none',
        });
        assert.deepEqual(
          found.hits.map((h) => h.resource.id),
          ['a'],
        );
      } finally {
        await reopened.close();
      }
    });
  });

  describe('history', () => {
    const times = {
      t1: '2024-01-01T00:00:00.000Z',
      t2: '2024-01-02T00:00:00.000Z',
      t3: '2024-01-03T00:00:00.000Z',
      t4: '2024-01-04T00:00:00.000Z',
      t5: '2024-01-05T00:00:00.000Z',
    };
    beforeEach(async () => {
      await write(version('Patient', 'a', 1, { lastUpdated: times.t1 }));
      await write(version('Observation', 'o', 1, { lastUpdated: times.t2 }));
      await write(version('Patient', 'a', 2, { lastUpdated: times.t3 }));
      await write(version('Patient', 'b', 1, { lastUpdated: times.t4 }));
      await write(version('Patient', 'a', 3, { lastUpdated: times.t5, deleted: true }));
    });
    const names = (page: { versions: readonly { resourceType: string; id: string; versionId: number }[] }): string[] =>
      page.versions.map((v) => `${v.resourceType}/${v.id}/${v.versionId}`);

    it('instance history is newest first, tombstones included, with a total', async () => {
      const page = await store.history({ resourceType: 'Patient', id: 'a', count: 10 });
      assert.deepEqual(names(page), ['Patient/a/3', 'Patient/a/2', 'Patient/a/1']);
      assert.equal(page.versions[0]?.deleted, true);
      assert.equal(page.versions[0]?.method, 'DELETE');
      assert.equal(page.total, 3);
      assert.equal(page.next, undefined);
    });

    it('type and system history', async () => {
      assert.deepEqual(names(await store.history({ resourceType: 'Patient', count: 10 })), [
        'Patient/a/3',
        'Patient/b/1',
        'Patient/a/2',
        'Patient/a/1',
      ]);
      assert.deepEqual(names(await store.history({ count: 10 })), [
        'Patient/a/3',
        'Patient/b/1',
        'Patient/a/2',
        'Observation/o/1',
        'Patient/a/1',
      ]);
    });

    it('_since keeps versions at or after the instant; _at those at or before it', async () => {
      assert.deepEqual(names(await store.history({ since: times.t3, count: 10 })), [
        'Patient/a/3',
        'Patient/b/1',
        'Patient/a/2',
      ]);
      assert.deepEqual(names(await store.history({ resourceType: 'Patient', at: times.t3, count: 10 })), [
        'Patient/a/2',
        'Patient/a/1',
      ]);
      assert.equal((await store.history({ resourceType: 'Patient', id: 'a', since: times.t2, count: 10 })).total, 2);
    });

    it('pages with an opaque cursor until no next remains', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.history({ count: 2, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...names(page));
        cursor = page.next;
        pages++;
      } while (cursor !== undefined);
      assert.equal(pages, 3);
      assert.deepEqual(seen, names(await store.history({ count: 10 })));
      await assert.rejects(store.history({ count: 2, cursor: 'not-a-cursor' }), /cursor/);
    });
  });

  describe('transactions', () => {
    it('a failing transaction leaves nothing behind, including lazily created tables', async () => {
      const boom = new Error('boom');
      await assert.rejects(
        store.transaction(async (s) => {
          await s.write(version('Device', 'd', 1, { index: [{ kind: 'token', code: 'type', value: 't' }] }));
          await s.write(version('Patient', 'p', 1));
          assert.equal((await s.readCurrent('Device', 'd'))?.versionId, 1);
          throw boom;
        }),
        (err) => err === boom,
      );
      assert.equal(await store.readCurrent('Device', 'd'), undefined);
      assert.equal(await store.readCurrent('Patient', 'p'), undefined);
      assert.deepEqual((await store.history({ count: 10 })).versions, []);
      const search = await store.search({
        resourceTypes: ['Device'],
        conditions: [],
        sort: [],
        count: 5,
        total: 'accurate',
      });
      assert.equal(search.total, 0);
      await write(version('Device', 'd', 1));
      assert.equal((await store.readCurrent('Device', 'd'))?.versionId, 1);
    });

    it('a session sees its own writes; readers outside see only committed data', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let inside: number | undefined;
      const tx = store.transaction(async (s) => {
        await s.write(version('Patient', 'p', 1, { index: [{ kind: 'token', code: 'active', value: 'true' }] }));
        inside = (await s.search({ resourceTypes: ['Patient'], conditions: [], sort: [], count: 5, total: 'accurate' }))
          .total;
        await gate;
        return 'done';
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(inside, 1);
      assert.equal(await store.readCurrent('Patient', 'p'), undefined);
      release();
      assert.equal(await tx, 'done');
      assert.equal((await store.readCurrent('Patient', 'p'))?.versionId, 1);
    });

    it('one failing transaction in a group commit does not affect the others', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          store.transaction(async (s) => {
            await s.write(version('Patient', `g${i}`, 1));
            if (i === 4) {
              throw new Error('tx 4 fails');
            }
            return i;
          }),
        ),
      );
      results.forEach((r, i) => {
        assert.equal(r.status, i === 4 ? 'rejected' : 'fulfilled');
      });
      const present = await store.readMany(
        Array.from({ length: 10 }, (_, i) => ({ resourceType: 'Patient', id: `g${i}` })),
      );
      assert.deepEqual(
        present.map((r) => r.id),
        ['g0', 'g1', 'g2', 'g3', 'g5', 'g6', 'g7', 'g8', 'g9'],
      );
    });

    it('a version conflict inside a group rejects only that transaction', async () => {
      await write(version('Patient', 'shared', 1));
      const results = await Promise.allSettled(
        [2, 2, 3].map((v, i) =>
          store.transaction(async (s) => {
            await s.write(version('Patient', `own${i}`, 1));
            await s.write(version('Patient', 'shared', v));
          }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.ok((results[1] as PromiseRejectedResult).reason instanceof VersionConflictError);
      assert.equal((await store.readCurrent('Patient', 'shared'))?.versionId, 3);
      assert.equal(await store.readCurrent('Patient', 'own1'), undefined);
      assert.equal((await store.readCurrent('Patient', 'own2'))?.versionId, 1);
    });

    it('many concurrent transactions (more than one group) all land', async () => {
      const n = 200;
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          store.transaction(async (s) => {
            const current = await s.readCurrent('Group', 'counter');
            await s.write(version('Group', 'counter', (current?.versionId ?? 0) + 1));
            await s.write(version('Patient', `c${i}`, 1));
          }),
        ),
      );
      assert.equal((await store.readCurrent('Group', 'counter'))?.versionId, n);
      assert.equal((await store.scan('Patient', undefined, 1000)).length, n);
      assert.equal((await store.history({ resourceType: 'Group', id: 'counter', count: 1 })).total, n);
    });

    it('rejects nested transactions and sessions used after their transaction', async () => {
      let leaked: Parameters<Parameters<SqliteStore['transaction']>[0]>[0] | undefined;
      await assert.rejects(
        store.transaction(async (s) => {
          leaked = s;
          await store.transaction(async () => undefined);
        }),
        /inside a transaction/,
      );
      await assert.rejects(
        store.transaction(async () => store.reindex('Patient', 'x', [], [])),
        /inside a transaction/,
      );
      await assert.rejects(leaked!.write(version('Patient', 'late', 1)), /after its transaction ended/);
      assert.equal(await store.readCurrent('Patient', 'late'), undefined);
    });
  });
});

describe('SqliteStore with a concurrent second store on the same file', () => {
  let dir: string;
  after(async () => rm(dir, { recursive: true, force: true }));

  it('sees the other writer’s types and rows after reopening', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-sqlite-two-'));
    const path = join(dir, 'db.sqlite');
    const first = new SqliteStore({ path });
    await first.init();
    await first.transaction((s) => s.write(version('Patient', 'a', 1)));
    const second = new SqliteStore({ path });
    await second.init();
    assert.equal((await second.readCurrent('Patient', 'a'))?.versionId, 1);
    await first.close();
    await second.close();
  });
});
