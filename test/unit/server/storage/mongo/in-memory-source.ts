// Test support: runs the compiled MongoDB filters and pipelines on in-memory documents with
// mingo, an independent implementation of the MongoDB query language, since no mongod runs here.
// The documents are built by the backend's own document.ts from real index entries.
import { aggregate, find } from 'mingo';
import type { Document } from 'mongodb';
import type { IndexEntry } from '../../../../../server/src/search/index-entries';
import type { ResourceWrite } from '../../../../../server/src/storage/store';
import { toCurrentDocument, type CurrentDocument } from '../../../../../server/src/storage/mongo/document';
import { referencedIdsPipeline, type JoinResolver } from '../../../../../server/src/storage/mongo/joins';
import type { Row } from '../../../../../server/src/storage/mongo/merge-rows';
import type { SearchSource } from '../../../../../server/src/storage/mongo/search';

/** Documents per type collection. */
export type Collections = Map<string, CurrentDocument[]>;

/** Options of a test resource version. */
export interface PutOptions {
  readonly versionId?: number;
  readonly lastUpdated?: string;
  readonly deleted?: boolean;
  readonly compartments?: string[];
}

/**
 * Stores the current version of a resource with the given index entries.
 * @param collections - the in-memory database.
 * @param resourceType - the type.
 * @param id - the logical id.
 * @param index - its index entries.
 * @param options - version metadata.
 */
export function put(
  collections: Collections,
  resourceType: string,
  id: string,
  index: IndexEntry[],
  options: PutOptions = {},
): void {
  const write: ResourceWrite = {
    resourceType,
    id,
    versionId: options.versionId ?? 1,
    lastUpdated: options.lastUpdated ?? '2024-01-01T00:00:00.000Z',
    deleted: options.deleted ?? false,
    json: options.deleted ? '' : JSON.stringify({ resourceType, id }),
    method: options.deleted ? 'DELETE' : 'POST',
    index,
    compartments: options.compartments ?? [],
  };
  const docs = collections.get(resourceType) ?? [];
  collections.set(resourceType, [...docs.filter((d) => d._id !== id), toCurrentDocument(write)]);
}

/**
 * Ids of the documents of a type matching a filter, in storage order.
 * @param collections - the in-memory database.
 * @param resourceType - the type.
 * @param filter - a MongoDB filter.
 */
export function matching(collections: Collections, resourceType: string, filter: Document): string[] {
  return find(collections.get(resourceType) ?? [], filter)
    .all()
    .map((d) => d._id as string);
}

/**
 * A JoinResolver over the in-memory documents (same pipeline as the database resolver).
 * @param collections - the in-memory database.
 */
export function memoryJoins(collections: Collections): JoinResolver {
  return {
    matchingIds: async (resourceType, filter) => matching(collections, resourceType, filter),
    referencedIds: async (sourceType, filter, code, targetType) =>
      aggregate(collections.get(sourceType) ?? [], referencedIdsPipeline(filter, code, targetType)).map(
        (d) => d._id as string,
      ),
  };
}

/**
 * A SearchSource over the in-memory documents.
 * @param collections - the in-memory database.
 */
export function memorySource(collections: Collections): SearchSource {
  return {
    joins: memoryJoins(collections),
    count: async (resourceType, filter) => matching(collections, resourceType, filter).length,
    aggregate: async (resourceType, pipeline) => aggregate(collections.get(resourceType) ?? [], pipeline) as Row[],
  };
}
