/**
 * The subscription dispatcher on a real SQLite store (https://hl7.org/fhir/R4/subscription.html:
 * criteria are a search applied to the new value; no notification on delete): jobs and the
 * change-feed position commit in one transaction, so a failure between them loses neither and
 * doubles nothing; a replay from an older position adds no job twice; a first start begins at
 * the latest change; superseded versions coalesce into the latest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Observation, Subscription } from '@medplum/fhirtypes';
import { systemAccess } from '../../../../server/src/context';
import type { DurableRecords } from '../../../../server/src/durable/records';
import { silentLogger } from '../../../../server/src/observability/logger';
import { createRepositoryFactory } from '../../../../server/src/repository/create-repository';
import type { FhirRepository } from '../../../../server/src/repository/repository';
import { SUBSCRIPTION_DELIVERY_TOPIC } from '../../../../server/src/subscriptions/channel';
import type { ChannelRegistry } from '../../../../server/src/subscriptions/channel';
import { POSITION_KEY, SubscriptionDispatcher } from '../../../../server/src/subscriptions/dispatcher';
import { createRestHookSender } from '../../../../server/src/subscriptions/rest-hook-sender';
import { createValidator } from '../../../../server/src/validation/fhir-validator';
import { openTempSqliteStore } from '../../../helpers/sqlite-temp';

let repo: FhirRepository;
let records: DurableRecords;
let cleanup: () => Promise<void>;
const senders: ChannelRegistry = { 'rest-hook': createRestHookSender() };
const logger = silentLogger();

before(async () => {
  const opened = await openTempSqliteStore();
  records = opened.store.records;
  cleanup = opened.cleanup;
  repo = createRepositoryFactory({
    store: opened.store,
    validator: createValidator(),
    baseUrl: () => 'http://tessera.test',
    logger,
  })(systemAccess);
});
after(async () => cleanup());

const dispatcher = (r: FhirRepository = repo): SubscriptionDispatcher =>
  new SubscriptionDispatcher({ repo: r, records, senders, logger });

const obs = (code: string): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
});

async function jobKeys(): Promise<string[]> {
  const jobs = await records.queue.list({ topic: SUBSCRIPTION_DELIVERY_TOPIC, limit: 1000 });
  return jobs.map((j) => j.key ?? '').sort();
}

/** Drains the feed. */
async function drain(d: SubscriptionDispatcher): Promise<void> {
  while ((await d.dispatchOnce()) > 0) {
    // next batch
  }
}

/** Jobs the crashing repository enqueued before failing. */
let enqueuedBeforeCrash = 0;

/** A repository whose transactions fail right after the jobs were enqueued (a crash before commit). */
function crashingRepo(inner: FhirRepository): FhirRepository {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'withTransaction') {
        return (fn: Parameters<FhirRepository['withTransaction']>[0]) =>
          target.withTransaction((tx, rec) =>
            fn(tx, {
              ...rec,
              queue: {
                enqueue: async (request) => {
                  enqueuedBeforeCrash++;
                  return rec.queue.enqueue(request);
                },
              },
              state: {
                setState: async () => {
                  throw new Error('simulated crash before commit');
                },
              },
            }),
          );
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

describe('SubscriptionDispatcher', () => {
  let sub: Subscription;

  it('starts at the latest change on a new deployment', async () => {
    await repo.create(obs('A-1')); // before any dispatcher ran: never notified
    const d = dispatcher();
    assert.equal(await d.dispatchOnce(), 0);
    assert.equal(await records.state.getState(POSITION_KEY), await records.changes.latestPosition());
    const { resource } = await repo.create<Subscription>({
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'test',
      criteria: 'Observation?code=http://loinc.org|A-1',
      channel: { type: 'rest-hook', endpoint: 'http://127.0.0.1:9/hook' },
    });
    await drain(d);
    sub = await repo.read<Subscription>('Subscription', resource.id!);
    assert.equal(sub.status, 'active');
    assert.deepEqual(await jobKeys(), []);
  });

  it('loses nothing and doubles nothing when the transaction fails after enqueueing', async () => {
    const before = await records.state.getState(POSITION_KEY);
    const { resource: o1 } = await repo.create(obs('A-1'));
    const { resource: o2 } = await repo.create(obs('A-1'));
    await repo.create(obs('B-2'));
    await assert.rejects(dispatcher(crashingRepo(repo)).dispatchOnce(), /simulated crash/);
    assert.equal(enqueuedBeforeCrash, 2);
    assert.equal(await records.state.getState(POSITION_KEY), before);
    assert.deepEqual(await jobKeys(), []);

    const d = dispatcher();
    await drain(d);
    const expected = [o1, o2].map((o) => `${sub.id}/Observation/${o.id}/1`).sort();
    assert.deepEqual(await jobKeys(), expected);

    // A replay from the older position (e.g. another process lagging) adds nothing twice.
    await records.state.setState(POSITION_KEY, before ?? '');
    await drain(dispatcher());
    assert.deepEqual(await jobKeys(), expected);
  });

  it('skips deletes and coalesces superseded versions into the latest', async () => {
    const keysBefore = await jobKeys();
    const { resource } = await repo.create(obs('A-1'));
    await repo.update({ ...resource, status: 'amended' });
    const { resource: gone } = await repo.create(obs('A-1'));
    await repo.delete('Observation', gone.id!);
    await drain(dispatcher());
    const added = (await jobKeys()).filter((k) => !keysBefore.includes(k));
    assert.deepEqual(added, [`${sub.id}/Observation/${resource.id}/2`]);
  });
});
