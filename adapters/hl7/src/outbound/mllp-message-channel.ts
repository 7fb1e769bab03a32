/**
 * The Subscription `message` channel over HL7 v2 (https://hl7.org/fhir/R4/subscription.html#channels,
 * channel type `message`: "sending a message to the application identified in the URI"): with an
 * `mllp://host:port` endpoint, a notified DiagnosticReport (or an Observation in one, see
 * report-source.ts) goes out as an ORU^R01 over MLLP (HL7 v2.5.1 Appendix C.4), and the delivery
 * counts only once the receiver's ACK says so (ack-outcome.ts): AA/CA delivered, AR/CR permanent
 * failure, AE/CE, no ACK, timeouts and connection errors retried.
 *
 * MSH-10 is derived from the delivery key, so a retry after a lost ACK re-sends the same control
 * id and an idempotent receiver (Tessera's own inbound, for one) does not store it twice.
 * `channel.header` may set `MSH-5: <receiving application>` and `MSH-6: <receiving facility>`.
 */
import { createHash } from 'node:crypto';
import type { Subscription } from '@medplum/fhirtypes';
import { PermanentDeliveryError } from '../../../../server/src/subscriptions/channel';
import type { ChannelSender, Notification } from '../../../../server/src/subscriptions/channel';
import { parseCriteria } from '../../../../server/src/subscriptions/criteria';
import { MllpClient } from '../mllp/client';
import { readAck } from './ack-outcome';
import { buildOruR01 } from './oru-builder';
import { loadOruSources } from './report-source';
import type { OruSource } from './report-source';

/** Options of the MLLP message channel. */
export interface MllpMessageChannelOptions {
  /** MSH-3 (default `TESSERA`). */
  readonly sendingApplication?: string;
  /** MSH-4. */
  readonly sendingFacility?: string;
  /** Connection time limit (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** ACK wait (default 30 s). */
  readonly ackTimeoutMs?: number;
  /** The clock for MSH-7 (tests). */
  readonly now?: () => Date;
}

/** Where to send. */
interface MllpEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Resource types a message Subscription may watch. */
const SUPPORTED_TYPES = new Set(['DiagnosticReport', 'Observation']);

/**
 * Parses `mllp://host:port`.
 * @param endpoint - Subscription.channel.endpoint.
 * @returns host and port, or the reason it is unusable.
 */
export function parseMllpEndpoint(endpoint: string | undefined): MllpEndpoint | string {
  let url: URL;
  try {
    url = new URL(endpoint ?? '');
  } catch {
    return `channel.endpoint '${endpoint ?? ''}' is not a URL 'mllp://host:port'`;
  }
  const port = Number(url.port);
  if (url.protocol !== 'mllp:' || url.hostname === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return `channel.endpoint '${endpoint ?? ''}' must be 'mllp://host:port'`;
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/** MSH-5/MSH-6 from channel.header, or the reason a header is not understood. */
function receiver(subscription: Subscription): { application?: string; facility?: string } | string {
  const out: { application?: string; facility?: string } = {};
  for (const line of subscription.channel?.header ?? []) {
    const match = /^\s*MSH-([56])\s*:\s*(.*?)\s*$/i.exec(line);
    if (match === null) {
      return `channel.header '${line}' is not supported on a message channel (use 'MSH-5: app' or 'MSH-6: facility')`;
    }
    out[match[1] === '5' ? 'application' : 'facility'] = match[2];
  }
  return out;
}

function validate(subscription: Subscription): string | undefined {
  const endpoint = parseMllpEndpoint(subscription.channel?.endpoint);
  if (typeof endpoint === 'string') {
    return endpoint;
  }
  const type = parseCriteria(subscription.criteria)?.resourceType;
  if (type === undefined || !SUPPORTED_TYPES.has(type)) {
    return `a message (ORU^R01) channel sends DiagnosticReports: criteria must be on DiagnosticReport or Observation, not '${type ?? ''}'`;
  }
  const headers = receiver(subscription);
  return typeof headers === 'string' ? headers : undefined;
}

/** A stable MSH-10 (20 characters) for one report of one delivery. */
function controlIdFor(deliveryKey: string, source: OruSource): string {
  return (
    'T' +
    createHash('sha256')
      .update(`${deliveryKey}|${source.report.id ?? ''}`)
      .digest('hex')
      .slice(0, 19)
  );
}

/**
 * Creates the `message` channel sender.
 * @param options - header identity and time limits.
 * @returns the sender to register as `senders.message`.
 */
export function createMllpMessageChannel(options: MllpMessageChannelOptions = {}): ChannelSender {
  const send = async (endpoint: MllpEndpoint, message: Buffer, signal: AbortSignal): Promise<Buffer> => {
    const client = new MllpClient({ replyTimeoutMs: options.ackTimeoutMs ?? 30_000 });
    const abort = (): void => void client.close();
    signal.addEventListener('abort', abort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('MLLP connect timeout')), options.connectTimeoutMs ?? 10_000);
      });
      await Promise.race([client.connect(endpoint.host, endpoint.port), timeout]);
      clearTimeout(timer);
      return await client.send(message);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      void client.close();
    }
  };

  return {
    validate,
    async send(notification: Notification, signal: AbortSignal): Promise<void> {
      const { subscription } = notification;
      const problem = validate(subscription);
      const endpoint = parseMllpEndpoint(subscription.channel?.endpoint);
      const to = receiver(subscription);
      if (problem !== undefined || typeof endpoint === 'string' || typeof to === 'string') {
        throw new PermanentDeliveryError(problem ?? 'invalid message channel');
      }
      for (const source of await loadOruSources(notification.repo, notification.resource)) {
        const controlId = controlIdFor(notification.deliveryKey, source);
        const message = buildOruR01(source.report, source.observations, source.patient, {
          sendingApplication: options.sendingApplication ?? 'TESSERA',
          sendingFacility: options.sendingFacility,
          receivingApplication: to.application,
          receivingFacility: to.facility,
          controlId,
          now: options.now?.() ?? new Date(),
          serviceRequest: source.serviceRequest,
        });
        const where = `mllp://${endpoint.host}:${endpoint.port}`;
        let reply: Buffer;
        try {
          reply = await send(endpoint, message, signal);
        } catch (err) {
          throw new Error(
            `ORU^R01 ${controlId} to ${where} got no ACK: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        const outcome = readAck(reply, controlId);
        if (outcome.kind === 'permanent') {
          throw new PermanentDeliveryError(`ORU^R01 ${controlId} to ${where} ${outcome.reason}`);
        }
        if (outcome.kind === 'retry') {
          throw new Error(`ORU^R01 ${controlId} to ${where}: ${outcome.reason}`);
        }
      }
    },
  };
}
