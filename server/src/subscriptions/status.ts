/**
 * Writes `Subscription.status` and `Subscription.error`
 * (https://hl7.org/fhir/R4/subscription.html#status: requested -> active | error | off), through
 * the repository like any other write. A write happens only when the status or error actually
 * change, so a healthy Subscription does not gain a version per notification. Concurrent writers
 * (delivery workers, the dispatcher, a client) are reconciled with If-Match and a re-read.
 */
import type { Subscription } from '@medplum/fhirtypes';
import { FhirError } from '../errors/outcome';
import type { FhirRepository } from '../repository/repository';

/** The status and error a Subscription should have; undefined leaves it alone. */
export type StatusDecision = { readonly status: Subscription['status']; readonly error?: string } | undefined;

/** Attempts when another writer keeps winning the race. */
const MAX_TRIES = 5;

/**
 * Reads a Subscription, or undefined when it is unknown or deleted.
 * @param repo - a system repository.
 * @param id - the Subscription id.
 */
export async function readSubscription(repo: FhirRepository, id: string): Promise<Subscription | undefined> {
  try {
    return await repo.read<Subscription>('Subscription', id);
  } catch (err) {
    if (err instanceof FhirError && (err.status === 404 || err.status === 410)) {
      return undefined;
    }
    throw err;
  }
}

/**
 * Applies a status decision to the current version of a Subscription.
 * @param repo - a system repository.
 * @param id - the Subscription id.
 * @param decide - from the current Subscription, the wanted status and error (undefined: no change).
 * @returns the Subscription as stored afterwards, or undefined when it no longer exists.
 */
export async function updateSubscriptionStatus(
  repo: FhirRepository,
  id: string,
  decide: (current: Subscription) => StatusDecision,
): Promise<Subscription | undefined> {
  for (let tries = 1; ; tries++) {
    const current = await readSubscription(repo, id);
    if (current === undefined) {
      return undefined;
    }
    const wanted = decide(current);
    if (wanted === undefined || (wanted.status === current.status && wanted.error === current.error)) {
      return current;
    }
    const { error: _old, ...rest } = current;
    const next: Subscription = {
      ...rest,
      status: wanted.status,
      ...(wanted.error === undefined ? {} : { error: wanted.error }),
    };
    try {
      return (await repo.update(next, { ifMatch: Number(current.meta?.versionId) })).resource;
    } catch (err) {
      if (!(err instanceof FhirError && err.status === 412) || tries >= MAX_TRIES) {
        throw err;
      }
    }
  }
}
