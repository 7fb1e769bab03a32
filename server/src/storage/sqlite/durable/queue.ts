/**
 * The work queue on SQLite (server/src/durable/work-queue.ts): one row per job in
 * `tessera_queue`. Leasing is a read of due rows and an update of each to `leased` in the same
 * write transaction, so two leases can never take the same job (SQLite serializes writers).
 */
import { randomBytes, randomUUID } from 'node:crypto';
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
import { DEFAULT_MAX_ATTEMPTS } from '../../../durable/work-queue';
import { QUEUE_TABLE } from '../schema';
import type { StatementCache } from '../statement-cache';
import type { DurableAccess } from './access';

interface JobRow {
  id: string;
  topic: string;
  dedupe_key: string | null;
  payload: string;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  available_at: number;
  lease_until: number | null;
  lease_token: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function toJob(row: JobRow): QueuedJob {
  return {
    id: row.id,
    topic: row.topic,
    ...(row.dedupe_key === null ? {} : { key: row.dedupe_key }),
    payload: JSON.parse(row.payload) as unknown,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    availableAt: iso(row.available_at),
    ...(row.lease_until === null ? {} : { leaseUntil: iso(row.lease_until) }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/**
 * Inserts a job unless its (topic, key) exists; runs on the write connection.
 * @param cache - write-connection statements.
 * @param request - the job.
 */
export function enqueueJob(cache: StatementCache, request: EnqueueRequest): { id: string; created: boolean } {
  if (request.key !== undefined) {
    const existing = cache
      .get(`SELECT id FROM ${QUEUE_TABLE} WHERE topic = ? AND dedupe_key = ?`)
      .get(request.topic, request.key) as { id: string } | undefined;
    if (existing) {
      return { id: existing.id, created: false };
    }
  }
  const id = randomUUID();
  const now = Date.now();
  cache
    .get(
      `INSERT INTO ${QUEUE_TABLE} (id, topic, dedupe_key, payload, status, attempts, max_attempts, available_at, ` +
        `created_at, updated_at) VALUES (?, ?, ?, ?, 'ready', 0, ?, ?, ?, ?)`,
    )
    .run(
      id,
      request.topic,
      request.key ?? null,
      JSON.stringify(request.payload ?? null),
      request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      request.availableAt?.getTime() ?? now,
      now,
      now,
    );
  return { id, created: true };
}

/** A QueueWriter bound to an open session's write connection. */
export class SqliteQueueWriter implements QueueWriter {
  /**
   * @param cache - statements of the session's write connection.
   */
  constructor(private readonly cache: () => StatementCache) {}

  /** {@inheritDoc QueueWriter.enqueue} */
  async enqueue(request: EnqueueRequest): Promise<{ id: string; created: boolean }> {
    return enqueueJob(this.cache(), request);
  }
}

/** The work queue on SQLite. */
export class SqliteWorkQueue implements WorkQueue {
  /**
   * @param db - read and write access.
   */
  constructor(private readonly db: DurableAccess) {}

  /** {@inheritDoc QueueWriter.enqueue} */
  enqueue(request: EnqueueRequest): Promise<{ id: string; created: boolean }> {
    return this.db.write((cache) => enqueueJob(cache, request));
  }

  /** {@inheritDoc WorkQueue.lease} */
  async lease(topics: readonly string[], options: LeaseOptions): Promise<LeasedJob[]> {
    if (topics.length === 0 || options.limit <= 0) {
      return [];
    }
    const now = (options.now ?? new Date()).getTime();
    const marks = topics.map(() => '?').join(', ');
    // Idle workers poll: a read on the committed connection answers "nothing due" without a
    // write transaction (and its fsync). A job that becomes due just after is found next poll.
    const due = this.db
      .read()
      .get(
        `SELECT 1 FROM ${QUEUE_TABLE} WHERE topic IN (${marks}) AND ` +
          `((status = 'ready' AND available_at <= ?) OR (status = 'leased' AND lease_until <= ?)) LIMIT 1`,
      )
      .get(...topics, now, now);
    if (due === undefined) {
      return [];
    }
    return this.db.write((cache) => {
      const rows = cache
        .get(
          `SELECT * FROM ${QUEUE_TABLE} WHERE topic IN (${marks}) AND ` +
            `((status = 'ready' AND available_at <= ?) OR (status = 'leased' AND lease_until <= ?)) ` +
            `ORDER BY available_at, seq LIMIT ?`,
        )
        .all(...topics, now, now, options.limit) as JobRow[];
      const update = cache.get(
        `UPDATE ${QUEUE_TABLE} SET status = 'leased', attempts = attempts + 1, lease_until = ?, lease_token = ?, ` +
          `updated_at = ? WHERE id = ?`,
      );
      return rows.map((row) => {
        const leaseToken = randomBytes(12).toString('hex');
        const leaseUntil = now + options.leaseMs;
        update.run(leaseUntil, leaseToken, now, row.id);
        return {
          ...toJob({ ...row, status: 'leased', attempts: row.attempts + 1, lease_until: leaseUntil, updated_at: now }),
          leaseToken,
        };
      });
    });
  }

  /** {@inheritDoc WorkQueue.complete} */
  complete(id: string, leaseToken: string): Promise<boolean> {
    return this.settle(id, leaseToken, 'done', null, undefined);
  }

  /** {@inheritDoc WorkQueue.retry} */
  retry(id: string, leaseToken: string, error: string, availableAt: Date): Promise<boolean> {
    return this.db.write((cache) => {
      const row = this.leased(cache, id, leaseToken);
      if (row === undefined) {
        return false;
      }
      const status: JobStatus = row.attempts >= row.max_attempts ? 'dead' : 'ready';
      const reason = status === 'dead' ? `gave up after ${row.attempts} attempts: ${error}` : error;
      return this.update(cache, id, status, reason, availableAt.getTime());
    });
  }

  /** {@inheritDoc WorkQueue.deadLetter} */
  deadLetter(id: string, leaseToken: string, reason: string): Promise<boolean> {
    return this.settle(id, leaseToken, 'dead', reason, undefined);
  }

  /** {@inheritDoc WorkQueue.get} */
  async get(id: string): Promise<QueuedJob | undefined> {
    const row = this.db.read().get(`SELECT * FROM ${QUEUE_TABLE} WHERE id = ?`).get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  /** {@inheritDoc WorkQueue.list} */
  async list(filter: JobFilter): Promise<QueuedJob[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.topic !== undefined) {
      where.push('topic = ?');
      args.push(filter.topic);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      args.push(filter.status);
    }
    const sql =
      `SELECT * FROM ${QUEUE_TABLE}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ` + 'ORDER BY seq LIMIT ?';
    const rows = this.db
      .read()
      .get(sql)
      .all(...args, filter.limit ?? 100) as JobRow[];
    return rows.map(toJob);
  }

  /** {@inheritDoc WorkQueue.requeue} */
  requeue(id: string): Promise<boolean> {
    return this.db.write((cache) => {
      const now = Date.now();
      const info = cache
        .get(
          `UPDATE ${QUEUE_TABLE} SET status = 'ready', attempts = 0, available_at = ?, lease_until = NULL, ` +
            `lease_token = NULL, updated_at = ? WHERE id = ? AND status IN ('dead', 'done')`,
        )
        .run(now, now, id);
      return info.changes === 1;
    });
  }

  /** {@inheritDoc WorkQueue.counts} */
  async counts(): Promise<{ topic: string; status: JobStatus; count: number }[]> {
    return this.db
      .read()
      .get(`SELECT topic, status, count(*) AS count FROM ${QUEUE_TABLE} GROUP BY topic, status ORDER BY topic, status`)
      .all() as { topic: string; status: JobStatus; count: number }[];
  }

  private settle(
    id: string,
    leaseToken: string,
    status: JobStatus,
    error: string | null,
    availableAt: number | undefined,
  ): Promise<boolean> {
    return this.db.write((cache) =>
      this.leased(cache, id, leaseToken) === undefined ? false : this.update(cache, id, status, error, availableAt),
    );
  }

  private leased(cache: StatementCache, id: string, leaseToken: string): JobRow | undefined {
    return cache
      .get(`SELECT * FROM ${QUEUE_TABLE} WHERE id = ? AND status = 'leased' AND lease_token = ?`)
      .get(id, leaseToken) as JobRow | undefined;
  }

  private update(
    cache: StatementCache,
    id: string,
    status: JobStatus,
    error: string | null,
    availableAt: number | undefined,
  ): boolean {
    const now = Date.now();
    cache
      .get(
        `UPDATE ${QUEUE_TABLE} SET status = ?, last_error = coalesce(?, last_error), ` +
          `available_at = coalesce(?, available_at), lease_until = NULL, lease_token = NULL, updated_at = ? WHERE id = ?`,
      )
      .run(status, error, availableAt ?? null, now, id);
    return true;
  }
}
