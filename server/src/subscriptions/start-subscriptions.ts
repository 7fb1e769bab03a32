/**
 * Starts FHIR R4 Subscriptions (https://hl7.org/fhir/R4/subscription.html) with durable delivery:
 * the dispatcher (change feed -> matching -> queue jobs, dispatcher.ts) and a QueueWorker running
 * the deliveries (delivery.ts) over the registered channels. main.ts calls it once the store is
 * open and stops it while draining, before closing the store.
 */
import { systemAccess } from '../context';
import type { AccessContext } from '../context';
import { QueueWorker } from '../durable/queue-worker';
import type { BackoffOptions } from '../durable/queue-worker';
import type { DurableRecords } from '../durable/records';
import type { Logger } from '../observability/logger';
import type { RepositoryEventBus } from '../repository/events';
import type { FhirRepository } from '../repository/repository';
import { SUBSCRIPTION_DELIVERY_TOPIC } from './channel';
import type { ChannelRegistry } from './channel';
import { createDeliveryHandler } from './delivery';
import { SubscriptionDispatcher } from './dispatcher';
import { createRestHookSender } from './rest-hook-sender';

export type { ChannelRegistry, ChannelSender, Notification } from './channel';
export { PermanentDeliveryError, SUBSCRIPTION_DELIVERY_TOPIC } from './channel';

/** Delivery tuning (defaults suit production; tests shrink them). */
export interface DeliveryTuning {
  /** Deliveries in parallel (default 4). */
  readonly concurrency?: number;
  /** Time limit of one delivery attempt (default 60 s); the channel's own timeouts are shorter. */
  readonly timeoutMs?: number;
  /** Queue lease (default max(2 min, 2 x timeoutMs)). */
  readonly leaseMs?: number;
  /** Attempts before a delivery is dead-lettered (default 20: about an hour of retries). */
  readonly maxAttempts?: number;
  /** Backoff between attempts (default 1 s doubling, capped at 5 min, 20 % jitter). */
  readonly backoff?: Partial<BackoffOptions>;
}

/** What startSubscriptions needs. */
export interface SubscriptionDeps {
  /** A repository with system access (e.g. `repositoryFor(systemAccess)`); or pass `repoFactory`. */
  readonly repo?: FhirRepository;
  /** The repository factory; used with `systemAccess` when `repo` is absent. */
  readonly repoFactory?: (access: AccessContext) => FhirRepository;
  /** The store's durable records (`store.records`). */
  readonly records: DurableRecords;
  readonly logger: Logger;
  /**
   * Extra channels by `channel.type`, e.g. `{ message: createMllpMessageChannel(...) }`.
   * `rest-hook` is built in (an entry here replaces it).
   */
  readonly senders?: ChannelRegistry;
  /** Idle poll interval of the change feed and the queue (default 200 ms). */
  readonly pollMs?: number;
  /** When given, every commit wakes the dispatcher (notifications without the poll delay). */
  readonly events?: RepositoryEventBus;
  readonly delivery?: DeliveryTuning;
}

/** The running subscription machinery. */
export interface SubscriptionsHandle {
  /** Stops matching and leasing, and waits for deliveries in flight. */
  stop(): Promise<void>;
  /** Reads the change feed at once (call after a commit to skip the poll delay). */
  wake(): void;
}

/** Default attempts per delivery: 1+2+...+256 s, then 5 min apart, about an hour in all. */
const DEFAULT_MAX_ATTEMPTS = 20;

/**
 * Starts the dispatcher and the delivery worker.
 * @param deps - repository, records, logger, channels, tuning.
 * @returns stop and wake.
 */
export function startSubscriptions(deps: SubscriptionDeps): SubscriptionsHandle {
  const repo = deps.repo ?? deps.repoFactory?.(systemAccess);
  if (repo === undefined) {
    throw new Error('startSubscriptions needs repo or repoFactory');
  }
  const logger = deps.logger.child({ component: 'subscriptions' });
  const senders: ChannelRegistry = { 'rest-hook': createRestHookSender(), ...deps.senders };
  const tuning = deps.delivery ?? {};
  const worker = new QueueWorker({
    queue: deps.records.queue,
    topics: [SUBSCRIPTION_DELIVERY_TOPIC],
    handler: createDeliveryHandler({ repo, senders, logger }),
    logger,
    ...(tuning.concurrency === undefined ? {} : { concurrency: tuning.concurrency }),
    ...(deps.pollMs === undefined ? {} : { pollMs: deps.pollMs }),
    ...(tuning.leaseMs === undefined ? {} : { leaseMs: tuning.leaseMs }),
    ...(tuning.timeoutMs === undefined ? {} : { timeoutMs: tuning.timeoutMs }),
    ...(tuning.backoff === undefined ? {} : { backoff: tuning.backoff }),
  });
  const dispatcher = new SubscriptionDispatcher({
    repo,
    records: deps.records,
    senders,
    logger,
    maxAttempts: tuning.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    onEnqueued: () => worker.wake(),
    ...(deps.pollMs === undefined ? {} : { pollMs: deps.pollMs }),
  });
  let stopped = false;
  deps.events?.on('resource.committed', () => {
    if (!stopped) {
      dispatcher.wake();
    }
  });
  worker.start();
  dispatcher.start();
  return {
    async stop(): Promise<void> {
      stopped = true;
      await dispatcher.stop();
      await worker.stop();
    },
    wake(): void {
      dispatcher.wake();
    },
  };
}
