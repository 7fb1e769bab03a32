/**
 * The Subscriptions the dispatcher matches against, cached in memory and reloaded whenever a
 * Subscription appears in the change feed. Loading also reviews each one (lifecycle.ts):
 * `requested` ones are accepted or put in `error`, expired ones turned `off`.
 */
import type { Subscription } from '@medplum/fhirtypes';
import type { Logger } from '../observability/logger';
import type { FhirRepository } from '../repository/repository';
import type { ChannelRegistry } from './channel';
import { parseCriteria } from './criteria';
import type { SubscriptionCriteria } from './criteria';
import { channelProblem, criteriaProblem, isMatching, reviewDecision } from './lifecycle';
import { updateSubscriptionStatus } from './status';

/** A Subscription ready for matching. */
export interface LiveSubscription {
  readonly subscription: Subscription;
  readonly id: string;
  readonly criteria: SubscriptionCriteria;
}

/** Page size when loading Subscriptions. */
const PAGE = 500;

/**
 * Loads every Subscription that is not `off`, reviews it, and returns those that match.
 * @param repo - a system repository.
 * @param senders - the registered channels.
 * @param logger - for review outcomes.
 * @param now - the current time.
 * @returns the live Subscriptions.
 */
export async function loadLiveSubscriptions(
  repo: FhirRepository,
  senders: ChannelRegistry,
  logger: Logger,
  now: Date = new Date(),
): Promise<LiveSubscription[]> {
  const live: LiveSubscription[] = [];
  for (const found of await searchAll(repo)) {
    const reviewed = await review(repo, found, senders, logger, now);
    const criteria = parseCriteria(reviewed?.criteria);
    if (reviewed?.id !== undefined && criteria !== undefined && isMatching(reviewed, senders, now)) {
      live.push({ subscription: reviewed, id: reviewed.id, criteria });
    }
  }
  return live;
}

/** Every Subscription in status requested, active or error. */
async function searchAll(repo: FhirRepository): Promise<Subscription[]> {
  const out: Subscription[] = [];
  let cursor: string | undefined;
  do {
    const params: [string, string][] = [
      ['status', 'requested,active,error'],
      ['_count', String(PAGE)],
    ];
    if (cursor !== undefined) {
      params.push(['_cursor', cursor]);
    }
    const page = await repo.search({ resourceType: 'Subscription', params });
    out.push(...(page.matches as Subscription[]));
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}

/** Applies the lifecycle to one Subscription; returns it as stored afterwards. */
async function review(
  repo: FhirRepository,
  subscription: Subscription,
  senders: ChannelRegistry,
  logger: Logger,
  now: Date,
): Promise<Subscription | undefined> {
  const id = subscription.id;
  if (id === undefined) {
    return undefined;
  }
  const problem =
    channelProblem(subscription, senders) ??
    (subscription.status === 'requested' ? await criteriaProblem(repo, subscription) : undefined);
  if (reviewDecision(subscription, problem, now) === undefined) {
    return subscription;
  }
  const updated = await updateSubscriptionStatus(repo, id, (current) =>
    reviewDecision(current, channelProblem(current, senders) ?? problem, now),
  );
  if (updated !== undefined && updated.status !== subscription.status) {
    logger.info(
      { subscription: id, from: subscription.status, to: updated.status, reason: updated.error },
      'subscription status changed',
    );
  }
  return updated;
}
