/**
 * The work-queue documents in the `queue` collection and the filters and updates that move a job
 * through its life (server/src/durable/work-queue.ts). Kept free of I/O so that the unit tests
 * run them on in-memory documents with mingo.
 *
 * A job document: `_id` (ObjectId hex, so `_id` order is creation order within a process),
 * `topic`, `key` (absent without one, see QUEUE_INDEXES), `payload` (the JSON text, as SQLite
 * keeps it: a payload round-trips exactly as `JSON.parse(JSON.stringify(p))` whatever its keys),
 * `status`, `attempts`, `maxAttempts`, `availableAt`, `leaseUntil`, `leaseToken`, `lastError`,
 * `createdAt`, `updatedAt` (BSON dates).
 */
import { randomBytes } from 'node:crypto';
import { ObjectId, type Document } from 'mongodb';
import type { EnqueueRequest, JobFilter, JobStatus, LeasedJob, QueuedJob } from '../../../durable/work-queue';
import { DEFAULT_MAX_ATTEMPTS } from '../../../durable/work-queue';

/** One job in the `queue` collection. */
export interface JobDocument {
  _id: string;
  topic: string;
  key?: string;
  payload: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  availableAt: Date;
  leaseUntil?: Date;
  leaseToken?: string;
  lastError?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A new, time-ordered record id (24 hex digits). */
export function newRecordId(): string {
  return new ObjectId().toHexString();
}

/** A new lease token (unguessable, so only the worker that leased a job can settle it). */
export function newLeaseToken(): string {
  return randomBytes(12).toString('hex');
}

/**
 * The document of a new job.
 * @param request - the job.
 * @param id - its record id.
 * @param now - the enqueue time.
 */
export function newJobDocument(request: EnqueueRequest, id: string, now: Date): JobDocument {
  return {
    _id: id,
    topic: request.topic,
    ...(request.key === undefined ? {} : { key: request.key }),
    payload: JSON.stringify(request.payload ?? null),
    status: 'ready',
    attempts: 0,
    maxAttempts: request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    availableAt: request.availableAt ?? now,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A stored job in the port's shape.
 * @param doc - the job document.
 */
export function toQueuedJob(doc: JobDocument): QueuedJob {
  return {
    id: doc._id,
    topic: doc.topic,
    ...(doc.key === undefined ? {} : { key: doc.key }),
    payload: JSON.parse(doc.payload) as unknown,
    status: doc.status,
    attempts: doc.attempts,
    maxAttempts: doc.maxAttempts,
    availableAt: doc.availableAt.toISOString(),
    ...(doc.leaseUntil === undefined ? {} : { leaseUntil: doc.leaseUntil.toISOString() }),
    ...(doc.lastError === undefined ? {} : { lastError: doc.lastError }),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/**
 * A job just leased, with its token.
 * @param doc - the job document after the lease update.
 */
export function toLeasedJob(doc: JobDocument): LeasedJob {
  if (doc.leaseToken === undefined) {
    throw new Error(`Job ${doc._id} has no lease token`);
  }
  return { ...toQueuedJob(doc), leaseToken: doc.leaseToken };
}

/**
 * What an upsert of a keyed job sets when no job has its (topic, key): everything but the
 * filter's own fields, which the server copies into the new document.
 * @param doc - the new job document.
 */
export function insertIfAbsent(doc: JobDocument): Document {
  const { topic: _topic, key: _key, ...rest } = doc;
  return { $setOnInsert: rest };
}

/**
 * Jobs a worker of `topics` may lease at `now`: ready and due, or leased with an expired lease.
 * @param topics - the worker's topics.
 * @param now - the lease time.
 */
export function leaseFilter(topics: readonly string[], now: Date): Document {
  return {
    topic: { $in: [...topics] },
    $or: [
      { status: 'ready', availableAt: { $lte: now } },
      { status: 'leased', leaseUntil: { $lte: now } },
    ],
  };
}

/** Lease order: oldest due first, then creation order. */
export const LEASE_SORT = { availableAt: 1, _id: 1 } as const;

/**
 * Takes a job: a new token and lease end, one more attempt.
 * @param token - the new lease token.
 * @param now - the lease time.
 * @param leaseMs - the lease duration.
 */
export function leaseUpdate(token: string, now: Date, leaseMs: number): Document {
  return {
    $set: { status: 'leased', leaseToken: token, leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now },
    $inc: { attempts: 1 },
  };
}

/**
 * The job `id` while it is still leased with `token`: every settling update matches this, so
 * a worker whose lease was taken over changes nothing.
 * @param id - the job id.
 * @param token - the token the worker holds.
 */
export function heldFilter(id: string, token: string): Document {
  return { _id: id, status: 'leased', leaseToken: token };
}

const RELEASE = { leaseUntil: '', leaseToken: '' } as const;

/**
 * Ends a lease as done or dead.
 * @param status - `done` or `dead`.
 * @param now - the time of the outcome.
 * @param reason - why it is dead (kept as lastError).
 */
export function finishUpdate(status: 'done' | 'dead', now: Date, reason?: string): Document {
  return { $set: { status, updatedAt: now, ...(reason === undefined ? {} : { lastError: reason }) }, $unset: RELEASE };
}

/**
 * Ends a lease for another attempt at `availableAt`, or as dead when the attempts are used up;
 * an update pipeline, so the decision and the write are one atomic step on the server.
 * @param error - why the attempt failed.
 * @param availableAt - when to try again.
 * @param now - the time of the outcome.
 */
export function retryUpdate(error: string, availableAt: Date, now: Date): Document[] {
  const usedUp = { $gte: ['$attempts', '$maxAttempts'] };
  const reason = { $literal: error };
  return [
    {
      $set: {
        status: { $cond: [usedUp, 'dead', 'ready'] },
        lastError: {
          $cond: [usedUp, { $concat: ['gave up after ', { $toString: '$attempts' }, ' attempts: ', reason] }, reason],
        },
        availableAt: { $literal: availableAt },
        updatedAt: { $literal: now },
      },
    },
    { $unset: Object.keys(RELEASE) },
  ];
}

/**
 * A dead or done job, which an operator may put back.
 * @param id - the job id.
 */
export function requeueFilter(id: string): Document {
  return { _id: id, status: { $in: ['dead', 'done'] } };
}

/**
 * Back to ready now, with fresh attempts.
 * @param now - the time of the requeue.
 */
export function requeueUpdate(now: Date): Document {
  return { $set: { status: 'ready', attempts: 0, availableAt: now, updatedAt: now }, $unset: RELEASE };
}

/**
 * The filter of `list`.
 * @param filter - topic and status.
 */
export function jobListFilter(filter: JobFilter): Document {
  return {
    ...(filter.topic === undefined ? {} : { topic: filter.topic }),
    ...(filter.status === undefined ? {} : { status: filter.status }),
  };
}

/** Job counts per topic and status, sorted. */
export const COUNTS_PIPELINE: readonly Document[] = [
  { $group: { _id: { topic: '$topic', status: '$status' }, count: { $sum: 1 } } },
  { $sort: { '_id.topic': 1, '_id.status': 1 } },
];
