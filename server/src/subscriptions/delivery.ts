/**
 * Delivers one queued notification: reads the Subscription and the notified resource version,
 * hands them to the channel's sender, and mirrors the outcome on the Subscription
 * (https://hl7.org/fhir/R4/subscription.html#errors): a failed attempt sets `status: error` and a
 * readable `error` ("attempt n failed: reason"); the next success sets `active` back and removes
 * `error`. To avoid a version per failed attempt while a peer is down, an `error` Subscription is
 * rewritten only when the reason changes, so the attempt number shown is the first one that failed
 * for that reason; each job's own attempts and last error are in the queue.
 *
 * A Subscription that was deleted or turned `off` while jobs were queued gets no delivery: its
 * pending jobs complete without sending.
 */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { JobHandler } from '../durable/queue-worker';
import { errorReason, PermanentJobError } from '../durable/queue-worker';
import type { LeasedJob } from '../durable/work-queue';
import { FhirError } from '../errors/outcome';
import type { Logger } from '../observability/logger';
import type { FhirRepository } from '../repository/repository';
import { PermanentDeliveryError } from './channel';
import type { ChannelRegistry, DeliveryJob } from './channel';
import { readSubscription, updateSubscriptionStatus } from './status';

/** What a delivery handler needs. */
export interface DeliveryDeps {
  /** A system repository. */
  readonly repo: FhirRepository;
  readonly senders: ChannelRegistry;
  readonly logger: Logger;
}

/** The attempt number at the start of a Subscription.error written here. */
const ATTEMPT_PREFIX = /^attempt \d+ /;

/**
 * Reads a job payload.
 * @param payload - the stored payload.
 * @returns the delivery job.
 * @throws PermanentJobError when the payload is not a delivery job.
 */
export function readDeliveryJob(payload: unknown): DeliveryJob {
  const p = payload as Partial<DeliveryJob> | null;
  if (
    p === null ||
    typeof p !== 'object' ||
    typeof p.subscriptionId !== 'string' ||
    typeof p.resourceType !== 'string' ||
    typeof p.id !== 'string' ||
    typeof p.versionId !== 'number'
  ) {
    throw new PermanentJobError(`not a subscription delivery job: ${JSON.stringify(payload)}`);
  }
  return { subscriptionId: p.subscriptionId, resourceType: p.resourceType, id: p.id, versionId: p.versionId };
}

/**
 * Creates the queue handler for `subscription.delivery` jobs.
 * @param deps - repository, channels, logger.
 * @returns the handler.
 */
export function createDeliveryHandler(deps: DeliveryDeps): JobHandler {
  return async (job, signal) => {
    const delivery = readDeliveryJob(job.payload);
    const subscription = await readSubscription(deps.repo, delivery.subscriptionId);
    if (subscription === undefined || (subscription.status !== 'active' && subscription.status !== 'error')) {
      deps.logger.info({ job: job.key, status: subscription?.status ?? 'deleted' }, 'subscription inactive; skipped');
      return;
    }
    try {
      const type = subscription.channel?.type ?? '';
      const sender = Object.hasOwn(deps.senders, type) ? deps.senders[type] : undefined;
      if (sender === undefined) {
        throw new PermanentDeliveryError(`channel type '${type}' is not supported`);
      }
      const resource = await readVersion(deps.repo, delivery);
      await sender.send(
        { subscription, resource, repo: deps.repo, deliveryKey: job.key ?? '', attempt: job.attempts },
        signal,
      );
    } catch (err) {
      await recordStatus(deps, subscription, failure(job, err));
      throw err;
    }
    await recordStatus(deps, subscription, undefined);
  };
}

/** The notified version; a vanished version cannot be delivered, ever. */
async function readVersion(repo: FhirRepository, delivery: DeliveryJob): Promise<Resource> {
  try {
    return await repo.vread(delivery.resourceType as Resource['resourceType'], delivery.id, String(delivery.versionId));
  } catch (err) {
    if (err instanceof FhirError && err.status < 500) {
      throw new PermanentDeliveryError(
        `${delivery.resourceType}/${delivery.id}/_history/${delivery.versionId} cannot be read: ${err.message}`,
      );
    }
    throw err;
  }
}

/** The Subscription.error text of a failed attempt. */
function failure(job: LeasedJob, err: unknown): string {
  const permanent = err instanceof PermanentJobError;
  return `attempt ${job.attempts} failed${permanent ? ' permanently' : ''}: ${errorReason(err)}`;
}

/** Writes active (error undefined) or error; never throws (the delivery outcome matters more). */
async function recordStatus(deps: DeliveryDeps, subscription: Subscription, error: string | undefined): Promise<void> {
  const id = subscription.id ?? '';
  try {
    await updateSubscriptionStatus(deps.repo, id, (current) => {
      if (current.status !== 'active' && current.status !== 'error') {
        return undefined; // turned off (or re-requested) meanwhile: leave the client's choice
      }
      if (error === undefined) {
        return current.status === 'active' && current.error === undefined ? undefined : { status: 'active' };
      }
      const sameReason = current.status === 'error' && reasonOf(current.error) === reasonOf(error);
      return sameReason ? undefined : { status: 'error', error };
    });
  } catch (err) {
    deps.logger.error({ err, subscription: id }, 'could not record the delivery status on the Subscription');
  }
}

/** An attempt error without its attempt number. */
function reasonOf(error: string | undefined): string | undefined {
  return error?.replace(ATTEMPT_PREFIX, '');
}
