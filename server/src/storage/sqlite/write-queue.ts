/**
 * Group commit on the single write connection. better-sqlite3 is synchronous but transaction
 * callbacks are async, so transactions are queued and run one after another. While a batch is
 * open, queued transactions join it: each runs inside its own SAVEPOINT within one outer
 * `BEGIN IMMEDIATE ... COMMIT`, so one fsync covers the whole group.
 *
 * - A transaction whose work throws is rolled back to its savepoint alone and rejects at once
 *   with its error; the others in the group are unaffected.
 * - Successful transactions resolve only after the outer COMMIT succeeded and, when an
 *   `afterCommit` flush is given (wal-sync.ts), after that flush: an acknowledged write is durable.
 *   The next group runs while the flush is in flight. If the COMMIT or flush fails they all reject.
 * - Each transaction body runs in the async context of its caller (AsyncResource.bind), not in
 *   the context of whichever caller happened to start the batch, so AsyncLocalStorage state such
 *   as the request context never leaks between transactions of one group.
 * See https://www.sqlite.org/lang_savepoint.html and https://www.sqlite.org/lang_transaction.html.
 */
import { AsyncResource } from 'node:async_hooks';
import type Database from 'better-sqlite3';

/** Callbacks that keep in-memory state in step with the batch (e.g. lazily created tables). */
export interface BatchHooks {
  /** A transaction's savepoint was released into the batch. */
  releaseSavepoint(): void;
  /** A transaction's savepoint was rolled back. */
  rollbackSavepoint(): void;
  /** The batch committed. */
  commitBatch(): void;
  /** The batch rolled back (commit failure or a broken transaction). */
  rollbackBatch(): void;
}

interface Job {
  readonly work: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

const SAVEPOINT = 'tessera_tx';

/** Serializes write transactions and commits them in groups. */
export class WriteQueue {
  private readonly queue: Job[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  /** Flushes not yet settled (close() waits for them). */
  private readonly flushes = new Set<Promise<void>>();

  /**
   * @param db - the write connection.
   * @param hooks - batch lifecycle callbacks.
   * @param maxGroup - the most transactions committed together.
   * @param afterCommit - makes a committed group durable (e.g. flushes the WAL) before it is acknowledged.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly hooks: BatchHooks,
    private readonly maxGroup = 64,
    private readonly afterCommit?: () => Promise<void>,
  ) {}

  /**
   * Queues `work` to run inside its own savepoint of a batch; resolves after the batch commits.
   * @param work - the transaction body; it may use the write connection until it settles.
   */
  run<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work: AsyncResource.bind(work), resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  /** Resolves once no transaction is queued or running and every commit flush has settled. */
  async whenIdle(): Promise<void> {
    if (this.running) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await Promise.allSettled([...this.flushes]);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        await this.runBatch();
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  private async runBatch(): Promise<void> {
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      this.queue.splice(0).forEach((job) => job.reject(err));
      return;
    }
    const succeeded: { job: Job; value: unknown }[] = [];
    let taken = 0;
    while (taken < this.maxGroup) {
      if (this.queue.length === 0 && !(await this.gather())) {
        break;
      }
      const job = this.queue.shift() as Job;
      taken++;
      const outcome = await this.runInSavepoint(job);
      if (outcome.ok) {
        succeeded.push({ job, value: outcome.value });
      } else if (outcome.broken || !this.db.inTransaction) {
        // The failure took the whole transaction down (e.g. SQLITE_FULL): nothing is durable.
        this.abortBatch(succeeded, outcome.error);
        return;
      }
    }
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      this.abortBatch(succeeded, err);
      return;
    }
    this.hooks.commitBatch();
    if (this.afterCommit === undefined) {
      succeeded.forEach(({ job, value }) => job.resolve(value));
      return;
    }
    const flush = this.afterCommit().then(
      () => succeeded.forEach(({ job, value }) => job.resolve(value)),
      (err: unknown) => succeeded.forEach(({ job }) => job.reject(err)),
    );
    this.flushes.add(flush);
    void flush.finally(() => this.flushes.delete(flush));
  }

  /**
   * Lets the event loop run once (I/O callbacks: requests and analyses that finished meanwhile)
   * before committing, so that they join this group: bigger groups mean fewer, larger commits,
   * which write far fewer WAL pages per transaction (the same B-tree pages are shared).
   */
  private async gather(): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.queue.length > 0;
  }

  private async runInSavepoint(
    job: Job,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown; broken: boolean }> {
    try {
      this.db.exec(`SAVEPOINT ${SAVEPOINT}`);
    } catch (err) {
      job.reject(err);
      return { ok: false, error: err, broken: true };
    }
    try {
      const value = await job.work();
      this.db.exec(`RELEASE ${SAVEPOINT}`);
      this.hooks.releaseSavepoint();
      return { ok: true, value };
    } catch (err) {
      let broken = !this.db.inTransaction;
      if (!broken) {
        try {
          this.db.exec(`ROLLBACK TO ${SAVEPOINT}`);
          this.db.exec(`RELEASE ${SAVEPOINT}`);
        } catch {
          broken = true;
        }
      }
      this.hooks.rollbackSavepoint();
      job.reject(err);
      return { ok: false, error: err, broken };
    }
  }

  private abortBatch(succeeded: readonly { job: Job }[], err: unknown): void {
    if (this.db.inTransaction) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // Nothing more can be done; the connection reports the transaction state.
      }
    }
    this.hooks.rollbackBatch();
    succeeded.forEach(({ job }) => job.reject(err));
  }
}
