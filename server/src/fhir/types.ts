/**
 * The transport-free FHIR request/result shapes (STYLE.md habit 1). The HTTP adapter
 * (server/src/http/fhir-adapter.ts) and the batch/transaction processor both build a
 * `FhirRequest`, hand it to the router, and turn the `FhirResult` back into their own format.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Logger } from '../observability/logger';
import type { FhirRepository } from '../repository/repository';
import type { ResourceValidator } from '../validation/validator';

/** HTTP verbs the FHIR RESTful API uses, https://hl7.org/fhir/R4/http.html */
export type FhirMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The request headers that change FHIR semantics, as raw strings. */
export interface FhirRequestHeaders {
  /** `If-Match: W/"n"`, https://hl7.org/fhir/R4/http.html#concurrency */
  readonly ifMatch?: string;
  /** `If-None-Match: W/"n"` on read (304 when current). */
  readonly ifNoneMatch?: string;
  /** `If-None-Exist: query`, https://hl7.org/fhir/R4/http.html#ccreate */
  readonly ifNoneExist?: string;
  /** `Prefer`, https://hl7.org/fhir/R4/http.html#ops and https://hl7.org/fhir/R4/search.html#errors */
  readonly prefer?: string;
}

/** Values captured from the route pattern (`:type`, `:id`, `:vid`, `:targetType`). */
export interface PathParams {
  readonly type?: string;
  readonly id?: string;
  readonly vid?: string;
  /** Compartment search target type, or `*`. */
  readonly targetType?: string;
}

/** A FHIR request, independent of the transport. */
export interface FhirRequest {
  readonly method: FhirMethod;
  /** Path below the FHIR base, decoded, without leading slash or query (`Patient/123/_history`). */
  readonly path: string;
  /** Query (and form) parameters in order, repeated names kept. */
  readonly params: readonly (readonly [string, string])[];
  /** Parsed JSON body, when there is one. */
  readonly body?: unknown;
  readonly headers: FhirRequestHeaders;
}

/** A request after routing: its path parameters are known and validated. */
export interface RoutedRequest extends FhirRequest {
  readonly pathParams: PathParams;
}

/** The outcome of an interaction. */
export interface FhirResult {
  readonly status: number;
  /** The body as a resource (serialized by the adapter). */
  readonly resource?: Resource;
  /** The body already serialized (fast path: stored JSON sent as is). Wins over `resource`. */
  readonly json?: string;
  /** HTTP headers (`ETag`, `Last-Modified`, `Location`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Everything an interaction may use besides the request. */
export interface FhirContext {
  /** The repository scoped to the caller (or to the enclosing transaction). */
  readonly repo: FhirRepository;
  /** Public base URL without trailing slash; the FHIR base is `<baseUrl>/fhir`. */
  readonly baseUrl: string;
  /** Used by `$validate`. */
  readonly validator: ResourceValidator;
  /** Whether SMART bearer tokens are required (reported in the CapabilityStatement). */
  readonly auth: 'smart' | 'off';
  /** Set while processing the entries of a batch/transaction (nested bundles are refused). */
  readonly inBundle?: boolean;
  /** For unexpected errors caught inside a batch (their stack is logged, not returned). */
  readonly logger?: Logger;
}

/** Routes and runs a request (the router's `handle`), given to batch/transaction processing. */
export type FhirDispatch = (req: FhirRequest, ctx: FhirContext) => Promise<FhirResult>;

/** One FHIR interaction or operation. */
export type FhirHandler = (req: RoutedRequest, ctx: FhirContext) => Promise<FhirResult>;

/**
 * The FHIR base (`<baseUrl>/fhir`) of a context.
 * @param ctx - the interaction context.
 */
export function fhirBase(ctx: Pick<FhirContext, 'baseUrl'>): string {
  return `${ctx.baseUrl}/fhir`;
}
