/**
 * A generic worker for the durable work queue (DESIGN.md, "Durable work queue"): it leases jobs
 * of some topics, runs a handler per job with bounded concurrency, completes the job on success,
 * and on failure either retries it with exponential backoff and jitter or dead-letters it with a
 * reason. Subscription deliveries, inference jobs and DICOM sends all run on it.
 *
 * Failure rules:
 * - the handler throws a {@link PermanentJobError}: dead letter at once (retrying cannot help);
 * - any other error, or the handler outlives `timeoutMs`: retry after
 *   `min(maxMs, baseMs * 2^(attempt-1))`, jittered, unless the job has used its attempts, then
 *   dead letter with "gave up after n attempts: reason".
 *
 * Leases are not renewed: keep `leaseMs` above `timeoutMs` so that a lease only expires when the
 * process died, in which case another worker (or this one after a restart) takes the job over.
 */
import type { Logger } from '../observability/logger';
import type { LeasedJob, WorkQueue } from './work-queue';

/** Thrown by a handler when retrying cannot succeed (e.g. the peer refused the content). */
export class PermanentJobError extends Error {
  /**
   * @param message - the reason, stored as the dead letter's reason.
   */
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** Runs one job; resolves when it is done. `signal` aborts when the worker's timeout elapses. */
export type JobHandler = (job: LeasedJob, signal: AbortSignal) => Promise<void>;

/** Exponential backoff settings. */
export interface BackoffOptions {
  /** Delay after the first failed attempt (default 1 s). */
  readonly baseMs: number;
  /** Largest delay (default 5 min). */
  readonly maxMs: number;
  /** Fraction of the delay that is randomized, 0..1 (default 0.2: the delay is 80 % to 100 %). */
  readonly jitter: number;
}

/** The default backoff: 1 s, 2 s, 4 s ... capped at 5 minutes, 20 % jitter. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 5 * 60 * 1000, jitter: 0.2 };

/** Options of a {@link QueueWorker}. */
export interface QueueWorkerOptions {
  readonly queue: WorkQueue;
  /** The topics served. */
  readonly topics: readonly string[];
  readonly handler: JobHandler;
  readonly logger: Logger;
  /** Jobs run at once (default 4). */
  readonly concurrency?: number;
  /** Idle poll interval (default 200 ms); `wake()` polls at once. */
  readonly pollMs?: number;
  /** Lease duration (default 2 min); must exceed `timeoutMs`. */
  readonly leaseMs?: number;
  /** Handler time limit (default 60 s); a handler past it is aborted and its job retried. */
  readonly timeoutMs?: number;
  readonly backoff?: Partial<BackoffOptions>;
}

/**
 * The delay before the next attempt.
 * @param attempt - the attempt that just failed (1 for the first).
 * @param backoff - base, cap and jitter.
 * @param random - a number in [0, 1) (tests pass a fixed one).
 * @returns milliseconds to wait.
 */
export function backoffDelay(attempt: number, backoff: BackoffOptions, random: number = Math.random()): number {
  const exponent = Math.max(0, attempt - 1);
  const capped = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(exponent, 52));
  return Math.round(capped * (1 - backoff.jitter * random));
}

/**
 * A readable reason from anything thrown (with its cause's message, e.g. a socket error).
 * @param err - what was thrown.
 * @returns the reason text.
 */
export function errorReason(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${err.message}${detail}`;
  }
  return String(err);
}

/** A sleep that `wake()` cuts short; a wake-up while awake makes the next sleep return at once. */
export class WakeableDelay {
  private wakeUp: (() => void) | undefined;
  private woken = false;

  /**
   * Sleeps for `ms` or until woken.
   * @param ms - the longest sleep.
   */
  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** Ends the current sleep, or the next one if none is running. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }
}

/** Leases and runs jobs until stopped. */
export class QueueWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly backoff: BackoffOptions;
  private readonly delay = new WakeableDelay();
  private running = false;
  private loop: Promise<void> | undefined;

  /**
   * @param options - queue, topics, handler and tuning.
   */
  constructor(private readonly options: QueueWorkerOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  /** Starts polling (idempotent). */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.loop = this.run();
  }

  /** Polls at once instead of waiting for the idle interval (e.g. right after an enqueue). */
  wake(): void {
    this.delay.wake();
  }

  /** Stops leasing and waits for the handlers in flight to finish (their outcomes are recorded). */
  async stop(): Promise<void> {
    this.running = false;
    this.delay.wake();
    await this.loop;
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private async run(): Promise<void> {
    const concurrency = Math.max(1, this.options.concurrency ?? 4);
    while (this.running) {
      const free = concurrency - this.inFlight.size;
      let leased = 0;
      if (free > 0) {
        leased = await this.leaseAndStart(free);
      }
      if (!this.running) {
        break;
      }
      if (free > 0 && leased === free) {
        continue; // more may be waiting
      }
      // A finishing handler wakes the loop, so a busy worker refills its free slot at once.
      await this.delay.sleep(this.options.pollMs ?? 200);
    }
  }

  /** Leases up to `limit` jobs and starts them; returns how many were leased. */
  private async leaseAndStart(limit: number): Promise<number> {
    let jobs: LeasedJob[];
    try {
      jobs = await this.options.queue.lease(this.options.topics, { leaseMs: this.leaseMs(), limit });
    } catch (err) {
      this.options.logger.error({ err, topics: this.options.topics }, 'queue lease failed');
      return 0;
    }
    for (const job of jobs) {
      const task = this.execute(job).finally(() => {
        this.inFlight.delete(task);
        this.wake();
      });
      this.inFlight.add(task);
    }
    return jobs.length;
  }

  private leaseMs(): number {
    return this.options.leaseMs ?? Math.max(2 * 60 * 1000, this.timeoutMs() * 2);
  }

  private timeoutMs(): number {
    return this.options.timeoutMs ?? 60 * 1000;
  }

  /** Runs one job and records its outcome; never rejects. */
  private async execute(job: LeasedJob): Promise<void> {
    const { queue, logger } = this.options;
    const log = logger.child({ jobId: job.id, topic: job.topic, attempt: job.attempts });
    try {
      await this.runHandler(job);
      if (!(await queue.complete(job.id, job.leaseToken))) {
        log.warn('job completed after its lease was taken over');
      }
      return;
    } catch (err) {
      await this.fail(job, err, log).catch((recordErr: unknown) =>
        log.error({ err: recordErr }, 'could not record the job failure'),
      );
    }
  }

  /** Runs the handler under the time limit. */
  private async runHandler(job: LeasedJob): Promise<void> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(`timed out after ${this.timeoutMs()} ms`);
        controller.abort(err);
        reject(err);
      }, this.timeoutMs());
    });
    try {
      await Promise.race([this.options.handler(job, controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Retries or dead-letters a failed job. */
  private async fail(job: LeasedJob, err: unknown, log: Logger): Promise<void> {
    const reason = errorReason(err);
    const { queue } = this.options;
    if (err instanceof PermanentJobError) {
      log.warn({ reason }, 'job failed permanently; dead-lettered');
      await queue.deadLetter(job.id, job.leaseToken, reason);
      return;
    }
    if (job.attempts >= job.maxAttempts) {
      log.warn({ reason }, 'job used its attempts; dead-lettered');
      await queue.deadLetter(job.id, job.leaseToken, `gave up after ${job.attempts} attempts: ${reason}`);
      return;
    }
    const delay = backoffDelay(job.attempts, this.backoff);
    log.info({ reason, retryInMs: delay }, 'job failed; will retry');
    await queue.retry(job.id, job.leaseToken, reason, new Date(Date.now() + delay));
  }
}
