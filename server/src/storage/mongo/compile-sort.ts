/**
 * Sort keys -> aggregation stages, https://hl7.org/fhir/R4/search.html#sort. A resource may hold
 * several entries for a parameter, so each index-backed key becomes a computed field `_s<i>`: the
 * smallest entry value for ascending order, the largest for descending (plan.ts, SortKey). Nulls
 * sort last in both directions through a companion flag `_n<i>` (0 = has a value, 1 = none),
 * sorted ascending before the value. The logical id always ends the order as a tiebreaker.
 */
import type { Document } from 'mongodb';
import type { SortKey } from '../../search/plan';
import { INDEX_FIELD } from './index-fields';

/** Where a sort component's cursor value comes from. */
export type ComponentSource =
  | { readonly from: 'flag'; readonly key: number }
  | { readonly from: 'value'; readonly key: number }
  | { readonly from: 'id' };

/** One field of the total order, in priority order. */
export interface SortComponent {
  readonly field: string;
  readonly direction: 1 | -1;
  readonly source: ComponentSource;
}

/** A compiled sort: stages computing sort values, and the order over the resulting rows. */
export interface CompiledSort {
  /** `$addFields` stages (empty when every key is `_id`/`_lastUpdated`). */
  readonly stages: readonly Document[];
  /** The total order; the `$sort` document, keyset cursors and merging all follow it. */
  readonly components: readonly SortComponent[];
  /** Per SortKey, the row field holding its sort value. */
  readonly valueFields: readonly string[];
}

function entryValue(key: SortKey): unknown {
  switch (key.kind) {
    case 'string':
      return '$$e.e';
    case 'token':
    case 'uri':
      return '$$e.v';
    case 'reference':
      return { $ifNull: [{ $concat: ['$$e.tt', '/', '$$e.ti'] }, '$$e.r'] };
    case 'date':
    case 'number':
    case 'quantity':
      return key.descending ? '$$e.hi' : '$$e.lo';
    case 'id':
    case 'lastUpdated':
      throw new Error(`${key.kind} is not an index-backed sort key`);
  }
}

/**
 * The aggregation expression computing a key's per-resource sort value (null when none).
 * @param key - an index-backed sort key.
 */
export function sortValueExpression(key: SortKey): Document {
  if (key.kind === 'id' || key.kind === 'lastUpdated') {
    throw new Error(`${key.kind} is not an index-backed sort key`);
  }
  const entries = { $filter: { input: `$${INDEX_FIELD[key.kind]}`, as: 'e', cond: { $eq: ['$$e.c', key.code] } } };
  return { [key.descending ? '$max' : '$min']: { $map: { input: entries, as: 'e', in: entryValue(key) } } };
}

/**
 * Compiles the plan's sort keys (empty = by id ascending).
 * @param sort - the plan's sort keys.
 */
export function compileSort(sort: readonly SortKey[]): CompiledSort {
  const values: Document = {};
  const flags: Document = {};
  const components: SortComponent[] = [];
  const valueFields: string[] = [];
  const push = (c: SortComponent): void => {
    if (!components.some((x) => x.field === c.field)) {
      components.push(c);
    }
  };
  sort.forEach((key, i) => {
    const direction = key.descending ? -1 : 1;
    if (key.kind === 'id' || key.kind === 'lastUpdated') {
      const field = key.kind === 'id' ? '_id' : 'lastUpdatedMs';
      valueFields.push(field);
      push({ field, direction, source: { from: 'value', key: i } });
      return;
    }
    values[`_s${i}`] = sortValueExpression(key);
    flags[`_n${i}`] = { $cond: [{ $eq: [{ $ifNull: [`$_s${i}`, null] }, null] }, 1, 0] };
    valueFields.push(`_s${i}`);
    push({ field: `_n${i}`, direction: 1, source: { from: 'flag', key: i } });
    push({ field: `_s${i}`, direction, source: { from: 'value', key: i } });
  });
  const last = sort[sort.length - 1];
  push({ field: '_id', direction: last?.descending ? -1 : 1, source: { from: 'id' } });
  const stages = Object.keys(values).length > 0 ? [{ $addFields: values }, { $addFields: flags }] : [];
  return { stages, components, valueFields };
}

/**
 * The `$sort` document of a compiled sort.
 * @param components - the total order.
 * @param reverse - true to read backwards (a `before` cursor).
 */
export function sortDocument(components: readonly SortComponent[], reverse: boolean): Document {
  const out: Document = {};
  for (const c of components) {
    out[c.field] = reverse ? -c.direction : c.direction;
  }
  return out;
}
