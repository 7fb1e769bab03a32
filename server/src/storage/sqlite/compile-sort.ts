/**
 * Sorting and keyset paging. https://hl7.org/fhir/R4/search.html#sort
 * Per SortKey (search/plan.ts): a resource sorts by the smallest value of its index entries for
 * ascending keys and the largest for descending keys (dates/numbers/quantities: `low` ascending,
 * `high` descending); resources without a value sort last in both directions; the logical id is
 * the final tiebreaker (ascending unless the last key is descending).
 * Cursors are keyset cursors: `after` selects rows strictly after the cursor tuple in that
 * order, `before` rows strictly before it.
 */
import type { Cursor, SortKey } from '../../search/plan';
import { fhirError } from '../../errors/outcome';
import { indexTable } from './schema';
import { andSql, FALSE, orSql, sql, type Sql } from './sql';

/**
 * The SQL expression of a sort key for the current row `alias` of `type`.
 * @param key - the sort key.
 * @param type - the resource type (tables exist).
 * @param alias - alias of the type's current table.
 */
export function sortExpression(key: SortKey, type: string, alias: string): Sql {
  const agg = key.descending ? 'max' : 'min';
  const sub = (table: string, column: string): Sql =>
    sql(`(SELECT ${agg}(${column}) FROM ${table} WHERE rid = ${alias}.rid AND code = ?)`, key.code);
  switch (key.kind) {
    case 'id':
      return sql(`${alias}.id`);
    case 'lastUpdated':
      return sql(`${alias}.last_updated_ms`);
    case 'string':
      return sub(indexTable(type, 'string'), 'exact');
    case 'token':
      return sub(indexTable(type, 'token'), 'value');
    case 'uri':
      return sub(indexTable(type, 'uri'), 'value');
    case 'reference':
      return sub(indexTable(type, 'reference'), "coalesce(target_type || '/' || target_id, ref)");
    case 'date':
    case 'number':
    case 'quantity':
      return sub(indexTable(type, key.kind), key.descending ? 'high' : 'low');
  }
}

/** Whether the key's values can be NULL (index-based keys; `_id`/`_lastUpdated` never are). */
function nullable(key: SortKey): boolean {
  return key.kind !== 'id' && key.kind !== 'lastUpdated';
}

/**
 * Whether the id tiebreaker sorts descending (it follows the last key's direction).
 * @param sort - the sort keys.
 */
export function tiebreakDescending(sort: readonly SortKey[]): boolean {
  return sort[sort.length - 1]?.descending ?? false;
}

/**
 * ORDER BY over result columns `s0..sN` and `id`, NULLs last; `reversed` gives the exact
 * reverse order (used to read a `before` page backwards).
 * @param sort - the sort keys.
 * @param reversed - whether to reverse the order.
 */
export function orderBy(sort: readonly SortKey[], reversed: boolean): string {
  const terms = sort.map((key, i) => {
    const desc = key.descending !== reversed;
    const nulls = nullable(key) ? (reversed ? ' NULLS FIRST' : ' NULLS LAST') : '';
    return `s${i} ${desc ? 'DESC' : 'ASC'}${nulls}`;
  });
  const idDesc = tiebreakDescending(sort) !== reversed;
  terms.push(`id ${idDesc ? 'DESC' : 'ASC'}`);
  return terms.join(', ');
}

/** Rows strictly beyond `value` in the key's direction (`after`), or strictly before it. */
function beyond(expr: Sql, descending: boolean, value: string | number | null, after: boolean): Sql {
  if (value === null) {
    // NULLs sort last: nothing is after a NULL except other NULLs (equal); every value is before it.
    return after ? FALSE : { text: `${expr.text} IS NOT NULL`, params: expr.params };
  }
  const op = descending === after ? '<' : '>';
  const cmp = { text: `${expr.text} ${op} ?`, params: [...expr.params, value] };
  return after ? orSql([cmp, { text: `${expr.text} IS NULL`, params: expr.params }]) : cmp;
}

function equal(expr: Sql, value: string | number | null): Sql {
  return value === null
    ? { text: `${expr.text} IS NULL`, params: expr.params }
    : { text: `${expr.text} = ?`, params: [...expr.params, value] };
}

/**
 * The keyset predicate: the row's (sort values..., id) tuple lies strictly after (or before)
 * the cursor's tuple in the plan's order.
 * @param sort - the sort keys.
 * @param expressions - the SQL expression of each sort key.
 * @param idExpression - the SQL expression of the logical id.
 * @param cursor - the cursor.
 */
export function keysetPredicate(
  sort: readonly SortKey[],
  expressions: readonly Sql[],
  idExpression: string,
  cursor: Cursor,
): Sql {
  if (cursor.values.length !== sort.length) {
    throw fhirError('TESSERA_E_SEARCH_INVALID_CURSOR', 'The paging cursor does not match the sort');
  }
  const after = cursor.direction === 'after';
  const keys = [
    ...sort.map((key, i) => ({ expr: expressions[i] as Sql, desc: key.descending, value: cursor.values[i] ?? null })),
    { expr: sql(idExpression), desc: tiebreakDescending(sort), value: cursor.id as string | number | null },
  ];
  const alternatives: Sql[] = [];
  keys.forEach((key, i) => {
    const step = beyond(key.expr, key.desc, key.value, after);
    if (step !== FALSE) {
      alternatives.push(andSql([...keys.slice(0, i).map((k) => equal(k.expr, k.value)), step]));
    }
  });
  return orSql(alternatives);
}
