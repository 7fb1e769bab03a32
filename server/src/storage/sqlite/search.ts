/**
 * Runs a compiled search: the key query picks the page (count + 1 rows decide `hasMore`), then
 * the page's resources are loaded by rowid, and totals are summed over the searched types.
 * Spec: https://hl7.org/fhir/R4/search.html
 */
import type { SearchPlan } from '../../search/plan';
import type { SearchHit, StoredResource, StoreSearchResult } from '../store';
import { compileSearch } from './compile-plan';
import { RESOURCE_COLUMNS, toStoredResource, type ResourceRow } from './rows';
import { resourceTable } from './schema';
import { placeholders } from './sql';
import type { StatementCache } from './statement-cache';
import type { TypeSet } from './type-registry';

interface KeyRow {
  readonly type: string;
  readonly rid: number;
  readonly id: string;
  readonly [sortColumn: `s${number}`]: string | number | null;
}

/** IN-list sizes are rounded up to one of these so that few distinct statements get prepared. */
const IN_BUCKETS = [1, 4, 16, 64, 256, 512];
const MAX_IN = 512;

/**
 * Splits `values` into chunks whose lengths are statement-cache friendly, padding each chunk
 * to its bucket size by repeating its last value (harmless in an IN list).
 * @param values - the IN-list values (non-empty chunks are returned).
 */
export function inListChunks<T>(values: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += MAX_IN) {
    const chunk = values.slice(i, i + MAX_IN);
    const size = IN_BUCKETS.find((b) => b >= chunk.length) ?? MAX_IN;
    while (chunk.length < size) {
      chunk.push(chunk[chunk.length - 1] as T);
    }
    chunks.push(chunk);
  }
  return chunks;
}

function loadByRid(cache: StatementCache, rows: readonly KeyRow[]): Map<string, StoredResource> {
  const byType = new Map<string, number[]>();
  for (const row of rows) {
    byType.set(row.type, [...(byType.get(row.type) ?? []), row.rid]);
  }
  const out = new Map<string, StoredResource>();
  for (const [type, rids] of byType) {
    for (const chunk of inListChunks(rids)) {
      const found = cache
        .get(`SELECT rid, ${RESOURCE_COLUMNS} FROM ${resourceTable(type)} WHERE rid IN (${placeholders(chunk.length)})`)
        .all(...chunk) as (ResourceRow & { rid: number })[];
      found.forEach((r) => out.set(`${type}:${r.rid}`, toStoredResource(type, r)));
    }
  }
  return out;
}

/**
 * Executes `plan` on the connection of `cache`.
 * @param cache - statements of the connection to read from.
 * @param types - types whose tables exist on that connection.
 * @param plan - the search plan.
 */
export function executeSearch(cache: StatementCache, types: TypeSet, plan: SearchPlan): StoreSearchResult {
  const compiled = compileSearch(plan, types);
  let hits: SearchHit[] = [];
  let hasMore = false;
  if (compiled.page !== undefined) {
    const rows = cache.get(compiled.page.text).all(...compiled.page.params) as KeyRow[];
    hasMore = rows.length > plan.count;
    const page = rows.slice(0, plan.count);
    if (compiled.reversed) {
      page.reverse();
    }
    const resources = loadByRid(cache, page);
    hits = page.flatMap((row) => {
      const resource = resources.get(`${row.type}:${row.rid}`);
      return resource === undefined ? [] : [{ resource, sortValues: plan.sort.map((_, i) => row[`s${i}`] ?? null) }];
    });
  }
  if (plan.total === 'none') {
    return { hits, hasMore };
  }
  const total = compiled.totals.reduce((sum, q) => sum + (cache.get(q.text).get(...q.params) as { n: number }).n, 0);
  return { hits, hasMore, total };
}
