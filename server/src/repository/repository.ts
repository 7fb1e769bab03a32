/**
 * The FhirRepository: the one path through which every adapter, the FHIR router and the
 * inference worker read and write (DESIGN.md, "Everything goes through the repository").
 * It validates, indexes, checks access, versions, audits and stores.
 *
 * Failure contract: every method rejects with a `FhirError` (errors/outcome.ts) carrying an
 * OperationOutcome and HTTP status; nothing else escapes except programming errors.
 */
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { Operation } from 'fast-json-patch';
import type { AccessContext } from '../context';
import type { TransactionRecords } from '../durable/records';

/** Result of a write: the stored resource and whether it was newly created. */
export interface WriteResult<T extends Resource = Resource> {
  readonly resource: T;
  /** true = 201 Created; false = 200 OK (update, or ifNoneExist matched an existing resource). */
  readonly created: boolean;
}

export interface CreateOptions {
  /** Conditional create: a search query string (without `?`), https://hl7.org/fhir/R4/http.html#ccreate */
  readonly ifNoneExist?: string;
  /** Use this id instead of generating one (transaction urn:uuid resolution, create-on-update). */
  readonly assignedId?: string;
  /** `POST` (create) or `PUT` (create-on-update) for the history entry. */
  readonly method?: 'POST' | 'PUT';
}

export interface UpdateOptions {
  /** Version the client expects to be current (If-Match: W/"n"); mismatch -> 412. */
  readonly ifMatch?: number;
}

/** A search request after HTTP decoding. */
export interface SearchRequest {
  /** The resource type searched; undefined for system-level search (`GET /fhir?_type=...`). */
  readonly resourceType?: string;
  /** Query parameters in order, repeated names kept (AND). */
  readonly params: readonly (readonly [string, string])[];
  /** Compartment search: `Patient/123/Observation`, https://hl7.org/fhir/R4/compartmentdefinition.html */
  readonly compartment?: { readonly resourceType: string; readonly id: string };
  /** `Prefer: handling=strict`: unknown parameters are an error instead of a warning. */
  readonly strict?: boolean;
}

/** The outcome of a search, before it is turned into a searchset Bundle. */
export interface SearchResult {
  /** Matches, in order (Bundle.entry.search.mode = match). */
  readonly matches: readonly Resource[];
  /** `_include`/`_revinclude` results (search.mode = include). */
  readonly included: readonly Resource[];
  readonly total?: number;
  /** Opaque paging tokens (`_cursor` values) for the next/previous pages, when they exist. */
  readonly next?: string;
  readonly previous?: string;
  /** Warnings (e.g. ignored unknown parameters) for the searchset's OperationOutcome. */
  readonly warnings: readonly OperationOutcomeIssue[];
  /** `_summary`/`_elements` as parsed, so the interaction can apply it and tag SUBSETTED. */
  readonly summary?: 'true' | 'text' | 'data' | 'count' | 'false';
  readonly elements?: readonly string[];
}

export interface HistoryRequest {
  readonly resourceType?: string;
  readonly id?: string;
  readonly params: readonly (readonly [string, string])[];
}

/** The FHIR repository. All methods enforce the access context they were created with. */
export interface FhirRepository {
  /** The caller this repository acts for. */
  readonly access: AccessContext;

  /** https://hl7.org/fhir/R4/http.html#create (and #ccreate with ifNoneExist). 422 on validation failure. */
  create<T extends Resource>(resource: T, options?: CreateOptions): Promise<WriteResult<T>>;

  /** https://hl7.org/fhir/R4/http.html#read. 404 unknown, 410 deleted. */
  read<T extends Resource>(resourceType: T['resourceType'], id: string): Promise<T>;

  /**
   * Read returning the stored JSON string unparsed (fast path for GET by id).
   * Same failures as read.
   */
  readJson(resourceType: string, id: string): Promise<{ json: string; versionId: number; lastUpdated: string }>;

  /** https://hl7.org/fhir/R4/http.html#vread. 404 unknown version; 410 when the version is a delete. */
  vread<T extends Resource>(resourceType: T['resourceType'], id: string, versionId: string): Promise<T>;

  /**
   * https://hl7.org/fhir/R4/http.html#update; creates when the id is unknown (update-as-create).
   * 412 when ifMatch does not match; 400 when resource.id is missing.
   */
  update<T extends Resource>(resource: T, options?: UpdateOptions): Promise<WriteResult<T>>;

  /** https://hl7.org/fhir/R4/http.html#cond-update: 0 matches create, 1 updates, more 412. */
  conditionalUpdate<T extends Resource>(resource: T, query: string): Promise<WriteResult<T>>;

  /** https://hl7.org/fhir/R4/http.html#patch (JSON Patch). 422 when the patch fails or the result is invalid. */
  patch<T extends Resource>(
    resourceType: T['resourceType'],
    id: string,
    patch: readonly Operation[],
    options?: UpdateOptions,
  ): Promise<T>;

  /** https://hl7.org/fhir/R4/http.html#delete. Deleting an unknown or deleted resource succeeds (idempotent). */
  delete(resourceType: string, id: string, options?: UpdateOptions): Promise<void>;

  /** https://hl7.org/fhir/R4/http.html#cdelete: single match only; several -> 412. Returns deleted count. */
  conditionalDelete(resourceType: string, query: string): Promise<number>;

  /** https://hl7.org/fhir/R4/search.html */
  search(request: SearchRequest): Promise<SearchResult>;

  /** https://hl7.org/fhir/R4/http.html#history -- a history Bundle, fullUrls and links from the configured base URL. */
  history(request: HistoryRequest): Promise<Bundle>;

  /**
   * A hint: starts validating and indexing `resource` now (on the analyzer threads) so that a later
   * create or update of this same object, e.g. inside a transaction holding the write lock, does
   * not wait for it. Has no effect on what is stored. The promise settles (never rejects) when
   * the analysis is done: awaiting it before taking a write lock keeps the lock short.
   */
  preanalyze(resource: Resource): Promise<void>;

  /**
   * Runs `fn` atomically with a repository bound to the transaction: everything written through
   * the inner repository commits together or not at all. Use only the repository passed to `fn`.
   * `records` writes durable records in the same transaction: queue jobs, an inbound message's
   * outcome, state (server/src/durable/records.ts); they commit with the resources or not at all.
   */
  withTransaction<T>(fn: (repo: FhirRepository, records: TransactionRecords) => Promise<T>): Promise<T>;
}
