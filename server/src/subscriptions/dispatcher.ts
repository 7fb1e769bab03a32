/**
 * The subscription dispatcher: tails the change feed from a position kept in durable state, matches
 * each committed version against the live Subscriptions with the repository's own search, and
 * enqueues one delivery job per match. The jobs and the new position are written in ONE
 * transaction, so a crash either loses both (the batch is read again) or keeps both; the job key
 * `<subscriptionId>/<Type>/<id>/<versionId>` makes a replayed batch add nothing twice.
 *
 * Matching (https://hl7.org/fhir/R4/subscription.html): "the search criteria are applied to the new
 * value of the resource. The consequence of this is that there is no notification when a resource
 * is deleted, or when a resource is updated so that it no longer meets the criteria." So:
 * - deletes never notify;
 * - the criteria run as a search with `_id=<ids of the batch>` added, i.e. on the current version;
 *   a change that is no longer the current version is skipped, because its successor comes later
 *   in the feed and is matched (and notified) itself. Rapid successive updates therefore coalesce
 *   into a notification of the latest version.
 * - A new deployment (no saved position) starts at the latest change: history is not replayed.
 */
import type { Subscription } from '@medplum/fhirtypes';
import type { ChangeRecord } from '../durable/change-feed';
import { WakeableDelay } from '../durable/queue-worker';
import type { DurableRecords } from '../durable/records';
import type { EnqueueRequest } from '../durable/work-queue';
import { FhirError } from '../errors/outcome';
import type { Logger } from '../observability/logger';
import type { FhirRepository } from '../repository/repository';
import { deliveryKey, SUBSCRIPTION_DELIVERY_TOPIC } from './channel';
import type { ChannelRegistry, DeliveryJob } from './channel';
import { isExpired } from './lifecycle';
import { updateSubscriptionStatus } from './status';
import { loadLiveSubscriptions } from './subscription-set';
import type { LiveSubscription } from './subscription-set';

/** The state key holding the dispatcher's change-feed position. */
export const POSITION_KEY = 'subscriptions.position';
/** Stored position meaning "before the first change" (the feed was empty on first start). */
const START = '';
/** How long a consumed position may stay unsaved when it produced no job. */
const POSITION_PERSIST_MS = 1000;
/** Pause after a wake-up before reading the feed, so that concurrent commits share one round. */
const COALESCE_MS = 20;

/** Options of a {@link SubscriptionDispatcher}. */
export interface DispatcherOptions {
  /** A system repository. */
  readonly repo: FhirRepository;
  readonly records: DurableRecords;
  readonly senders: ChannelRegistry;
  readonly logger: Logger;
  /** Idle poll interval of the change feed (default 200 ms). */
  readonly pollMs?: number;
  /** Changes read per transaction (default 200). */
  readonly batchSize?: number;
  /** Attempts per delivery job before it is dead-lettered (queue default when absent). */
  readonly maxAttempts?: number;
  /** Called after jobs were committed (wakes the delivery worker). */
  readonly onEnqueued?: () => void;
}

/** Tails the change feed and enqueues deliveries. */
export class SubscriptionDispatcher {
  private readonly delay = new WakeableDelay();
  private live: LiveSubscription[] | undefined;
  /** A position consumed but not yet saved (batches that matched nothing). */
  private unsaved: string | undefined;
  /** When the position was last saved. */
  private persistedAt = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  /**
   * @param options - repository, records, channels and tuning.
   */
  constructor(private readonly options: DispatcherOptions) {}

  /** Starts tailing (idempotent). */
  start(): void {
    if (!this.running) {
      this.running = true;
      this.loop = this.run();
    }
  }

  /** Reads the feed at once instead of waiting for the poll interval. */
  wake(): void {
    this.delay.wake();
  }

  /** Stops after the batch in progress (whose jobs and position commit together). */
  async stop(): Promise<void> {
    this.running = false;
    this.delay.wake();
    await this.loop;
    if (this.unsaved !== undefined) {
      await this.options.records.state.setState(POSITION_KEY, this.unsaved);
      this.unsaved = undefined;
    }
  }

  /**
   * Processes one batch of changes.
   * @returns how many changes were consumed.
   */
  async dispatchOnce(): Promise<number> {
    const { records, repo } = this.options;
    const after = await this.position();
    const changes = await records.changes.changesAfter(after, this.batchSize());
    const last = changes[changes.length - 1];
    if (last === undefined) {
      return 0;
    }
    if (this.live === undefined || changes.some((c) => c.resourceType === 'Subscription')) {
      this.live = await loadLiveSubscriptions(repo, this.options.senders, this.options.logger);
    }
    const jobs = await this.match(changes, this.live);
    if (jobs.length === 0 && Date.now() - this.persistedAt < POSITION_PERSIST_MS) {
      // Nothing to deliver: the position moves in memory and is saved at most once a second, so a
      // busy server does not pay a transaction per commit for it. A crash replays at most that
      // second of changes; they matched nothing then, and enqueue keys stop any duplicate.
      this.unsaved = last.position;
      return changes.length;
    }
    let created = 0;
    await repo.withTransaction(async (_tx, tx) => {
      for (const job of jobs) {
        created += (await tx.queue.enqueue(job)).created ? 1 : 0;
      }
      await tx.state.setState(POSITION_KEY, last.position);
    });
    this.unsaved = undefined;
    this.persistedAt = Date.now();
    if (created > 0) {
      this.options.logger.debug({ jobs: created, position: last.position }, 'subscription deliveries enqueued');
      this.options.onEnqueued?.();
    }
    return changes.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let consumed = 0;
      try {
        consumed = await this.dispatchOnce();
      } catch (err) {
        this.options.logger.error({ err }, 'subscription dispatch failed; will retry');
      }
      if (this.running && consumed < this.batchSize()) {
        await this.delay.sleep(this.options.pollMs ?? 200);
        // Commits wake the loop; a short pause lets the commits of a busy moment share one round.
        await new Promise((resolve) => setTimeout(resolve, COALESCE_MS));
      }
    }
  }

  private batchSize(): number {
    return this.options.batchSize ?? 200;
  }

  /** The saved position; on first start, the latest change (saved at once, so a restart keeps it). */
  private async position(): Promise<string | undefined> {
    if (this.unsaved !== undefined) {
      return this.unsaved;
    }
    const { state, changes } = this.options.records;
    const saved = await state.getState(POSITION_KEY);
    if (saved !== undefined) {
      return saved === START ? undefined : saved;
    }
    const latest = await changes.latestPosition();
    await state.setState(POSITION_KEY, latest ?? START);
    return latest;
  }

  /** The delivery jobs for a batch: one per (live Subscription, change that matches it). */
  private async match(changes: readonly ChangeRecord[], live: readonly LiveSubscription[]): Promise<EnqueueRequest[]> {
    const now = new Date();
    const byType = new Map<string, ChangeRecord[]>();
    for (const change of changes) {
      if (!change.deleted) {
        byType.set(change.resourceType, [...(byType.get(change.resourceType) ?? []), change]);
      }
    }
    const jobs: EnqueueRequest[] = [];
    for (const [resourceType, list] of byType) {
      const ids = [...new Set(list.map((c) => c.id))];
      for (const sub of live) {
        if (sub.criteria.resourceType !== resourceType || isExpired(sub.subscription, now)) {
          continue;
        }
        const current = await this.search(sub, resourceType, ids);
        for (const change of list) {
          if (current.get(change.id) === change.versionId) {
            jobs.push(this.job({ subscriptionId: sub.id, resourceType, id: change.id, versionId: change.versionId }));
          }
        }
      }
    }
    return jobs;
  }

  /** Runs a Subscription's criteria restricted to some ids; returns the current versionId of each match. */
  private async search(
    sub: LiveSubscription,
    resourceType: string,
    ids: readonly string[],
  ): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    try {
      const result = await this.options.repo.search({
        resourceType,
        params: [...sub.criteria.params, ['_id', ids.join(',')], ['_count', String(ids.length)]],
        strict: true,
      });
      for (const match of result.matches) {
        if (match.id !== undefined) {
          found.set(match.id, Number(match.meta?.versionId));
        }
      }
    } catch (err) {
      if (!(err instanceof FhirError && err.status < 500)) {
        throw err; // transient: the batch is retried, nothing is lost
      }
      await this.criteriaFailed(sub, err.message);
    }
    return found;
  }

  /** Criteria that stopped being a valid search (e.g. a profile change): the Subscription shows it. */
  private async criteriaFailed(sub: LiveSubscription, reason: string): Promise<void> {
    const error = `criteria '${sub.subscription.criteria ?? ''}' are not a valid search: ${reason}`;
    this.options.logger.warn({ subscription: sub.id, reason }, 'subscription criteria failed');
    await updateSubscriptionStatus(this.options.repo, sub.id, (current: Subscription) =>
      current.status === 'active' || current.status === 'error' ? { status: 'error', error } : undefined,
    );
  }

  private job(payload: DeliveryJob): EnqueueRequest {
    return {
      topic: SUBSCRIPTION_DELIVERY_TOPIC,
      payload,
      key: deliveryKey(payload),
      ...(this.options.maxAttempts === undefined ? {} : { maxAttempts: this.options.maxAttempts }),
    };
  }
}
