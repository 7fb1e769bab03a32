/**
 * Chaining and `_has` (https://hl7.org/fhir/R4/search.html#chaining, #has) are resolved in two
 * steps rather than with `$lookup`: the inner search runs first on the other type's collection
 * and yields logical ids, which the outer filter then matches with `$in`. Both steps use the
 * ordinary indexes, both work on sharded collections and inside transactions (they run on the
 * caller's session), and the outer query stays a plain filter that `countDocuments` and keyset
 * paging can use. The cost is that the intermediate id list travels through the application and
 * must fit in one 16 MiB command: a chain whose inner search matches hundreds of thousands of
 * resources fails rather than being slow.
 */
import type { ClientSession, Db, Document } from 'mongodb';
import { typeCollectionName } from './collections';

/** The queries a compiled condition needs from other collections. */
export interface JoinResolver {
  /**
   * Logical ids of the resources of `resourceType` matching `filter` (chaining).
   * @param resourceType - the collection to search.
   * @param filter - a complete filter (tombstones already excluded).
   */
  matchingIds(resourceType: string, filter: Document): Promise<string[]>;
  /**
   * Distinct target ids of the `referenceCode` references to `targetType` held by the resources
   * of `sourceType` matching `filter` (`_has`).
   * @param sourceType - the collection to search.
   * @param filter - a complete filter (tombstones already excluded).
   * @param referenceCode - the reference search parameter of `sourceType`.
   * @param targetType - the type the references must point to.
   */
  referencedIds(sourceType: string, filter: Document, referenceCode: string, targetType: string): Promise<string[]>;
}

/**
 * The aggregation behind `JoinResolver.referencedIds`: one output document `{ _id: targetId }`
 * per distinct target.
 * @param filter - selects the source resources.
 * @param referenceCode - the reference search parameter.
 * @param targetType - the referenced type.
 */
export function referencedIdsPipeline(filter: Document, referenceCode: string, targetType: string): Document[] {
  return [
    { $match: filter },
    { $project: { ref: 1 } },
    { $unwind: '$ref' },
    { $match: { 'ref.c': referenceCode, 'ref.tt': targetType, 'ref.ti': { $type: 'string' } } },
    { $group: { _id: '$ref.ti' } },
  ];
}

/**
 * A resolver that queries the database, on `session` when inside a transaction.
 * @param db - the database.
 * @param session - the transaction's session, if any.
 */
export function databaseJoinResolver(db: Db, session: ClientSession | undefined): JoinResolver {
  return {
    async matchingIds(resourceType, filter) {
      const docs = await db
        .collection<{ _id: string }>(typeCollectionName(resourceType))
        .find(filter, { projection: { _id: 1 }, session })
        .toArray();
      return docs.map((d) => d._id);
    },
    async referencedIds(sourceType, filter, referenceCode, targetType) {
      const docs = await db
        .collection(typeCollectionName(sourceType))
        .aggregate<{ _id: string }>(referencedIdsPipeline(filter, referenceCode, targetType), { session })
        .toArray();
      return docs.map((d) => d._id);
    },
  };
}
