// Covers: the work-queue semantics of server/src/durable/work-queue.ts as the MongoDB backend
// builds them (lease filter and order, lease update, lease-token guard, retry with backoff and
// dead-lettering in one pipeline update, requeue, counts). No mongod runs here: the filters,
// sorts and updates are executed on in-memory job documents with mingo, an independent
// implementation of the MongoDB query and update language, the way findOneAndUpdate and
// updateOne apply them. The end-to-end behaviour runs in test/conformance/durable-mongo.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, find, updateOne } from 'mingo';
import { BSON, type Document } from 'mongodb';
import {
  COUNTS_PIPELINE,
  finishUpdate,
  heldFilter,
  insertIfAbsent,
  jobListFilter,
  LEASE_SORT,
  leaseFilter,
  leaseUpdate,
  newJobDocument,
  newLeaseToken,
  newRecordId,
  requeueFilter,
  requeueUpdate,
  retryUpdate,
  toLeasedJob,
  toQueuedJob,
  type JobDocument,
} from '../../../../../../server/src/storage/mongo/durable/queue-documents';
import type { EnqueueRequest } from '../../../../../../server/src/durable/work-queue';

const T0 = new Date('2024-05-01T00:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

/** A job document as a mingo row. */
type Row = JobDocument & Record<string, unknown>;

/** An update pipeline in mingo's type. */
const pipeline = (stages: Document[]): Parameters<typeof updateOne>[2] => stages as Parameters<typeof updateOne>[2];

/** An in-memory `queue` collection driven by the backend's own documents, filters and updates. */
class MemoryQueue {
  readonly docs: Row[] = [];

  enqueue(request: EnqueueRequest, now = T0): JobDocument {
    const doc = newJobDocument(request, newRecordId(), now);
    this.docs.push({ ...doc });
    return doc;
  }

  /** What MongoWorkQueue.lease does: findOneAndUpdate in a loop, in lease order. */
  lease(topics: string[], now: Date, limit: number, leaseMs = 1000): JobDocument[] {
    const leased: JobDocument[] = [];
    while (leased.length < limit) {
      const result = updateOne(this.docs, leaseFilter(topics, now), leaseUpdate(newLeaseToken(), now, leaseMs), {
        sort: LEASE_SORT,
      });
      if (result.matchedCount === 0 || result.modifiedIndex === undefined) {
        break;
      }
      leased.push({ ...(this.docs[result.modifiedIndex] as JobDocument) });
    }
    return leased;
  }

  get(id: string): JobDocument {
    const doc = this.docs.find((d) => d._id === id);
    assert.ok(doc, `job ${id}`);
    return doc;
  }
}

describe('queue documents', () => {
  it('record ids are 24 hex digits in creation order', () => {
    const ids = Array.from({ length: 50 }, newRecordId);
    assert.ok(ids.every((id) => /^[0-9a-f]{24}$/.test(id)));
    assert.deepEqual([...ids].sort(), ids);
  });

  it('a new job is ready with defaults, its key absent when none is given, and survives BSON', () => {
    const keyed = newJobDocument({ topic: 't', key: 'k', payload: { a: [1, 'x'], $ref: 'kept' } }, 'id1', T0);
    const plain = newJobDocument({ topic: 't', payload: undefined, maxAttempts: 3, availableAt: at(5000) }, 'id2', T0);
    assert.equal('key' in plain, false, 'no key field, so the partial unique index leaves the job out');
    assert.deepEqual([plain.maxAttempts, plain.availableAt, plain.payload], [3, at(5000), 'null']);
    const stored = BSON.deserialize(BSON.serialize(keyed)) as JobDocument;
    const job = toQueuedJob(stored);
    assert.deepEqual(job, {
      id: 'id1',
      topic: 't',
      key: 'k',
      payload: { a: [1, 'x'], $ref: 'kept' },
      status: 'ready',
      attempts: 0,
      maxAttempts: 10,
      availableAt: T0.toISOString(),
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
  });

  it('the dedupe upsert inserts everything but the fields its filter supplies', () => {
    const doc = newJobDocument({ topic: 't', key: 'k', payload: 1 }, 'id1', T0);
    const { $setOnInsert } = insertIfAbsent(doc) as { $setOnInsert: Record<string, unknown> };
    assert.deepEqual({ ...$setOnInsert, topic: 't', key: 'k' }, doc);
    assert.equal('topic' in $setOnInsert || 'key' in $setOnInsert, false);
  });

  it('leases due ready jobs and expired leases of the asked topics, oldest first then in creation order', () => {
    const q = new MemoryQueue();
    const late = q.enqueue({ topic: 'a', payload: 1, availableAt: at(300) });
    const early = q.enqueue({ topic: 'b', payload: 2, availableAt: at(100) });
    const tie1 = q.enqueue({ topic: 'a', payload: 3, availableAt: at(200) });
    const tie2 = q.enqueue({ topic: 'a', payload: 4, availableAt: at(200) });
    q.enqueue({ topic: 'c', payload: 5, availableAt: at(0) });
    const future = q.enqueue({ topic: 'a', payload: 6, availableAt: at(10_000) });
    const first = q.lease(['a', 'b'], at(1000), 3);
    assert.deepEqual(
      first.map((j) => j._id),
      [early._id, tie1._id, tie2._id],
    );
    assert.deepEqual(
      q.lease(['a', 'b'], at(1000), 10).map((j) => j._id),
      [late._id],
    );
    assert.deepEqual(q.lease(['a', 'b'], at(1500), 10), [], 'unexpired leases and future jobs stay put');
    const again = q.lease(['a', 'b'], at(2000), 10);
    assert.deepEqual(
      again.map((j) => j._id),
      [early._id, tie1._id, tie2._id, late._id],
      'leases that ended at 2000 are handed out again',
    );
    assert.ok(again.every((j) => j.attempts === 2));
    assert.equal(q.get(future._id).status, 'ready');
    assert.deepEqual(
      q.lease(['a'], at(10_000), 10).map((j) => j._id),
      [tie1._id, tie2._id, late._id, future._id],
      'expired leases keep their place by availableAt',
    );
  });

  it('a lease sets status, token, lease end and counts the attempt', () => {
    const q = new MemoryQueue();
    const { _id } = q.enqueue({ topic: 't', payload: null });
    const [doc] = q.lease(['t'], at(1000), 1, 30_000);
    assert.ok(doc);
    const job = toLeasedJob(doc);
    assert.equal(job.id, _id);
    assert.equal(job.status, 'leased');
    assert.equal(job.attempts, 1);
    assert.equal(job.leaseUntil, at(31_000).toISOString());
    assert.equal(job.updatedAt, at(1000).toISOString());
    assert.match(job.leaseToken, /^[0-9a-f]{24}$/);
    assert.throws(() => toLeasedJob(q.enqueue({ topic: 't', payload: null })), /no lease token/);
  });

  it('only the current lease token settles a job', () => {
    const q = new MemoryQueue();
    const { _id } = q.enqueue({ topic: 't', payload: null });
    const [first] = q.lease(['t'], at(0), 1);
    const [second] = q.lease(['t'], at(5000), 1);
    const stale = updateOne(q.docs, heldFilter(_id, first?.leaseToken ?? ''), finishUpdate('done', at(5001)));
    assert.equal(stale.matchedCount, 0);
    const current = updateOne(q.docs, heldFilter(_id, second?.leaseToken ?? ''), finishUpdate('done', at(5002)));
    assert.equal(current.matchedCount, 1);
    const done = q.get(_id);
    assert.deepEqual([done.status, done.leaseToken, done.leaseUntil], ['done', undefined, undefined]);
    assert.equal(find(q.docs, heldFilter(_id, second?.leaseToken ?? '')).all().length, 0, 'a token is spent once');
  });

  it('dead-letters with the reason', () => {
    const q = new MemoryQueue();
    const { _id } = q.enqueue({ topic: 't', payload: null });
    const [leased] = q.lease(['t'], at(0), 1);
    updateOne(q.docs, heldFilter(_id, leased?.leaseToken ?? ''), finishUpdate('dead', at(1), 'AR: bad type'));
    assert.deepEqual(toQueuedJob(q.get(_id)).lastError, 'AR: bad type');
    assert.equal(q.get(_id).status, 'dead');
  });

  it('retry returns the job for later, then dead-letters it with the reason when attempts are used up', () => {
    const q = new MemoryQueue();
    const { _id } = q.enqueue({ topic: 't', payload: null, maxAttempts: 2 });
    const [one] = q.lease(['t'], at(0), 1);
    const error = '$attempts: a reason that looks like a field path';
    updateOne(q.docs, heldFilter(_id, one?.leaseToken ?? ''), pipeline(retryUpdate(error, at(60_000), at(10))));
    const waiting = q.get(_id);
    assert.deepEqual(
      [waiting.status, waiting.lastError, waiting.availableAt, waiting.leaseToken, waiting.updatedAt],
      ['ready', error, at(60_000), undefined, at(10)],
    );
    assert.deepEqual(q.lease(['t'], at(59_999), 1), []);
    const [two] = q.lease(['t'], at(60_000), 1);
    assert.equal(two?.attempts, 2);
    updateOne(
      q.docs,
      heldFilter(_id, two?.leaseToken ?? ''),
      pipeline(retryUpdate('timeout', at(120_000), at(60_010))),
    );
    const dead = q.get(_id);
    assert.equal(dead.status, 'dead');
    assert.equal(dead.lastError, 'gave up after 2 attempts: timeout');
    assert.deepEqual(q.lease(['t'], at(1e9), 1), []);
  });

  it('requeue takes dead and done jobs back with fresh attempts, and nothing else', () => {
    const q = new MemoryQueue();
    const ready = q.enqueue({ topic: 't', payload: 1 });
    const dead = q.enqueue({ topic: 't', payload: 2 });
    const [, leased] = q.lease(['t'], at(0), 2);
    updateOne(q.docs, heldFilter(dead._id, leased?.leaseToken ?? ''), finishUpdate('dead', at(1), 'x'));
    assert.equal(updateOne(q.docs, requeueFilter(ready._id), requeueUpdate(at(2))).matchedCount, 0);
    assert.equal(updateOne(q.docs, requeueFilter(dead._id), requeueUpdate(at(2))).matchedCount, 1);
    const back = q.get(dead._id);
    assert.deepEqual([back.status, back.attempts, back.availableAt], ['ready', 0, at(2)]);
  });

  it('lists by topic and status, and counts per topic and status', () => {
    const q = new MemoryQueue();
    q.enqueue({ topic: 'b', payload: 1 });
    q.enqueue({ topic: 'a', payload: 2 });
    q.enqueue({ topic: 'a', payload: 3 });
    q.lease(['a'], at(0), 1);
    assert.equal(find(q.docs, jobListFilter({ topic: 'a' })).all().length, 2);
    assert.equal(find(q.docs, jobListFilter({ topic: 'a', status: 'ready' })).all().length, 1);
    assert.equal(find(q.docs, jobListFilter({})).all().length, 3);
    const rows = aggregate(q.docs, [...COUNTS_PIPELINE]) as { _id: { topic: string; status: string }; count: number }[];
    const counts = rows.map((r) => [r._id.topic, r._id.status, r.count]);
    assert.deepEqual(counts, [
      ['a', 'leased', 1],
      ['a', 'ready', 1],
      ['b', 'ready', 1],
    ]);
  });
});
