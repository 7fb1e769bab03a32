/**
 * The `rest-hook` channel (https://hl7.org/fhir/R4/subscription.html#channels and the code
 * system https://hl7.org/fhir/R4/codesystem-subscription-channel-type.html: "a POST to the URI
 * with the selected payload and MIME type"):
 * - `channel.payload` set: POST the notified resource version as JSON, `Content-Type` = payload;
 * - `channel.payload` absent: POST with an empty body (the client fetches what it needs);
 * - every `channel.header` entry (`Name: value`) is sent as an HTTP header.
 * Outcome: 2xx delivered; 4xx other than 408/429 permanent (the peer refuses this content, a retry
 * gets the same answer); 408, 429, 5xx, timeouts and connection errors are retried.
 */
import type { Subscription } from '@medplum/fhirtypes';
import { PermanentDeliveryError } from './channel';
import type { ChannelSender, Notification } from './channel';

/** Options of the rest-hook sender. */
export interface RestHookOptions {
  /** Per-request time limit (default 10 s). */
  readonly timeoutMs?: number;
  /** `User-Agent` sent (default `Tessera`). */
  readonly userAgent?: string;
}

/** An HTTP header name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Payload MIME types we can produce: FHIR JSON. */
const JSON_PAYLOAD = /^application\/(fhir\+)?json(\s*;.*)?$/i;
/** Most of a refusal's body kept in the reason. */
const BODY_EXCERPT = 300;

/**
 * Parses `channel.header` entries (`Name: value`).
 * @param headers - the entries.
 * @returns the header pairs, or a reason when one is malformed.
 */
export function parseChannelHeaders(headers: readonly string[] | undefined): [string, string][] | string {
  const out: [string, string][] = [];
  for (const line of headers ?? []) {
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim();
    const value = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (!TOKEN.test(name) || /[\r\n\0]/.test(value)) {
      return `channel.header '${line}' is not 'Name: value'`;
    }
    out.push([name, value]);
  }
  return out;
}

function validate(subscription: Subscription): string | undefined {
  const endpoint = subscription.channel?.endpoint;
  let url: URL;
  try {
    url = new URL(endpoint ?? '');
  } catch {
    return `channel.endpoint '${endpoint ?? ''}' is not an absolute URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `channel.endpoint '${endpoint ?? ''}' must be http or https for a rest-hook`;
  }
  const payload = subscription.channel?.payload;
  if (payload !== undefined && !JSON_PAYLOAD.test(payload)) {
    return `channel.payload '${payload}' is not supported (use application/fhir+json)`;
  }
  const headers = parseChannelHeaders(subscription.channel?.header);
  return typeof headers === 'string' ? headers : undefined;
}

/** Why fetch failed, with the socket error code when there is one (ECONNREFUSED...). */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  const message = err instanceof Error ? err.message : String(err);
  return detail === '' ? message : `${message} (${detail})`;
}

/**
 * Creates the rest-hook sender.
 * @param options - timeout and user agent.
 * @returns the sender for `channel.type = rest-hook`.
 */
export function createRestHookSender(options: RestHookOptions = {}): ChannelSender {
  return {
    validate,
    async send(notification: Notification, signal: AbortSignal): Promise<void> {
      const { subscription, resource } = notification;
      const endpoint = subscription.channel?.endpoint ?? '';
      const problem = validate(subscription);
      if (problem !== undefined) {
        throw new PermanentDeliveryError(problem);
      }
      const headers = new Headers(parseChannelHeaders(subscription.channel?.header) as [string, string][]);
      headers.set('User-Agent', options.userAgent ?? 'Tessera');
      const payload = subscription.channel?.payload;
      if (payload !== undefined) {
        headers.set('Content-Type', payload);
      }
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers,
          body: payload === undefined ? undefined : JSON.stringify(resource),
          signal: AbortSignal.any([signal, timeout]),
          redirect: 'manual',
        });
      } catch (err) {
        throw new Error(`POST ${endpoint} failed: ${networkReason(err)}`);
      }
      const body = await response.text().catch(() => '');
      if (response.status >= 200 && response.status < 300) {
        return;
      }
      const reason = `POST ${endpoint} answered HTTP ${response.status}${body ? `: ${body.slice(0, BODY_EXCERPT)}` : ''}`;
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      if (response.status >= 400 && !retryable) {
        throw new PermanentDeliveryError(reason);
      }
      throw new Error(reason);
    },
  };
}
