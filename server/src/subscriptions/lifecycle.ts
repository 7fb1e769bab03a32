/**
 * The Subscription lifecycle Tessera applies (https://hl7.org/fhir/R4/subscription.html#status):
 * - `requested` -> `active` once Tessera accepts it: the criteria are a valid search for this
 *   server and a registered channel accepts the channel settings; otherwise `error` with the reason.
 * - `active` <-> `error` follow deliveries (delivery.ts); an `error` Subscription keeps matching,
 *   so it recovers by itself when the peer comes back.
 * - `off` never matches; neither does a Subscription whose `end` has passed: Tessera turns it `off`
 *   ("end: the time for the server to turn the subscription off").
 */
import type { Subscription } from '@medplum/fhirtypes';
import { FhirError } from '../errors/outcome';
import type { FhirRepository } from '../repository/repository';
import type { ChannelRegistry } from './channel';
import { parseCriteria } from './criteria';
import type { StatusDecision } from './status';

/**
 * Whether a Subscription's end has passed.
 * @param subscription - the Subscription.
 * @param now - the current time.
 */
export function isExpired(subscription: Subscription, now: Date): boolean {
  const end = subscription.end === undefined ? NaN : Date.parse(subscription.end);
  return !Number.isNaN(end) && end <= now.getTime();
}

/**
 * Why Tessera cannot serve a Subscription, checked without I/O: criteria syntax and channel.
 * @param subscription - the Subscription.
 * @param senders - the registered channels.
 * @returns undefined when acceptable, else the reason.
 */
export function channelProblem(subscription: Subscription, senders: ChannelRegistry): string | undefined {
  if (parseCriteria(subscription.criteria) === undefined) {
    return `criteria '${subscription.criteria ?? ''}' is not a search string 'Type?parameters'`;
  }
  const type = subscription.channel?.type ?? '';
  const sender = Object.hasOwn(senders, type) ? senders[type] : undefined;
  if (sender === undefined) {
    const supported = Object.keys(senders).sort().join(', ');
    return `channel type '${type}' is not supported (supported: ${supported})`;
  }
  return sender.validate(subscription);
}

/**
 * Checks the criteria with a strict search, so unknown types or parameters are refused instead of
 * silently ignored (which would match too much).
 * @param repo - a system repository.
 * @param subscription - the Subscription.
 * @returns undefined when the search is valid, else the reason.
 */
export async function criteriaProblem(repo: FhirRepository, subscription: Subscription): Promise<string | undefined> {
  const criteria = parseCriteria(subscription.criteria);
  if (criteria === undefined) {
    return `criteria '${subscription.criteria ?? ''}' is not a search string 'Type?parameters'`;
  }
  try {
    await repo.search({
      resourceType: criteria.resourceType,
      params: [...criteria.params, ['_count', '0']],
      strict: true,
    });
    return undefined;
  } catch (err) {
    if (err instanceof FhirError && err.status < 500) {
      return `criteria '${subscription.criteria ?? ''}' are not a valid search: ${err.message}`;
    }
    throw err;
  }
}

/**
 * The status a Subscription should have after review, given its problem (if any).
 * @param current - the Subscription as stored.
 * @param problem - the reason it cannot be served, or undefined.
 * @param now - the current time.
 * @returns the decision, undefined when nothing changes.
 */
export function reviewDecision(current: Subscription, problem: string | undefined, now: Date): StatusDecision {
  const status = current.status;
  if (status === 'off') {
    return undefined;
  }
  if (isExpired(current, now)) {
    return { status: 'off', error: current.error };
  }
  if (problem !== undefined) {
    return { status: 'error', error: problem };
  }
  // Accepted: `requested` becomes active; active/error stay as deliveries left them.
  return status === 'requested' ? { status: 'active' } : undefined;
}

/**
 * Whether a Subscription takes part in matching.
 * @param subscription - the Subscription.
 * @param senders - the registered channels.
 * @param now - the current time.
 */
export function isMatching(subscription: Subscription, senders: ChannelRegistry, now: Date): boolean {
  return (
    (subscription.status === 'active' || subscription.status === 'error') &&
    !isExpired(subscription, now) &&
    channelProblem(subscription, senders) === undefined
  );
}
