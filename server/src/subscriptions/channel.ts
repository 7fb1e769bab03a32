/**
 * The channel port of FHIR R4 Subscriptions (https://hl7.org/fhir/R4/subscription.html#channels):
 * one {@link ChannelSender} per `Subscription.channel.type`. `rest-hook` lives here; `message`
 * (ORU^R01 over MLLP) is registered by the HL7 adapter, so server/ never imports adapters/.
 */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import { PermanentJobError } from '../durable/queue-worker';
import type { FhirRepository } from '../repository/repository';

/** The queue topic of subscription deliveries. */
export const SUBSCRIPTION_DELIVERY_TOPIC = 'subscription.delivery';

/**
 * A delivery that cannot succeed by retrying (e.g. HTTP 400, HL7 AR): the job is dead-lettered
 * with this message as its reason.
 */
export class PermanentDeliveryError extends PermanentJobError {
  /**
   * @param message - the reason, readable by an operator.
   */
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** One notification to deliver. */
export interface Notification {
  /** The Subscription, as currently stored. */
  readonly subscription: Subscription;
  /** The version of the resource that matched (read with vread, so exactly the one notified). */
  readonly resource: Resource;
  /** A system repository, for channels that need more resources (the ORU needs Observations). */
  readonly repo: FhirRepository;
  /** Stable id of this delivery (`<subscriptionId>/<Type>/<id>/<versionId>`), the same on every retry. */
  readonly deliveryKey: string;
  /** The attempt number, 1 for the first. */
  readonly attempt: number;
}

/** Delivers notifications over one channel type. */
export interface ChannelSender {
  /**
   * Checks a Subscription's channel when Tessera accepts it (`requested` -> `active`).
   * @param subscription - the Subscription.
   * @returns undefined when acceptable, else the reason (the Subscription goes to `error`).
   */
  validate(subscription: Subscription): string | undefined;
  /**
   * Delivers one notification; resolves once the peer acknowledged it.
   * @param notification - what to send and to whom.
   * @param signal - aborted when the delivery timed out.
   * @throws PermanentDeliveryError when retrying cannot help; any other error is retried.
   */
  send(notification: Notification, signal: AbortSignal): Promise<void>;
}

/** Channel senders by `Subscription.channel.type`. */
export type ChannelRegistry = Readonly<Record<string, ChannelSender>>;

/** The job payload of a delivery. */
export interface DeliveryJob {
  readonly subscriptionId: string;
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: number;
}

/**
 * The queue key of a delivery: one per (Subscription, resource version), so replaying the change
 * feed after a crash enqueues nothing twice.
 * @param job - the delivery.
 * @returns `<subscriptionId>/<Type>/<id>/<versionId>`.
 */
export function deliveryKey(job: DeliveryJob): string {
  return `${job.subscriptionId}/${job.resourceType}/${job.id}/${job.versionId}`;
}
