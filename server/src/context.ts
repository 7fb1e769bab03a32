/**
 * The per-request context (STYLE.md habit 10): one per HTTP request, MLLP message, DIMSE
 * association and queue job, carried in AsyncLocalStorage so loggers pick up the request id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is asking and what they may touch. The repository enforces it on every call, so adapters,
 * batch entries and `_include` cannot bypass it.
 */
export interface AccessContext {
  /** Stable identity of the caller, e.g. `admin`, `system:hl7`, `Practitioner/123`, `client:abc`. */
  readonly subject: string;
  /**
   * SMART scopes (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html), e.g.
   * `system/*.cruds`, `patient/Observation.rs`, `user/*.*`. `system/*.*` grants everything.
   */
  readonly scopes: readonly string[];
  /** When set, only resources in this patient's compartment are visible/writable (patient/ scopes). */
  readonly patient?: string;
}

/** Full access, for the static admin token, `TESSERA_AUTH=off`, and internal system work. */
export const systemAccess: AccessContext = { subject: 'system', scopes: ['system/*.*'] };

export interface RequestContext {
  readonly requestId: string;
  readonly access: AccessContext;
}

export const requestContextStorage = new AsyncLocalStorage<RequestContext>();

/** The current request context, if any. */
export function currentRequestContext(): RequestContext | undefined {
  return requestContextStorage.getStore();
}
