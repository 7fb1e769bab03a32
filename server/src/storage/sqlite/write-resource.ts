/**
 * Persists one new version: optimistic version check, current row replaced, history row
 * appended, index rows replaced. https://hl7.org/fhir/R4/http.html#versioning
 * Runs on the write connection inside a transaction (a savepoint of the write queue).
 */
import type { IndexEntry } from '../../search/index-entries';
import { VersionConflictError, type ResourceWrite } from '../store';
import { deleteIndexRows, insertIndexRows } from './index-writer';
import { toEpochMs } from './rows';
import { HISTORY_TABLE, resourceTable, typeTablesDdl } from './schema';
import type { StatementCache } from './statement-cache';
import type { TypeRegistry } from './type-registry';

/**
 * Creates a type's tables on its first write (inside the current transaction).
 * @param cache - statements of the write connection.
 * @param types - the type registry.
 * @param type - the resource type.
 */
export function ensureTypeTables(cache: StatementCache, types: TypeRegistry, type: string): void {
  if (!types.writeView.has(type)) {
    cache.db.exec(typeTablesDdl(type));
    types.created(type);
  }
}

/**
 * Writes a version. Throws VersionConflictError when `write.versionId - 1` is not the current
 * version (0 = the resource does not exist yet).
 * @param cache - statements of the write connection.
 * @param types - the type registry.
 * @param write - the version to persist.
 */
export function writeResource(cache: StatementCache, types: TypeRegistry, write: ResourceWrite): void {
  if (!Number.isInteger(write.versionId) || write.versionId < 1) {
    throw new RangeError(`Invalid versionId ${write.versionId} for ${write.resourceType}/${write.id}`);
  }
  ensureTypeTables(cache, types, write.resourceType);
  const table = resourceTable(write.resourceType);
  const current = cache.get(`SELECT rid, version FROM ${table} WHERE id = ?`).get(write.id) as
    { rid: number; version: number } | undefined;
  const expected = write.versionId - 1;
  if ((current?.version ?? 0) !== expected) {
    throw new VersionConflictError(write.resourceType, write.id, expected);
  }
  const ms = toEpochMs(write.lastUpdated, 'lastUpdated');
  const deleted = write.deleted ? 1 : 0;
  const json = write.deleted ? '' : write.json;
  let rid: number;
  if (current === undefined) {
    const info = cache
      .get(
        `INSERT INTO ${table} (id, version, last_updated, last_updated_ms, deleted, method, json) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(write.id, write.versionId, write.lastUpdated, ms, deleted, write.method, json);
    rid = Number(info.lastInsertRowid);
  } else {
    rid = current.rid;
    cache
      .get(
        `UPDATE ${table} SET version = ?, last_updated = ?, last_updated_ms = ?, deleted = ?, method = ?, json = ? WHERE rid = ?`,
      )
      .run(write.versionId, write.lastUpdated, ms, deleted, write.method, json, rid);
    deleteIndexRows(cache, write.resourceType, rid);
  }
  if (!write.deleted) {
    insertIndexRows(cache, write.resourceType, rid, write.index, write.compartments);
  }
  cache
    .get(
      `INSERT INTO ${HISTORY_TABLE} (type, id, version, last_updated, last_updated_ms, deleted, method, json) ` +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(write.resourceType, write.id, write.versionId, write.lastUpdated, ms, deleted, write.method, json);
}

/**
 * Replaces the index rows of a resource's current version (reindex). A missing or deleted
 * resource has no index rows and is left alone.
 * @param cache - statements of the write connection.
 * @param types - the type registry.
 * @param type - the resource type.
 * @param id - the logical id.
 * @param index - the new index entries.
 * @param compartments - the new compartments.
 */
export function reindexResource(
  cache: StatementCache,
  types: TypeRegistry,
  type: string,
  id: string,
  index: readonly IndexEntry[],
  compartments: readonly string[],
): boolean {
  if (!types.writeView.has(type)) {
    return false;
  }
  const row = cache.get(`SELECT rid, deleted FROM ${resourceTable(type)} WHERE id = ?`).get(id) as
    { rid: number; deleted: number } | undefined;
  if (row === undefined || row.deleted !== 0) {
    return false;
  }
  deleteIndexRows(cache, type, row.rid);
  insertIndexRows(cache, type, row.rid, index, compartments);
  return true;
}
