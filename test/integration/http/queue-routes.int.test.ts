/**
 * The work queue's operator endpoints (server/src/http/queue-routes.ts): dead letters are visible
 * with their reason and attempts, can be requeued once fixed, and every error is an
 * OperationOutcome (404 unknown job, 409 a job still waiting or running, 400 a bad status filter,
 * 401 without the bearer token).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { QueuedJob } from '../../../server/src/durable/work-queue';
import { createTestApp, type TestApp } from '../../helpers/test-app';

describe('/admin/queue', () => {
  let t: TestApp;
  let dead: string;
  let waiting: string;
  const auth = { authorization: 'Bearer test-token' };
  before(async () => {
    t = await createTestApp({ auth: 'smart' });
    const queue = t.store.records.queue;
    dead = (await queue.enqueue({ topic: 'test.topic', payload: { n: 1 }, key: 'k1' })).id;
    waiting = (await queue.enqueue({ topic: 'test.topic', payload: { n: 2 }, key: 'k2' })).id;
    const [leased] = await queue.lease(['test.topic'], { leaseMs: 60_000, limit: 1 });
    assert.equal(leased?.id, dead);
    assert.ok(await queue.deadLetter(dead, leased.leaseToken, 'peer answered 400 Bad Request'));
  });
  after(async () => {
    await t.close();
  });

  it('lists dead letters with their reason and attempts, and counts jobs per status', async () => {
    const res = await t.request.get('/admin/queue/jobs?status=dead&topic=test.topic').set(auth);
    assert.equal(res.status, 200);
    const jobs = (res.body as { jobs: QueuedJob[] }).jobs;
    assert.deepEqual(
      jobs.map((j) => [j.id, j.status, j.attempts, j.lastError]),
      [[dead, 'dead', 1, 'peer answered 400 Bad Request']],
    );
    const counts = await t.request.get('/admin/queue/counts').set(auth);
    assert.deepEqual((counts.body as { counts: unknown[] }).counts, [
      { topic: 'test.topic', status: 'dead', count: 1 },
      { topic: 'test.topic', status: 'ready', count: 1 },
    ]);
  });

  it('requeues a dead letter with fresh attempts, and refuses a waiting job (409) or an unknown one (404)', async () => {
    const res = await t.request.post(`/admin/queue/jobs/${dead}/$requeue`).set(auth);
    assert.equal(res.status, 200);
    const job = (res.body as { job: QueuedJob }).job;
    assert.equal(job.status, 'ready');
    assert.equal(job.attempts, 0);
    const busy = await t.request.post(`/admin/queue/jobs/${waiting}/$requeue`).set(auth);
    assert.equal(busy.status, 409);
    assert.equal((busy.body as OperationOutcome).issue?.[0]?.code, 'conflict');
    const unknown = await t.request.post('/admin/queue/jobs/nope/$requeue').set(auth);
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body as OperationOutcome).resourceType, 'OperationOutcome');
  });

  it('refuses an unknown status filter (400) and a request without the token (401)', async () => {
    const bad = await t.request.get('/admin/queue/jobs?status=lost').set(auth);
    assert.equal(bad.status, 400);
    const anonymous = await t.request.get('/admin/queue/jobs');
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Bearer/);
  });
});
