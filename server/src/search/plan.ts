/**
 * The backend-neutral search plan (DESIGN.md, "One search planner, many backends").
 *
 * A FHIR search query is parsed and validated once (search/parse.ts) into a `SearchPlan`;
 * each storage backend compiles the plan (SQL for SQLite, a filter document for MongoDB).
 * Plans reference search parameters by `code` and carry everything a backend needs to
 * know: parameter kind, modifier semantics already resolved, values already normalized
 * (strings folded like StringIndexEntry.norm, dates turned into epoch-ms ranges).
 *
 * Spec: https://hl7.org/fhir/R4/search.html
 */
import type { CompositeValue } from './index-entries';

/**
 * Comparison prefixes, https://hl7.org/fhir/R4/search.html#prefix.
 * The planner lowers every prefix to a `RangeTest` against the stored target range
 * T = [tLow, tHigh], given the search value's implicit range S = [low, high]:
 * - eq: T within S                  -> within(low, high)
 * - ne: not (T within S)            -> within(low, high, negate)
 * - gt: range above S overlaps T    -> highAbove(high)
 * - lt: range below S overlaps T    -> lowBelow(low)
 * - ge: gt or eq                    -> anyOf(highAbove(high), within(low, high))
 * - le: lt or eq                    -> anyOf(lowBelow(low), within(low, high))
 * - sa: T starts after S            -> lowAbove(high)
 * - eb: T ends before S             -> highBelow(low)
 * - ap: T overlaps S widened by 10% -> overlaps(low', high') (the planner widens)
 * Backends only compile RangeTests, so both backends get identical semantics.
 */
export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/**
 * A lowered range comparison against a stored [tLow, tHigh] range. Backends compile:
 * - `within`:   tLow >= low AND tHigh <= high
 * - `overlaps`: tLow <= high AND tHigh >= low
 * - `highAbove`: tHigh > value
 * - `lowBelow`: tLow < value
 * - `lowAbove`: tLow > value
 * - `highBelow`: tHigh < value
 * - `anyOf`: any of `tests` holds (on the same index entry)
 * `negate` negates the test on the entry. Note that the *resource* matches when some entry passes
 * the test; `ne` is therefore "some entry is not within", and resources without the value never match.
 */
export type RangeTest =
  | { readonly op: 'within' | 'overlaps'; readonly low: number; readonly high: number; readonly negate?: boolean }
  | {
      readonly op: 'highAbove' | 'lowBelow' | 'lowAbove' | 'highBelow';
      readonly value: number;
      readonly negate?: boolean;
    }
  | { readonly op: 'anyOf'; readonly tests: readonly RangeTest[]; readonly negate?: boolean };

/** string: default = starts-with on `norm`; `exact` = equality on `exact`; `contains` = substring on `norm`. */
export interface StringCondition {
  readonly kind: 'string';
  readonly code: string;
  readonly match: 'startsWith' | 'exact' | 'contains';
  /** Already normalized for startsWith/contains; verbatim for exact. */
  readonly value: string;
}

/**
 * token. `system` undefined = any system; `system === ''` = the `|code` form (no system);
 * `value` undefined = the `system|` form (any code in the system).
 * `text` matches TokenIndexEntry.text by startsWith (normalized). `ofType` is `:of-type`.
 * `:not` is expressed with a NotCondition around a token condition (https://hl7.org/fhir/R4/search.html#token:
 * not = "the resource does not have a matching value", so resources with no value match).
 */
export type TokenCondition =
  | { readonly kind: 'token'; readonly code: string; readonly system?: string; readonly value?: string }
  | { readonly kind: 'tokenText'; readonly code: string; readonly text: string }
  | {
      readonly kind: 'tokenOfType';
      readonly code: string;
      readonly typeSystem: string;
      readonly typeCode: string;
      readonly value: string;
    };

/**
 * reference. Matches when any of the given forms matches: `targetType/targetId` (targetType
 * may be undefined = any type, e.g. `subject=123`), `ref` (absolute/canonical URL, exact), or
 * identifier (`:identifier`).
 */
export type ReferenceCondition =
  | {
      readonly kind: 'reference';
      readonly code: string;
      readonly targetType?: string;
      readonly targetId?: string;
      readonly ref?: string;
    }
  | {
      readonly kind: 'referenceIdentifier';
      readonly code: string;
      readonly system?: string;
      readonly value: string;
    };

/** date / number: a range test against the stored [low, high]. */
export interface RangeCondition {
  readonly kind: 'date' | 'number';
  readonly code: string;
  readonly test: RangeTest;
}

/** quantity: range test plus optional unit system/code (both compared exactly). */
export interface QuantityCondition {
  readonly kind: 'quantity';
  readonly code: string;
  readonly test: RangeTest;
  readonly system?: string;
  readonly unit?: string;
}

/** uri: `eq` exact; `above`: stored value is a prefix of `value`; `below`: stored value starts with `value`. */
export interface UriCondition {
  readonly kind: 'uri';
  readonly code: string;
  readonly match: 'eq' | 'above' | 'below';
  readonly value: string;
}

/** The non-token part of a composite search value, matched against CompositeIndexEntry.second/third. */
export type CompositePartCondition =
  | { readonly kind: 'token'; readonly system?: string; readonly value?: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'reference'; readonly targetType?: string; readonly targetId?: string; readonly ref?: string }
  | { readonly kind: 'number' | 'date'; readonly test: RangeTest }
  | { readonly kind: 'quantity'; readonly test: RangeTest; readonly system?: string; readonly unit?: string };

/** composite: first token part plus second (and optional third) part, all on the same index entry. */
export interface CompositeCondition {
  readonly kind: 'composite';
  readonly code: string;
  readonly system?: string;
  readonly value?: string;
  readonly second: CompositePartCondition;
  readonly third?: CompositePartCondition;
}

/**
 * `:missing`: https://hl7.org/fhir/R4/search.html#missing. `missing: true` = no index entry of this
 * code exists for the resource.
 */
export interface MissingCondition {
  readonly kind: 'missing';
  readonly code: string;
  /** Which index kind (table) holds entries for this code. */
  readonly indexKind: CompositeValue['kind'] | 'uri' | 'composite';
  readonly missing: boolean;
}

/** `_id`: the logical id is one of `ids`. */
export interface IdCondition {
  readonly kind: 'id';
  readonly ids: readonly string[];
}

/** `_lastUpdated`: a range test against meta.lastUpdated (a single instant: low = high). */
export interface LastUpdatedCondition {
  readonly kind: 'lastUpdated';
  readonly test: RangeTest;
}

/**
 * Chaining, https://hl7.org/fhir/R4/search.html#chaining: the resource's reference parameter
 * `code` points to a resource of `targetType` that matches `condition`.
 */
export interface ChainCondition {
  readonly kind: 'chain';
  readonly code: string;
  readonly targetType: string;
  readonly condition: Condition;
}

/**
 * Reverse chaining, https://hl7.org/fhir/R4/search.html#has: some resource of `sourceType`
 * whose reference parameter `referenceCode` points to this resource matches `condition`.
 */
export interface HasCondition {
  readonly kind: 'has';
  readonly sourceType: string;
  readonly referenceCode: string;
  readonly condition: Condition;
}

/** OR of conditions (comma-separated values). */
export interface OrCondition {
  readonly kind: 'or';
  readonly conditions: readonly Condition[];
}

/** AND of conditions (repeated parameters). */
export interface AndCondition {
  readonly kind: 'and';
  readonly conditions: readonly Condition[];
}

/** NOT: matches resources for which `condition` does not hold (token `:not`, `ne`). */
export interface NotCondition {
  readonly kind: 'not';
  readonly condition: Condition;
}

/**
 * Compartment membership, https://hl7.org/fhir/R4/compartmentdefinition.html: the resource is in
 * at least one of `compartments` (e.g. `Patient/123`). Used for compartment search and for
 * patient-scoped access control. Membership is computed at write time (ResourceWrite.compartments).
 */
export interface CompartmentCondition {
  readonly kind: 'compartment';
  readonly compartments: readonly string[];
}

/** Matches nothing (e.g. a value that can never match); backends compile to FALSE. */
export interface NoneCondition {
  readonly kind: 'none';
}

export type Condition =
  | StringCondition
  | TokenCondition
  | ReferenceCondition
  | RangeCondition
  | QuantityCondition
  | UriCondition
  | CompositeCondition
  | MissingCondition
  | IdCondition
  | LastUpdatedCondition
  | ChainCondition
  | HasCondition
  | OrCondition
  | AndCondition
  | NotCondition
  | CompartmentCondition
  | NoneCondition;

/**
 * One sort key, https://hl7.org/fhir/R4/search.html#sort. Sorting uses the index entries of
 * `code`: for ascending order the smallest value a resource has, for descending the largest
 * (string: `exact`; token: `value`; date/number/quantity: `low` ascending, `high` descending;
 * reference: `targetType/targetId` or `ref`; uri: `value`). `_id` and `_lastUpdated` sort on the
 * resource row. Resources without a value sort last in both directions. The logical id is
 * always appended as a final tiebreaker (ascending unless the last key is descending).
 */
export interface SortKey {
  readonly code: string;
  /** The index kind of the parameter, or 'id' / 'lastUpdated' for the specials. */
  readonly kind: 'string' | 'token' | 'reference' | 'date' | 'number' | 'quantity' | 'uri' | 'id' | 'lastUpdated';
  readonly descending: boolean;
}

/**
 * Keyset cursor (not offset), so that deep pages stay correct while data changes: the sort
 * values and id of the last (for `after`) or first (for `before`) row of the previous page.
 * `values[i]` is the sort value of `sort[i]` (null when the resource had none).
 */
export interface Cursor {
  readonly direction: 'after' | 'before';
  readonly values: readonly (string | number | null)[];
  readonly id: string;
}

/** A complete, backend-neutral search for one resource type (or several for system search). */
export interface SearchPlan {
  /** The resource types searched; one for type-level search, several for `_type`/compartment `*`. */
  readonly resourceTypes: readonly string[];
  /** Conditions ANDed together; empty = all resources. */
  readonly conditions: readonly Condition[];
  /** Sort keys; empty = by id ascending (ids are time-ordered UUIDs, so creation order). */
  readonly sort: readonly SortKey[];
  /** Page size (0 = only the total is wanted, `_summary=count`). */
  readonly count: number;
  readonly cursor?: Cursor;
  /** Whether the backend must compute the total matches (`_total=accurate` or `_summary=count`). */
  readonly total: 'none' | 'estimate' | 'accurate';
}
