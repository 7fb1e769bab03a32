/**
 * Mapping between SQLite rows and StoredResource: the same column list is used for current
 * tables and the history table.
 */
import type { StoredResource } from '../store';

/** Columns selected for a StoredResource (current tables and history alike). */
export const RESOURCE_COLUMNS = 'id, version, last_updated, deleted, method, json';

/** A row selected with RESOURCE_COLUMNS. */
export interface ResourceRow {
  readonly id: string;
  readonly version: number;
  readonly last_updated: string;
  readonly deleted: number;
  readonly method: StoredResource['method'];
  readonly json: string;
}

/**
 * Converts a row into a StoredResource.
 * @param resourceType - the row's resource type.
 * @param row - the row.
 */
export function toStoredResource(resourceType: string, row: ResourceRow): StoredResource {
  return {
    resourceType,
    id: row.id,
    versionId: row.version,
    lastUpdated: row.last_updated,
    deleted: row.deleted !== 0,
    json: row.json,
    method: row.method,
  };
}

/**
 * Parses an ISO instant into epoch milliseconds, rejecting malformed input.
 * @param iso - an ISO 8601 instant.
 * @param what - what the value is, for the error message.
 */
export function toEpochMs(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new RangeError(`Invalid ${what} instant: ${JSON.stringify(iso)}`);
  }
  return ms;
}
