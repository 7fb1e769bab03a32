/**
 * Executes a SearchPlan (https://hl7.org/fhir/R4/search.html): one compiled pipeline per resource
 * type, merged in the plan's order; totals through `countDocuments` on the same filters. Runs on
 * the transaction's session when there is one (reads then see the transaction's own writes).
 */
import type { ClientSession, Db, Document } from 'mongodb';
import type { SearchPlan } from '../../search/plan';
import type { SearchHit, StoreSearchResult } from '../store';
import { typeCollectionName } from './collections';
import { compilePlan } from './compile-plan';
import { toStoredResource, type VersionFields } from './document';
import { databaseJoinResolver, type JoinResolver } from './joins';
import { compareRows, type Row, type TypedRow } from './merge-rows';

/** What executing a compiled search needs from the database. */
export interface SearchSource {
  readonly joins: JoinResolver;
  /**
   * Number of documents of a type collection matching `filter`.
   * @param resourceType - the collection's type.
   * @param filter - the filter.
   */
  count(resourceType: string, filter: Document): Promise<number>;
  /**
   * Runs a pipeline on a type collection.
   * @param resourceType - the collection's type.
   * @param pipeline - the stages.
   */
  aggregate(resourceType: string, pipeline: Document[]): Promise<Row[]>;
}

/**
 * A search source on the database, on `session` when inside a transaction.
 * @param db - the database.
 * @param session - the transaction's session, if any.
 */
export function databaseSearchSource(db: Db, session: ClientSession | undefined): SearchSource {
  return {
    joins: databaseJoinResolver(db, session),
    count: (resourceType, filter) =>
      db.collection(typeCollectionName(resourceType)).countDocuments(filter, { session }),
    aggregate: (resourceType, pipeline) =>
      db.collection(typeCollectionName(resourceType)).aggregate<Row>(pipeline, { session }).toArray(),
  };
}

function sortValue(value: unknown): string | number | null {
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}

/**
 * Runs a search plan.
 * @param source - executes queries.
 * @param plan - the plan.
 */
export async function runSearch(source: SearchSource, plan: SearchPlan): Promise<StoreSearchResult> {
  const reverse = plan.cursor?.direction === 'before';
  const rows: TypedRow[] = [];
  let total = plan.total === 'none' ? undefined : 0;
  let order: ReturnType<typeof compareRows> | undefined;
  let valueFields: readonly string[] = [];
  // Types run one after another: a transaction's session must not run operations in parallel.
  for (const resourceType of plan.resourceTypes) {
    const compiled = await compilePlan(plan, resourceType, source.joins);
    order ??= compareRows(compiled.sort.components, reverse);
    valueFields = compiled.sort.valueFields;
    if (total !== undefined) {
      total += await source.count(resourceType, compiled.filter);
    }
    if (plan.count > 0) {
      const docs = await source.aggregate(resourceType, compiled.pipeline);
      rows.push(...docs.map((row) => ({ resourceType, row })));
    }
  }
  if (plan.resourceTypes.length > 1 && order) {
    rows.sort(order);
  }
  const page = rows.slice(0, plan.count);
  if (reverse) {
    page.reverse();
  }
  const hits: SearchHit[] = page.map(({ resourceType, row }) => ({
    resource: toStoredResource(resourceType, row._id, row as unknown as VersionFields),
    sortValues: valueFields.map((f) => sortValue(row[f])),
  }));
  const hasMore = plan.count === 0 ? (total ?? 0) > 0 : rows.length > plan.count;
  return total === undefined ? { hits, hasMore } : { hits, hasMore, total };
}
