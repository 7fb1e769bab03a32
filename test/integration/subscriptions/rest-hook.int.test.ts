/**
 * FHIR R4 Subscriptions over rest-hook against a real HTTP peer
 * (https://hl7.org/fhir/R4/subscription.html): lifecycle requested -> active / error (#status),
 * criteria as a search (#2.46.5, no notification on delete or when no longer matching),
 * channel.payload and channel.header, durable delivery with retries, dead letters for refusals,
 * and Subscription.status/error following deliveries (error -> active after recovery).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Observation, Subscription } from '@medplum/fhirtypes';
import type { HookServer, Tessera } from './harness';
import { deliveryJobs, freePort, startHookServer, startTessera, subscribe, tempDb, waitFor } from './harness';

const LOINC = 'http://loinc.org';

function observation(code: string, value = 1): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code }] },
    valueQuantity: { value, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
  };
}

let db: Awaited<ReturnType<typeof tempDb>>;
let tessera: Tessera;
let hook: HookServer;
let codeSeq = 0;
/** A code no other test uses, so each test's Subscription only sees its own resources. */
const freshCode = (): string => `9${++codeSeq}-${Date.now() % 1000}`;

before(async () => {
  db = await tempDb();
  tessera = await startTessera(db.path);
  hook = await startHookServer();
});
after(async () => {
  await tessera.stop();
  await hook.close();
  await db.remove();
});

describe('rest-hook subscriptions', () => {
  it('accepts a valid Subscription and POSTs each matching version with payload and headers', async () => {
    const code = freshCode();
    const sub = await subscribe(
      tessera.repo,
      {
        type: 'rest-hook',
        endpoint: `${hook.url}/payload`,
        payload: 'application/fhir+json',
        header: ['Authorization: Bearer s3cret', 'X-Tenant: lab one'],
      },
      `Observation?code=${LOINC}|${code}`,
    );
    assert.equal(sub.status, 'active');
    assert.equal(sub.error, undefined);
    const before = hook.received.length;
    const { resource: match } = await tessera.repo.create(observation(code, 4.2));
    await tessera.repo.create(observation(`${code}-other`));
    const got = await waitFor('the hook', () => hook.received.find((r) => r.url === '/hook/payload'));
    await sleep(150); // nothing else may arrive
    const mine = hook.received.slice(before).filter((r) => r.url === '/hook/payload');
    assert.equal(mine.length, 1);
    assert.equal(got.method, 'POST');
    assert.equal(got.headers.authorization, 'Bearer s3cret');
    assert.equal(got.headers['x-tenant'], 'lab one');
    assert.match(got.headers['content-type'] ?? '', /^application\/fhir\+json/);
    const body = JSON.parse(got.body) as Observation;
    assert.equal(body.resourceType, 'Observation');
    assert.equal(body.id, match.id);
    assert.equal(body.meta?.versionId, '1');
    assert.equal(body.valueQuantity?.value, 4.2);
  });

  it('sends an empty body without payload, and notifies updates but not deletes or non-matching updates', async () => {
    const code = freshCode();
    await subscribe(
      tessera.repo,
      { type: 'rest-hook', endpoint: `${hook.url}/empty` },
      `Observation?code=${LOINC}|${code}`,
    );
    const count = (): number => hook.received.filter((r) => r.url === '/hook/empty').length;
    const { resource } = await tessera.repo.create(observation(code));
    await waitFor('first hook', () => (count() === 1 ? true : undefined));
    const empty = hook.received.find((r) => r.url === '/hook/empty')!;
    assert.equal(empty.body, '');
    assert.equal(empty.headers['content-type'], undefined);
    await tessera.repo.update({ ...resource, valueQuantity: { value: 2 } });
    await waitFor('second hook (update)', () => (count() === 2 ? true : undefined));
    await tessera.repo.update({ ...resource, code: { coding: [{ system: LOINC, code: 'no-longer' }] } });
    await tessera.repo.delete('Observation', resource.id!);
    await sleep(200);
    assert.equal(count(), 2);
  });

  it('puts Subscriptions it cannot serve in error with the reason', async () => {
    const email = await subscribe(
      tessera.repo,
      { type: 'email', endpoint: 'mailto:a@b.c' },
      'Observation?status=final',
    );
    assert.equal(email.status, 'error');
    assert.match(email.error ?? '', /channel type 'email' is not supported/);
    const ftp = await subscribe(tessera.repo, { type: 'rest-hook', endpoint: 'ftp://x/y' }, 'Observation?status=final');
    assert.equal(ftp.status, 'error');
    assert.match(ftp.error ?? '', /must be http or https/);
    const unknown = await subscribe(tessera.repo, { type: 'rest-hook', endpoint: hook.url }, 'Observation?nonsense=1');
    assert.equal(unknown.status, 'error');
    assert.match(unknown.error ?? '', /not a valid search/);
  });

  it('stops notifying a Subscription turned off', async () => {
    const code = freshCode();
    const sub = await subscribe(
      tessera.repo,
      { type: 'rest-hook', endpoint: `${hook.url}/off` },
      `Observation?code=${LOINC}|${code}`,
    );
    await tessera.repo.update<Subscription>({ ...sub, status: 'off' });
    await sleep(100); // the dispatcher reloads its Subscriptions
    await tessera.repo.create(observation(code));
    await sleep(200);
    assert.equal(hook.received.filter((r) => r.url === '/hook/off').length, 0);
  });

  it('retries while the peer is down, delivers once it is up, and the status goes error -> active', async () => {
    const code = freshCode();
    const port = await freePort();
    const sub = await subscribe(
      tessera.repo,
      { type: 'rest-hook', endpoint: `http://127.0.0.1:${port}/late`, payload: 'application/fhir+json' },
      `Observation?code=${LOINC}|${code}`,
    );
    const { resource } = await tessera.repo.create(observation(code));
    const failing = await waitFor('the Subscription to show the error', async () => {
      const s = await tessera.repo.read<Subscription>('Subscription', sub.id!);
      return s.status === 'error' ? s : undefined;
    });
    assert.match(failing.error ?? '', /^attempt 1 failed: POST http:\/\/127\.0\.0\.1:\d+\/late failed: .*ECONNREFUSED/);
    const late = await startHookServer(port);
    try {
      const got = await waitFor('the late delivery', () => late.received[0]);
      assert.equal((JSON.parse(got.body) as Observation).id, resource.id);
      const healed = await waitFor('the Subscription to be active again', async () => {
        const s = await tessera.repo.read<Subscription>('Subscription', sub.id!);
        return s.status === 'active' ? s : undefined;
      });
      assert.equal(healed.error, undefined);
      // The worker marks the job done just after the delivery that turned the Subscription active.
      const job = await waitFor('the job to be done', async () =>
        (await deliveryJobs(tessera)).find(
          (j) => j.key === `${sub.id}/Observation/${resource.id}/1` && j.status === 'done',
        ),
      );
      assert.ok((job?.attempts ?? 0) >= 2, `attempts ${job?.attempts}`);
      await sleep(150);
      assert.equal(late.received.length, 1);
    } finally {
      await late.close();
    }
  });

  it('dead-letters a delivery the peer refuses with 400 and shows it on the Subscription', async () => {
    const code = freshCode();
    const refusing = await startHookServer();
    refusing.status = 400;
    try {
      const sub = await subscribe(
        tessera.repo,
        { type: 'rest-hook', endpoint: refusing.url },
        `Observation?code=${LOINC}|${code}`,
      );
      const { resource } = await tessera.repo.create(observation(code));
      const key = `${sub.id}/Observation/${resource.id}/1`;
      const job = await waitFor('the dead letter', async () =>
        (await deliveryJobs(tessera)).find((j) => j.key === key && j.status === 'dead'),
      );
      assert.equal(job.attempts, 1);
      assert.match(job.lastError ?? '', /answered HTTP 400: refused with 400/);
      const s = await tessera.repo.read<Subscription>('Subscription', sub.id!);
      assert.equal(s.status, 'error');
      assert.match(s.error ?? '', /^attempt 1 failed permanently: .*HTTP 400/);
      assert.equal(refusing.received.length, 1);
    } finally {
      await refusing.close();
    }
  });

  it('retries 503 and 429 answers (not permanent)', async () => {
    const code = freshCode();
    const flaky = await startHookServer();
    flaky.status = 503;
    try {
      const sub = await subscribe(
        tessera.repo,
        { type: 'rest-hook', endpoint: flaky.url },
        `Observation?code=${LOINC}|${code}`,
      );
      await tessera.repo.create(observation(code));
      await waitFor('a 503 attempt', () => (flaky.received.length >= 1 ? true : undefined));
      flaky.status = 429;
      await waitFor('a 429 attempt', () => (flaky.received.length >= 2 ? true : undefined));
      flaky.status = 204;
      await waitFor('the Subscription to be active', async () => {
        const s = await tessera.repo.read<Subscription>('Subscription', sub.id!);
        return s.status === 'active' && flaky.status === 204 && flaky.received.length >= 3 ? s : undefined;
      });
      const job = await waitFor('the job to be done', async () =>
        (await deliveryJobs(tessera)).find((j) => j.key?.startsWith(`${sub.id}/`) && j.status === 'done'),
      );
      assert.ok(job.attempts >= 3, `attempts ${job.attempts}`);
    } finally {
      await flaky.close();
    }
  });
});
