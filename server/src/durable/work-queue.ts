/**
 * The durable work queue port (DESIGN.md, "Durable work queue"): inference jobs and outbound
 * deliveries (REST hooks, ORU over MLLP, DICOM SR over C-STORE) stored in the same database as
 * the resources. A job is leased with a timeout, completed, retried with backoff, or
 * dead-lettered with a reason; jobs survive restarts because they are rows, not timers.
 *
 * Semantics every backend implements (test/conformance/durable.suite.ts):
 * - `enqueue` with a `key` is idempotent per topic: the same (topic, key) is stored once.
 * - `lease` hands out `ready` jobs whose `availableAt` has come, and `leased` jobs whose lease
 *   expired (the worker died), oldest first; it counts the attempt and issues a new lease token.
 * - `complete`, `retry` and `deadLetter` only act for the current lease token, so a worker whose
 *   lease expired cannot overwrite the outcome of the worker that took the job over.
 */

/** Where a job is in its life. */
export type JobStatus = 'ready' | 'leased' | 'done' | 'dead';

/** Every job status, in life order. */
export const JOB_STATUSES: readonly JobStatus[] = ['ready', 'leased', 'done', 'dead'];

/** A job to add. */
export interface EnqueueRequest {
  /** What kind of work, e.g. `subscription.delivery`, `inference.image`. */
  readonly topic: string;
  /** JSON-serializable job data. */
  readonly payload: unknown;
  /** Deduplication key: a second enqueue of the same (topic, key) adds nothing. */
  readonly key?: string;
  /** Earliest time the job may run (default now). */
  readonly availableAt?: Date;
  /** Attempts before the job is dead-lettered (default 10). */
  readonly maxAttempts?: number;
}

/** A stored job. */
export interface QueuedJob {
  readonly id: string;
  readonly topic: string;
  readonly key?: string;
  readonly payload: unknown;
  readonly status: JobStatus;
  /** Leases taken so far (the current one included). */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** ISO instant from which the job may be leased. */
  readonly availableAt: string;
  /** ISO instant the current lease ends (leased jobs). */
  readonly leaseUntil?: string;
  /** Why the last attempt failed, or why the job is dead. */
  readonly lastError?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A job handed to a worker, with the token that proves its lease. */
export interface LeasedJob extends QueuedJob {
  readonly leaseToken: string;
}

/** Options of `lease`. */
export interface LeaseOptions {
  /** How long the worker may hold the job before it is handed out again. */
  readonly leaseMs: number;
  /** The most jobs returned. */
  readonly limit: number;
  /** The current time (tests); default now. */
  readonly now?: Date;
}

/** Filter of `list`. */
export interface JobFilter {
  readonly topic?: string;
  readonly status?: JobStatus;
  readonly limit?: number;
}

/** The part of the queue usable inside a store transaction (enqueue atomically with resources). */
export interface QueueWriter {
  /**
   * Adds a job.
   * @param request - the job.
   * @returns its id, and whether it was new (false when the key was already queued).
   */
  enqueue(request: EnqueueRequest): Promise<{ id: string; created: boolean }>;
}

/** The work queue. */
export interface WorkQueue extends QueueWriter {
  /**
   * Leases jobs of some topics.
   * @param topics - the topics this worker serves.
   * @param options - lease duration and batch size.
   */
  lease(topics: readonly string[], options: LeaseOptions): Promise<LeasedJob[]>;
  /**
   * Marks a leased job done.
   * @returns false when the lease token is no longer current (nothing changed).
   */
  complete(id: string, leaseToken: string): Promise<boolean>;
  /**
   * Returns a leased job to `ready` for another attempt at `availableAt`; dead-letters it
   * instead when its attempts are used up.
   * @returns false when the lease token is no longer current.
   */
  retry(id: string, leaseToken: string, error: string, availableAt: Date): Promise<boolean>;
  /**
   * Moves a leased job to `dead` with a reason.
   * @returns false when the lease token is no longer current.
   */
  deadLetter(id: string, leaseToken: string, reason: string): Promise<boolean>;
  /** One job, or undefined. */
  get(id: string): Promise<QueuedJob | undefined>;
  /** Jobs, oldest first. */
  list(filter: JobFilter): Promise<QueuedJob[]>;
  /**
   * Puts a dead (or done) job back to `ready` with fresh attempts (operator action).
   * @returns false when the job does not exist or is ready/leased.
   */
  requeue(id: string): Promise<boolean>;
  /** Job counts per topic and status (for /metrics). */
  counts(): Promise<{ topic: string; status: JobStatus; count: number }[]>;
}

/** Attempts before a job is dead-lettered when the request does not say. */
export const DEFAULT_MAX_ATTEMPTS = 10;
