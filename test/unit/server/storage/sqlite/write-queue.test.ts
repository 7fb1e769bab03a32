/**
 * Group commit on one SQLite connection (a real temp file).
 *
 * Covers:
 * - https://www.sqlite.org/lang_savepoint.html: each transaction in its own savepoint of one
 *   outer transaction; a failing one is rolled back alone
 * - durability contract of Store.transaction (server/src/storage/store.ts): promises resolve
 *   only after the outer COMMIT; a failed COMMIT rejects the whole group
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { WriteQueue, type BatchHooks } from '../../../../../server/src/storage/sqlite/write-queue';

describe('WriteQueue', () => {
  let dir: string;
  let db: Database.Database;
  let events: string[];
  const hooks: BatchHooks = {
    releaseSavepoint: () => events.push('release'),
    rollbackSavepoint: () => events.push('rollback-savepoint'),
    commitBatch: () => events.push('commit'),
    rollbackBatch: () => events.push('rollback-batch'),
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-wq-'));
    db = new Database(join(dir, 'q.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    events = [];
  });
  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const insert = (k: string) => async (): Promise<string> => {
    db.prepare('INSERT INTO t (k) VALUES (?)').run(k);
    await Promise.resolve();
    return k;
  };
  const keys = (): string[] => (db.prepare('SELECT k FROM t ORDER BY k').all() as { k: string }[]).map((r) => r.k);

  it('commits concurrently queued transactions as one group and resolves after COMMIT', async () => {
    const queue = new WriteQueue(db, hooks);
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((k) =>
        queue.run(insert(k)).then((v) => {
          events.push(`resolved ${v}`);
          return v;
        }),
      ),
    );
    assert.deepEqual(results, ['a', 'b', 'c', 'd']);
    assert.equal(events.filter((e) => e === 'commit').length, 1);
    assert.ok(events.indexOf('commit') < events.indexOf('resolved a'));
    assert.deepEqual(keys(), ['a', 'b', 'c', 'd']);
    assert.equal(db.inTransaction, false);
  });

  it('caps the group size', async () => {
    const queue = new WriteQueue(db, hooks, 3);
    await Promise.all(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k) => queue.run(insert(k))));
    assert.equal(events.filter((e) => e === 'commit').length, 3);
    assert.equal(keys().length, 7);
  });

  it('rolls back a failing transaction to its savepoint only', async () => {
    const queue = new WriteQueue(db, hooks);
    const failing = async (): Promise<never> => {
      db.prepare('INSERT INTO t (k) VALUES (?)').run('bad');
      throw new Error('fails');
    };
    const results = await Promise.allSettled([queue.run(insert('a')), queue.run(failing), queue.run(insert('c'))]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(keys(), ['a', 'c']);
    assert.deepEqual(
      events.filter((e) => e !== 'release'),
      ['rollback-savepoint', 'commit'],
    );
  });

  it('rejects every transaction of the group when COMMIT fails', async () => {
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE child (p TEXT REFERENCES t(k) DEFERRABLE INITIALLY DEFERRED)');
    const queue = new WriteQueue(db, hooks);
    const orphan = async (): Promise<string> => {
      db.prepare('INSERT INTO child (p) VALUES (?)').run('nobody');
      return 'orphan';
    };
    const results = await Promise.allSettled([queue.run(insert('a')), queue.run(orphan)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.match(String((results[0] as PromiseRejectedResult).reason), /FOREIGN KEY/);
    assert.deepEqual(keys(), []);
    assert.equal(events[events.length - 1], 'rollback-batch');
    assert.equal(db.inTransaction, false);
    // The queue keeps working afterwards.
    assert.equal(await queue.run(insert('z')), 'z');
    assert.deepEqual(keys(), ['z']);
  });

  it('runs each transaction in its caller’s async context, not the batch starter’s', async () => {
    const als = new AsyncLocalStorage<string>();
    const queue = new WriteQueue(db, hooks);
    const seen = await Promise.all(
      ['first', 'second', 'third'].map((name) =>
        als.run(name, () =>
          queue.run(async () => {
            await Promise.resolve();
            return als.getStore();
          }),
        ),
      ),
    );
    assert.deepEqual(seen, ['first', 'second', 'third']);
    assert.equal(events.filter((e) => e === 'commit').length, 1);
  });

  it('whenIdle waits for queued work', async () => {
    const queue = new WriteQueue(db, hooks);
    void queue.run(insert('a'));
    void queue.run(insert('b'));
    await queue.whenIdle();
    assert.deepEqual(keys(), ['a', 'b']);
    await queue.whenIdle();
  });
  it('acknowledges a group only after its afterCommit flush, and rejects it when the flush fails', async () => {
    let release: () => void = () => undefined;
    const flushed = new Promise<void>((resolve) => {
      release = resolve;
    });
    let flushes = 0;
    const queue = new WriteQueue(db, hooks, 64, async () => {
      flushes++;
      events.push('flush-start');
      await flushed;
      events.push('flush-done');
    });
    const pending = queue.run(insert('x')).then((v) => events.push(`resolved ${v}`));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(keys(), ['x'], 'committed');
    assert.ok(!events.includes('resolved x'), 'not acknowledged before the flush');
    release();
    await pending;
    assert.deepEqual(events.slice(-2), ['flush-done', 'resolved x']);
    assert.equal(flushes, 1);

    const failing = new WriteQueue(db, hooks, 64, () => Promise.reject(new Error('disk gone')));
    await assert.rejects(failing.run(insert('y')), /disk gone/);
    await failing.whenIdle();
  });
});
