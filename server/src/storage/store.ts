/**
 * The backend-facing storage port (STYLE.md habit 3): narrower than the FhirRepository and
 * below it. A Store knows nothing of FHIR semantics (validation, versioning rules, access
 * control): it persists versions with their precomputed index entries, and compiles
 * backend-neutral SearchPlans. Every backend must pass test/conformance/repository.suite.ts.
 */
import type { DurableRecords, TransactionRecords } from '../durable/records';
import type { IndexEntry } from '../search/index-entries';
import type { SearchPlan } from '../search/plan';

/** What a backend can do; reported in /metadata and used by the repository (STYLE.md habit 5). */
export interface StoreCapabilities {
  /** Multi-document atomic transactions. */
  readonly transactions: boolean;
  /** Exact totals are cheap (`_total=accurate`). */
  readonly accurateTotals: boolean;
}

/** One stored version of a resource, as read back from a backend. */
export interface StoredResource {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: number;
  /** meta.lastUpdated, ISO 8601 with milliseconds, UTC (`2026-01-02T03:04:05.678Z`). */
  readonly lastUpdated: string;
  /** True for the tombstone version written by a delete. */
  readonly deleted: boolean;
  /** The resource JSON exactly as stored (meta included); empty string for a tombstone. */
  readonly json: string;
  /** The interaction that produced this version (history Bundle entry.request.method). */
  readonly method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
}

/** A new version to persist: becomes the current version and is appended to history. */
export interface ResourceWrite {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: number;
  readonly lastUpdated: string;
  readonly deleted: boolean;
  /** Resource JSON with meta.versionId/lastUpdated set; '' when deleted. */
  readonly json: string;
  readonly method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Search index entries (empty when deleted). Replace the previous version's entries. */
  readonly index: readonly IndexEntry[];
  /** Compartments the resource belongs to, e.g. `Patient/123` (empty when deleted). */
  readonly compartments: readonly string[];
}

/** One search hit with the values of the plan's sort keys (for keyset cursors). */
export interface SearchHit {
  readonly resource: StoredResource;
  /** Sort value per SearchPlan.sort key (null when the resource had none). */
  readonly sortValues: readonly (string | number | null)[];
}

/** A page of search results, in the plan's sort order. */
export interface StoreSearchResult {
  readonly hits: readonly SearchHit[];
  /** Whether more results exist beyond this page in the direction read (after, or before for a `before` cursor). */
  readonly hasMore: boolean;
  /** Total matches when the plan asked for it (`accurate`; a backend may also answer `estimate`). */
  readonly total?: number;
}

/** A history query: instance (type+id), type (type only) or system (neither). Newest first. */
export interface HistoryQuery {
  readonly resourceType?: string;
  readonly id?: string;
  /** `_since`: only versions with lastUpdated >= since (ISO instant). */
  readonly since?: string;
  /** `_at`: only versions current at this instant (ISO) -- versions with lastUpdated <= at. */
  readonly at?: string;
  readonly count: number;
  /** Opaque backend cursor from a previous HistoryPage.next. */
  readonly cursor?: string;
}

export interface HistoryPage {
  /** Versions newest first (tombstones included). */
  readonly versions: readonly StoredResource[];
  /** Opaque cursor for the next (older) page, if any. */
  readonly next?: string;
  readonly total?: number;
}

/** Reads, available both outside and inside a transaction. */
export interface StoreReader {
  /** The current version (possibly a tombstone), or undefined when the id was never written. */
  readCurrent(resourceType: string, id: string): Promise<StoredResource | undefined>;
  /** Several current versions at once (for _include); missing ids are simply absent. */
  readMany(refs: readonly { resourceType: string; id: string }[]): Promise<StoredResource[]>;
  /** A specific version, or undefined. */
  readVersion(resourceType: string, id: string, versionId: number): Promise<StoredResource | undefined>;
  /** Executes a search plan. Tombstones never match. */
  search(plan: SearchPlan): Promise<StoreSearchResult>;
  history(query: HistoryQuery): Promise<HistoryPage>;
}

/** A unit of work inside Store.transaction(). */
export interface StoreSession extends StoreReader {
  /** Writes a new version. Rejects with a VersionConflictError when versionId-1 is not the current version. */
  write(write: ResourceWrite): Promise<void>;
  /** Queue jobs, message outcomes and state written in this transaction, committed with it. */
  readonly records: TransactionRecords;
}

/** Thrown by StoreSession.write when another writer got there first (optimistic concurrency). */
export class VersionConflictError extends Error {
  constructor(
    readonly resourceType: string,
    readonly id: string,
    readonly expectedVersion: number,
  ) {
    super(`Version conflict on ${resourceType}/${id}: expected current version ${expectedVersion}`);
    this.name = 'VersionConflictError';
  }
}

export interface Store extends StoreReader {
  readonly name: 'sqlite' | 'mongodb';
  readonly capabilities: StoreCapabilities;
  /** The work queue, the inbound message log, key/value state and the change feed. */
  readonly records: DurableRecords;
  /** Creates tables/collections and indexes (idempotent). */
  init(): Promise<void>;
  /** Cheap liveness probe for /readyz; rejects when the backend is unreachable. */
  ping(): Promise<void>;
  /**
   * Runs `fn` atomically: either every write in it is durable when the promise resolves, or none is.
   * Reads through the session see the session's own writes. Concurrent transactions are isolated
   * (SQLite serializes writers; MongoDB uses sessions with snapshot reads).
   */
  transaction<T>(fn: (session: StoreSession) => Promise<T>): Promise<T>;
  /** Iterates current, non-deleted resources of a type in id order (for `npm run reindex`). */
  scan(resourceType: string, afterId: string | undefined, limit: number): Promise<StoredResource[]>;
  /** Replaces the index entries and compartments of the current version (for reindex). */
  reindex(
    resourceType: string,
    id: string,
    index: readonly IndexEntry[],
    compartments: readonly string[],
  ): Promise<void>;
  close(): Promise<void>;
}
