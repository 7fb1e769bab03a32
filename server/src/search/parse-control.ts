/**
 * Result-control parameters: `_sort`, `_count`, `_total`, `_summary`, `_elements`, `_type`.
 * Spec: https://hl7.org/fhir/R4/search.html#sort, #count, #total, #summary, #elements, and
 * https://hl7.org/fhir/R4/http.html#search (`_type` on system search).
 */
import { isKnownResourceType } from '../definitions/fhir-definitions';
import { lookupParam } from './param-lookup';
import type { SearchPlan, SortKey } from './plan';
import { invalidValue, unknownParameter, type ParseContext } from './search-context';

/** Page size when `_count` is absent. */
export const DEFAULT_COUNT = 20;

/** The largest page size; larger `_count` values are clamped (with a warning). */
export const MAX_COUNT = 1000;

const SORTABLE = new Set(['string', 'token', 'reference', 'date', 'number', 'quantity', 'uri']);

/** `_summary` values. */
export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';

/**
 * Parses `_sort`.
 * @param ctx - the parse context.
 * @param types - the searched types.
 * @param value - e.g. `-date,status,_id`.
 * @returns the sort keys (unknown parameters are warned about and skipped).
 */
export function parseSort(ctx: ParseContext, types: readonly string[], value: string): SortKey[] {
  const keys: SortKey[] = [];
  for (const item of value.split(',').map((s) => s.trim())) {
    if (item === '' || item === '-') {
      continue;
    }
    const descending = item.startsWith('-');
    const code = descending ? item.slice(1) : item;
    if (code === '_id' || code === '_lastUpdated') {
      keys.push({ code, kind: code === '_id' ? 'id' : 'lastUpdated', descending });
      continue;
    }
    const param = lookupParam(types, code);
    if (param === undefined) {
      unknownParameter(ctx, '_sort', `Unknown sort parameter: ${code}`);
    } else if (!SORTABLE.has(param.type ?? '')) {
      throw invalidValue('_sort', `cannot sort by ${code} (a ${param.type} parameter)`);
    } else {
      keys.push({ code, kind: param.type as SortKey['kind'], descending });
    }
  }
  return keys;
}

/**
 * Parses `_count`.
 * @param ctx - the parse context (a clamped value adds a warning).
 * @param value - a non-negative integer.
 * @returns the page size, at most MAX_COUNT.
 */
export function parseCount(ctx: ParseContext, value: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw invalidValue('_count', `'${value}' is not a non-negative integer`);
  }
  const count = Number(value);
  if (count > MAX_COUNT) {
    ctx.warnings.push({
      severity: 'warning',
      code: 'too-costly',
      details: { text: `_count ${value} exceeds the maximum of ${MAX_COUNT}; ${MAX_COUNT} used` },
      expression: ['_count'],
    });
    return MAX_COUNT;
  }
  return count;
}

/**
 * Parses `_total`.
 * @param value - `none`, `estimate` or `accurate`.
 * @returns the total mode.
 */
export function parseTotal(value: string): SearchPlan['total'] {
  if (value !== 'none' && value !== 'estimate' && value !== 'accurate') {
    throw invalidValue('_total', `'${value}' is not none, estimate or accurate`);
  }
  return value;
}

/**
 * Parses `_summary`.
 * @param value - `true`, `text`, `data`, `count` or `false`.
 * @returns the summary mode.
 */
export function parseSummary(value: string): SummaryMode {
  if (!['true', 'text', 'data', 'count', 'false'].includes(value)) {
    throw invalidValue('_summary', `'${value}' is not true, text, data, count or false`);
  }
  return value as SummaryMode;
}

/**
 * Parses `_elements`.
 * @param value - comma-separated element names.
 * @returns the names, trimmed, empties dropped.
 */
export function parseElements(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Parses `_type`.
 * @param value - comma-separated resource types.
 * @returns the types; throws TESSERA_E_SEARCH_INVALID_VALUE for an unknown type.
 */
export function parseTypes(value: string): string[] {
  const types = parseElements(value);
  for (const t of types) {
    if (!isKnownResourceType(t)) {
      throw invalidValue('_type', `'${t}' is not a resource type`);
    }
  }
  return types;
}
