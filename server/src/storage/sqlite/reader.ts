/**
 * The read side of the store (StoreReader), bound to one connection: the read connection for
 * reads outside transactions (committed data only), the write connection inside a transaction
 * (the session sees its own writes). A type without tables reads as empty.
 */
import type { SearchPlan } from '../../search/plan';
import type { HistoryPage, HistoryQuery, StoredResource, StoreReader, StoreSearchResult } from '../store';
import { queryHistory } from './history';
import { RESOURCE_COLUMNS, toStoredResource, type ResourceRow } from './rows';
import { HISTORY_TABLE, resourceTable } from './schema';
import { executeSearch, inListChunks } from './search';
import { placeholders } from './sql';
import type { StatementCache } from './statement-cache';
import type { TypeSet } from './type-registry';

/** Synchronous reads on one connection; async wrappers live in SqliteReader. */
export class ConnectionReader {
  /**
   * @param cache - statements of the connection.
   * @param types - types whose tables exist on the connection.
   */
  constructor(
    readonly cache: StatementCache,
    readonly types: TypeSet,
  ) {}

  /**
   * The current version (possibly a tombstone), or undefined.
   * @param type - resource type.
   * @param id - logical id.
   */
  readCurrent(type: string, id: string): StoredResource | undefined {
    if (!this.types.has(type)) {
      return undefined;
    }
    const row = this.cache.get(`SELECT ${RESOURCE_COLUMNS} FROM ${resourceTable(type)} WHERE id = ?`).get(id) as
      ResourceRow | undefined;
    return row === undefined ? undefined : toStoredResource(type, row);
  }

  /**
   * Current versions (tombstones included) in the order asked, each once; unknown ids are absent.
   * @param refs - the resources to read.
   */
  readMany(refs: readonly { resourceType: string; id: string }[]): StoredResource[] {
    const byType = new Map<string, Set<string>>();
    for (const ref of refs) {
      if (this.types.has(ref.resourceType)) {
        byType.set(ref.resourceType, (byType.get(ref.resourceType) ?? new Set()).add(ref.id));
      }
    }
    const found = new Map<string, StoredResource>();
    for (const [type, ids] of byType) {
      for (const chunk of inListChunks([...ids])) {
        const rows = this.cache
          .get(`SELECT ${RESOURCE_COLUMNS} FROM ${resourceTable(type)} WHERE id IN (${placeholders(chunk.length)})`)
          .all(...chunk) as ResourceRow[];
        rows.forEach((row) => found.set(`${type}/${row.id}`, toStoredResource(type, row)));
      }
    }
    const out: StoredResource[] = [];
    for (const ref of refs) {
      const key = `${ref.resourceType}/${ref.id}`;
      const hit = found.get(key);
      if (hit !== undefined) {
        out.push(hit);
        found.delete(key);
      }
    }
    return out;
  }

  /**
   * One version from history, or undefined.
   * @param type - resource type.
   * @param id - logical id.
   * @param versionId - the version.
   */
  readVersion(type: string, id: string, versionId: number): StoredResource | undefined {
    const row = this.cache
      .get(`SELECT ${RESOURCE_COLUMNS} FROM ${HISTORY_TABLE} WHERE type = ? AND id = ? AND version = ?`)
      .get(type, id, versionId) as ResourceRow | undefined;
    return row === undefined ? undefined : toStoredResource(type, row);
  }

  /**
   * Executes a search plan.
   * @param plan - the plan.
   */
  search(plan: SearchPlan): StoreSearchResult {
    return executeSearch(this.cache, this.types, plan);
  }

  /**
   * One page of history.
   * @param query - the history query.
   */
  history(query: HistoryQuery): HistoryPage {
    return queryHistory(this.cache, query);
  }

  /**
   * Current non-deleted resources in id order after `afterId`.
   * @param type - resource type.
   * @param afterId - exclusive lower bound, or undefined to start at the beginning.
   * @param limit - page size.
   */
  scan(type: string, afterId: string | undefined, limit: number): StoredResource[] {
    if (!this.types.has(type) || limit <= 0) {
      return [];
    }
    const rows = this.cache
      .get(`SELECT ${RESOURCE_COLUMNS} FROM ${resourceTable(type)} WHERE deleted = 0 AND id > ? ORDER BY id LIMIT ?`)
      .all(afterId ?? '', limit) as ResourceRow[];
    return rows.map((row) => toStoredResource(type, row));
  }
}

/** StoreReader over a ConnectionReader (promises around synchronous reads). */
export abstract class SqliteReader implements StoreReader {
  /** The connection reader to use for the next call (throws when unusable). */
  protected abstract connection(): ConnectionReader;

  /** {@inheritDoc StoreReader.readCurrent} */
  async readCurrent(resourceType: string, id: string): Promise<StoredResource | undefined> {
    return this.connection().readCurrent(resourceType, id);
  }

  /** {@inheritDoc StoreReader.readMany} */
  async readMany(refs: readonly { resourceType: string; id: string }[]): Promise<StoredResource[]> {
    return this.connection().readMany(refs);
  }

  /** {@inheritDoc StoreReader.readVersion} */
  async readVersion(resourceType: string, id: string, versionId: number): Promise<StoredResource | undefined> {
    return this.connection().readVersion(resourceType, id, versionId);
  }

  /** {@inheritDoc StoreReader.search} */
  async search(plan: SearchPlan): Promise<StoreSearchResult> {
    return this.connection().search(plan);
  }

  /** {@inheritDoc StoreReader.history} */
  async history(query: HistoryQuery): Promise<HistoryPage> {
    return this.connection().history(query);
  }
}
