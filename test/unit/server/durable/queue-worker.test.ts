/**
 * QueueWorker on a real SQLite work queue (DESIGN.md "Durable work queue"): completion, bounded
 * concurrency, retry with exponential backoff and jitter, dead letter on PermanentJobError and
 * when attempts run out, handler timeout, wake(), and stop() draining in-flight handlers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  PermanentJobError,
  QueueWorker,
} from '../../../../server/src/durable/queue-worker';
import type { JobHandler, QueueWorkerOptions } from '../../../../server/src/durable/queue-worker';
import type { QueuedJob, WorkQueue } from '../../../../server/src/durable/work-queue';
import { silentLogger } from '../../../../server/src/observability/logger';
import { openTempSqliteStore } from '../../../helpers/sqlite-temp';
import { waitFor } from '../../../helpers/wait-for';

let queue: WorkQueue;
let cleanup: () => Promise<void>;
let topicSeq = 0;

before(async () => {
  const opened = await openTempSqliteStore();
  queue = opened.store.records.queue;
  cleanup = opened.cleanup;
});
after(async () => cleanup());

/** A fresh topic per test, so tests do not see each other's jobs. */
function topic(): string {
  return `test.topic.${++topicSeq}`;
}

function worker(t: string, handler: JobHandler, extra: Partial<QueueWorkerOptions> = {}): QueueWorker {
  return new QueueWorker({
    queue,
    topics: [t],
    handler,
    logger: silentLogger(),
    pollMs: 10,
    backoff: { baseMs: 30, maxMs: 1000, jitter: 0 },
    ...extra,
  });
}

async function settled(id: string): Promise<QueuedJob> {
  return waitFor(`job ${id} to settle`, async () => {
    const job = await queue.get(id);
    return job?.status === 'done' || job?.status === 'dead' ? job : undefined;
  });
}

describe('backoffDelay', () => {
  it('doubles per attempt from the base and stops at the cap', () => {
    const b = { baseMs: 1000, maxMs: 300_000, jitter: 0 };
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffDelay(n, b)),
      [1000, 2000, 4000, 8000],
    );
    assert.equal(backoffDelay(9, b), 256_000);
    assert.equal(backoffDelay(10, b), 300_000);
    assert.equal(backoffDelay(500, b), 300_000);
  });

  it('takes off at most the jitter fraction', () => {
    assert.equal(backoffDelay(3, DEFAULT_BACKOFF, 0), 4000);
    assert.equal(backoffDelay(3, DEFAULT_BACKOFF, 0.5), 3600);
    const low = backoffDelay(3, DEFAULT_BACKOFF, 0.999999);
    assert.ok(low >= 3200 && low < 3201, `delay ${low}`);
  });
});

describe('QueueWorker', () => {
  it('completes successful jobs and never runs more than `concurrency` at once', async () => {
    const t = topic();
    let running = 0;
    let peak = 0;
    const w = worker(
      t,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(20);
        running--;
      },
      { concurrency: 3 },
    );
    const ids = await Promise.all(Array.from({ length: 9 }, (_, i) => queue.enqueue({ topic: t, payload: { i } })));
    w.start();
    const jobs = await Promise.all(ids.map((j) => settled(j.id)));
    await w.stop();
    assert.ok(jobs.every((j) => j.status === 'done' && j.attempts === 1));
    assert.equal(peak, 3);
  });

  it('retries a failing job with growing delays, then completes it', async () => {
    const t = topic();
    const times: number[] = [];
    const w = worker(t, async (job) => {
      times.push(Date.now());
      if (job.attempts < 3) {
        throw new Error(`peer down (${job.attempts})`);
      }
    });
    const { id } = await queue.enqueue({ topic: t, payload: null, maxAttempts: 5 });
    w.start();
    const job = await settled(id);
    await w.stop();
    assert.equal(job.status, 'done');
    assert.equal(job.attempts, 3);
    assert.equal(job.lastError, 'peer down (2)');
    const [t1, t2, t3] = times as [number, number, number];
    assert.ok(t2 - t1 >= 30 - 5, `first retry after ${t2 - t1} ms`);
    assert.ok(t3 - t2 >= 60 - 5, `second retry after ${t3 - t2} ms`);
  });

  it('dead-letters at once on a PermanentJobError, with its reason', async () => {
    const t = topic();
    const w = worker(t, async () => {
      throw new PermanentJobError('HTTP 400: bad payload');
    });
    const { id } = await queue.enqueue({ topic: t, payload: null, maxAttempts: 5 });
    w.start();
    const job = await settled(id);
    await w.stop();
    assert.equal(job.status, 'dead');
    assert.equal(job.attempts, 1);
    assert.equal(job.lastError, 'HTTP 400: bad payload');
  });

  it('dead-letters when the attempts are used up', async () => {
    const t = topic();
    const w = worker(t, async () => {
      throw new Error('connection refused');
    });
    const { id } = await queue.enqueue({ topic: t, payload: null, maxAttempts: 3 });
    w.start();
    const job = await settled(id);
    await w.stop();
    assert.equal(job.status, 'dead');
    assert.equal(job.attempts, 3);
    assert.equal(job.lastError, 'gave up after 3 attempts: connection refused');
  });

  it('aborts a handler past its time limit and retries the job', async () => {
    const t = topic();
    let aborted = false;
    const w = worker(
      t,
      async (job, signal) => {
        if (job.attempts === 1) {
          await new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve();
            }),
          );
        }
      },
      { timeoutMs: 40 },
    );
    const { id } = await queue.enqueue({ topic: t, payload: null });
    w.start();
    const job = await settled(id);
    await w.stop();
    assert.equal(aborted, true);
    assert.equal(job.status, 'done');
    assert.equal(job.attempts, 2);
    assert.match(job.lastError ?? '', /timed out after 40 ms/);
  });

  it('wake() leases at once instead of waiting for the poll interval', async () => {
    const t = topic();
    const w = worker(t, async () => undefined, { pollMs: 60_000 });
    w.start();
    await sleep(20); // the worker is now idle for a minute
    const { id } = await queue.enqueue({ topic: t, payload: null });
    const started = Date.now();
    w.wake();
    const job = await settled(id);
    await w.stop();
    assert.equal(job.status, 'done');
    assert.ok(Date.now() - started < 2000);
  });

  it('stop() waits for handlers in flight and leases nothing more', async () => {
    const t = topic();
    let finished = 0;
    const w = worker(t, async () => {
      await sleep(80);
      finished++;
    });
    const first = await queue.enqueue({ topic: t, payload: null });
    w.start();
    await waitFor('the job to be leased', async () =>
      (await queue.get(first.id))?.status === 'leased' ? true : undefined,
    );
    await w.stop();
    assert.equal(finished, 1);
    assert.equal((await queue.get(first.id))?.status, 'done');
    const later = await queue.enqueue({ topic: t, payload: null });
    await sleep(50);
    assert.equal((await queue.get(later.id))?.status, 'ready');
  });
});
