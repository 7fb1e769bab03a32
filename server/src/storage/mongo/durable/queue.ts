/**
 * The work queue on MongoDB (server/src/durable/work-queue.ts), one document per job in the
 * `queue` collection (queue-documents.ts). Several Tessera processes lease from it at once:
 * each job is taken by one `findOneAndUpdate`, which matches and updates a single document
 * atomically, so a job can never be handed to two workers
 * (https://www.mongodb.com/docs/manual/core/write-operations-atomicity/); a batch is a loop of
 * them. Every settling update matches the lease token, so a worker whose lease expired and was
 * taken over changes nothing.
 */
import { MongoServerError, type ClientSession, type Collection, type Db } from 'mongodb';
import type {
  EnqueueRequest,
  JobFilter,
  JobStatus,
  LeasedJob,
  LeaseOptions,
  QueuedJob,
  QueueWriter,
  WorkQueue,
} from '../../../durable/work-queue';
import { durableCollection, QUEUE_COLLECTION } from '../collections';
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
} from './queue-documents';

const DUPLICATE_KEY = 11000;

/**
 * Adds a job unless its (topic, key) is queued. A keyed job is an upsert rather than an insert
 * that may fail: inside a transaction a duplicate-key error would abort the whole transaction.
 * Two transactions upserting one key conflict, and the driver retries the loser, which then
 * finds the winner's job.
 * @param jobs - the queue collection.
 * @param session - the transaction's session, if any.
 * @param request - the job.
 */
async function enqueueJob(
  jobs: Collection<JobDocument>,
  session: ClientSession | undefined,
  request: EnqueueRequest,
): Promise<{ id: string; created: boolean }> {
  const doc = newJobDocument(request, newRecordId(), new Date());
  if (doc.key === undefined) {
    await jobs.insertOne(doc, { session });
    return { id: doc._id, created: true };
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = await jobs.findOneAndUpdate({ topic: doc.topic, key: doc.key }, insertIfAbsent(doc), {
        upsert: true,
        returnDocument: 'before',
        projection: { _id: 1 },
        session,
      });
      return existing === null ? { id: doc._id, created: true } : { id: existing._id, created: false };
    } catch (err) {
      // Outside a transaction, two racing upserts may both try to insert; the loser's retry finds the job.
      const raced = err instanceof MongoServerError && err.code === DUPLICATE_KEY && session === undefined;
      if (!raced || attempt >= 3) {
        throw err;
      }
    }
  }
}

/** A QueueWriter inside a transaction. */
export class MongoQueueWriter implements QueueWriter {
  private readonly jobs: Collection<JobDocument>;

  /**
   * @param db - the database.
   * @param session - the session running the transaction.
   */
  constructor(
    db: Db,
    private readonly session: ClientSession,
  ) {
    this.jobs = durableCollection<JobDocument>(db, QUEUE_COLLECTION);
  }

  /** {@inheritDoc QueueWriter.enqueue} */
  enqueue(request: EnqueueRequest): Promise<{ id: string; created: boolean }> {
    return enqueueJob(this.jobs, this.session, request);
  }
}

/** The work queue on MongoDB. */
export class MongoWorkQueue implements WorkQueue {
  private readonly jobs: Collection<JobDocument>;

  /**
   * @param db - the database.
   */
  constructor(db: Db) {
    this.jobs = durableCollection<JobDocument>(db, QUEUE_COLLECTION);
  }

  /** {@inheritDoc QueueWriter.enqueue} */
  enqueue(request: EnqueueRequest): Promise<{ id: string; created: boolean }> {
    return enqueueJob(this.jobs, undefined, request);
  }

  /** {@inheritDoc WorkQueue.lease} */
  async lease(topics: readonly string[], options: LeaseOptions): Promise<LeasedJob[]> {
    if (topics.length === 0 || options.limit <= 0) {
      return [];
    }
    const now = options.now ?? new Date();
    const filter = leaseFilter(topics, now);
    const leased: LeasedJob[] = [];
    while (leased.length < options.limit) {
      const doc = await this.jobs.findOneAndUpdate(filter, leaseUpdate(newLeaseToken(), now, options.leaseMs), {
        sort: LEASE_SORT,
        returnDocument: 'after',
      });
      if (doc === null) {
        break;
      }
      leased.push(toLeasedJob(doc));
    }
    return leased;
  }

  /** {@inheritDoc WorkQueue.complete} */
  async complete(id: string, leaseToken: string): Promise<boolean> {
    const result = await this.jobs.updateOne(heldFilter(id, leaseToken), finishUpdate('done', new Date()));
    return result.matchedCount === 1;
  }

  /** {@inheritDoc WorkQueue.retry} */
  async retry(id: string, leaseToken: string, error: string, availableAt: Date): Promise<boolean> {
    const result = await this.jobs.updateOne(heldFilter(id, leaseToken), retryUpdate(error, availableAt, new Date()));
    return result.matchedCount === 1;
  }

  /** {@inheritDoc WorkQueue.deadLetter} */
  async deadLetter(id: string, leaseToken: string, reason: string): Promise<boolean> {
    const result = await this.jobs.updateOne(heldFilter(id, leaseToken), finishUpdate('dead', new Date(), reason));
    return result.matchedCount === 1;
  }

  /** {@inheritDoc WorkQueue.get} */
  async get(id: string): Promise<QueuedJob | undefined> {
    const doc = await this.jobs.findOne({ _id: id });
    return doc === null ? undefined : toQueuedJob(doc);
  }

  /** {@inheritDoc WorkQueue.list} */
  async list(filter: JobFilter): Promise<QueuedJob[]> {
    const docs = await this.jobs
      .find(jobListFilter(filter), { sort: { _id: 1 }, limit: filter.limit ?? 100 })
      .toArray();
    return docs.map(toQueuedJob);
  }

  /** {@inheritDoc WorkQueue.requeue} */
  async requeue(id: string): Promise<boolean> {
    const result = await this.jobs.updateOne(requeueFilter(id), requeueUpdate(new Date()));
    return result.matchedCount === 1;
  }

  /** {@inheritDoc WorkQueue.counts} */
  async counts(): Promise<{ topic: string; status: JobStatus; count: number }[]> {
    const rows = await this.jobs
      .aggregate<{ _id: { topic: string; status: JobStatus }; count: number }>([...COUNTS_PIPELINE])
      .toArray();
    return rows.map((r) => ({ topic: r._id.topic, status: r._id.status, count: r.count }));
  }
}
