/**
 * Turns a resource into the version the store persists: meta.versionId/lastUpdated set, JSON
 * serialized once, search index entries and compartments extracted (DESIGN.md, "Search indexes
 * are extracted at write time").
 */
import type { Resource } from '@medplum/fhirtypes';
import { compartmentsFromEntries } from '../search/compartments';
import type { IndexEntry } from '../search/index-entries';
import type { ResourceWrite } from '../storage/store';

/** A prepared version: the resource as stored plus the store write. */
export interface PreparedWrite<T extends Resource> {
  readonly resource: T;
  readonly write: ResourceWrite;
}

/**
 * Prepares a live (non-deleted) version.
 * @param resource - the resource with its id set; not mutated.
 * @param versionId - the new version number (1 for a create).
 * @param method - the HTTP method recorded in history.
 * @param now - the commit instant.
 * @param index - the resource's search index entries (from its WriteAnalysis).
 */
export function prepareVersion<T extends Resource>(
  resource: T,
  versionId: number,
  method: ResourceWrite['method'],
  now: Date,
  index: readonly IndexEntry[],
): PreparedWrite<T> {
  const lastUpdated = now.toISOString();
  const stored = {
    ...resource,
    meta: { ...resource.meta, versionId: String(versionId), lastUpdated },
  } as T;
  const json = JSON.stringify(stored);
  return {
    resource: stored,
    write: {
      resourceType: resource.resourceType,
      id: resource.id as string,
      versionId,
      lastUpdated,
      deleted: false,
      json,
      method,
      index,
      compartments: compartmentsFromEntries(stored.resourceType, stored.id, index),
    },
  };
}

/**
 * Prepares a tombstone version (https://hl7.org/fhir/R4/http.html#delete: history is kept).
 * @param resourceType - the type deleted.
 * @param id - the id deleted.
 * @param versionId - the tombstone's version number.
 * @param now - the commit instant.
 */
export function prepareTombstone(resourceType: string, id: string, versionId: number, now: Date): ResourceWrite {
  return {
    resourceType,
    id,
    versionId,
    lastUpdated: now.toISOString(),
    deleted: true,
    json: '',
    method: 'DELETE',
    index: [],
    compartments: [],
  };
}
