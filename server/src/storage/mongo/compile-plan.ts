/**
 * SearchPlan -> one aggregation pipeline per resource type (https://hl7.org/fhir/R4/search.html):
 *
 *   $match (conditions, tombstones excluded)  -> uses the multikey indexes
 *   $addFields x2 (sort values, null flags)   -> only for index-backed sort keys
 *   $match (keyset cursor)                    -> only when paging
 *   $sort, $limit count+1 (the extra row tells whether there is more), $project (no index arrays)
 *
 * The first `$match` is also the `countDocuments` filter for totals. Chains and `_has` are
 * resolved while compiling (joins.ts), so compiling may query other collections.
 */
import { resolveDerived } from '../../search/derived-params';
import type { Document } from 'mongodb';
import type { SearchPlan } from '../../search/plan';
import { compileCondition, liveFilter } from './compile-condition';
import { compileCursor } from './compile-cursor';
import { compileSort, sortDocument, type CompiledSort } from './compile-sort';
import { VERSION_PROJECTION } from './document';
import type { JoinResolver } from './joins';

/** A plan compiled for one resource type's collection. */
export interface CompiledSearch {
  /** Matches the plan's resources (ignoring the cursor): the count filter. */
  readonly filter: Document;
  /** The page query. */
  readonly pipeline: Document[];
  readonly sort: CompiledSort;
}

/**
 * Compiles the plan's conditions to a filter on `resourceType`'s collection.
 * @param plan - the search plan.
 * @param resourceType - one of plan.resourceTypes.
 * @param joins - resolves chains and `_has`.
 */
export async function compileFilter(plan: SearchPlan, resourceType: string, joins: JoinResolver): Promise<Document> {
  const conditions: Document[] = [];
  for (const c of resolveDerived(plan, resourceType).conditions) {
    conditions.push(await compileCondition(c, { resourceType, joins }));
  }
  return liveFilter(conditions);
}

/**
 * Builds the page pipeline for a filter.
 * @param plan - the search plan (sort, count, cursor).
 * @param filter - the compiled filter (compileFilter).
 */
export function compilePage(plan: SearchPlan, filter: Document): CompiledSearch {
  const sort = compileSort(plan.sort);
  const reverse = plan.cursor?.direction === 'before';
  const projection: Document = { ...VERSION_PROJECTION };
  // Sort values for the hits, and every order component for merging several types' rows.
  for (const field of [...sort.valueFields, ...sort.components.map((c) => c.field)]) {
    projection[field] = 1;
  }
  const pipeline: Document[] = [
    { $match: filter },
    ...sort.stages,
    ...(plan.cursor ? [{ $match: compileCursor(sort.components, plan.cursor) }] : []),
    { $sort: sortDocument(sort.components, reverse) },
    { $limit: plan.count + 1 },
    { $project: projection },
  ];
  return { filter, pipeline, sort };
}

/**
 * Compiles a plan for one resource type.
 * @param plan - the search plan.
 * @param resourceType - one of plan.resourceTypes.
 * @param joins - resolves chains and `_has`.
 */
export async function compilePlan(
  plan: SearchPlan,
  resourceType: string,
  joins: JoinResolver,
): Promise<CompiledSearch> {
  // Derived parameters (search/derived-params.ts) are searched through their stored base parameters.
  const resolved = resolveDerived(plan, resourceType);
  return compilePage(resolved, await compileFilter(resolved, resourceType, joins));
}
