/**
 * Durable delivery across restarts (DESIGN.md "Durable work queue": jobs survive restarts;
 * https://hl7.org/fhir/R4/subscription.html notifications for every matching change): a job
 * pending when Tessera stops is delivered exactly once after the same SQLite file is reopened,
 * and changes committed while the dispatcher was not running are delivered exactly once from the
 * saved change-feed position, without replaying what was already delivered.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Observation } from '@medplum/fhirtypes';
import { deliveryJobs, freePort, startHookServer, startTessera, subscribe, tempDb, waitFor } from './harness';
import type { HookServer } from './harness';

const observation = (code: string, value: number): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  valueQuantity: { value },
});

let db: Awaited<ReturnType<typeof tempDb>>;
const peers: HookServer[] = [];

beforeEach(async () => {
  db = await tempDb();
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await db.remove();
});

describe('subscriptions across restarts', () => {
  it('delivers a job left pending at shutdown exactly once after reopening the file', async () => {
    const port = await freePort();
    const first = await startTessera(db.path);
    const sub = await subscribe(
      first.repo,
      { type: 'rest-hook', endpoint: `http://127.0.0.1:${port}/r`, payload: 'application/fhir+json' },
      'Observation?code=http://loinc.org|R-1',
    );
    const { resource } = await first.repo.create(observation('R-1', 1));
    const key = `${sub.id}/Observation/${resource.id}/1`;
    await waitFor('a failed attempt', async () =>
      (await deliveryJobs(first)).find((j) => j.key === key && j.status === 'ready' && j.attempts >= 1),
    );
    await first.stop();

    const peer = await startHookServer(port);
    peers.push(peer);
    const second = await startTessera(db.path);
    try {
      const got = await waitFor('the delivery after restart', () => peer.received[0]);
      assert.equal((JSON.parse(got.body) as Observation).id, resource.id);
      await waitFor('the job to be done', async () =>
        (await deliveryJobs(second)).find((j) => j.key === key && j.status === 'done'),
      );
      await sleep(200);
      assert.equal(peer.received.length, 1);
      assert.equal((await deliveryJobs(second)).length, 1);
    } finally {
      await second.stop();
    }
  });

  it('delivers changes committed while stopped exactly once, from the saved position', async () => {
    const peer = await startHookServer();
    peers.push(peer);
    const first = await startTessera(db.path);
    await subscribe(
      first.repo,
      { type: 'rest-hook', endpoint: peer.url, payload: 'application/fhir+json' },
      'Observation?code=http://loinc.org|P-1',
    );
    const { resource: before } = await first.repo.create(observation('P-1', 1));
    await waitFor('the first delivery', () => peer.received[0]);
    await first.stop();

    // Writes while no dispatcher runs (e.g. the process died right after these commits).
    const offline = await startTessera(db.path, { subscriptions: false });
    const during: string[] = [];
    for (let i = 2; i <= 4; i++) {
      during.push((await offline.repo.create(observation('P-1', i))).resource.id!);
    }
    await offline.repo.create(observation('other', 9));
    await offline.stop();

    const second = await startTessera(db.path);
    try {
      await waitFor('the three deliveries', () => (peer.received.length >= 4 ? true : undefined));
      await sleep(200);
      const ids = peer.received.map((r) => (JSON.parse(r.body) as Observation).id);
      assert.equal(ids[0], before.id);
      assert.deepEqual(ids.slice(1).sort(), [...during].sort()); // delivered concurrently: any order
    } finally {
      await second.stop();
    }
  });
});
