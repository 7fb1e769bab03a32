/**
 * Typed search index entries, extracted at write time from the SearchParameter FHIRPath
 * expressions (DESIGN.md, "Search indexes are extracted at write time").
 *
 * Every backend stores exactly these shapes; searching never parses resource JSON.
 * Dates and date-times are stored as an instant range [low, high] in epoch milliseconds
 * (inclusive on both ends), so that a partial date such as `2020-03` covers the whole month
 * (https://hl7.org/fhir/R4/search.html#date).
 */

/** string: https://hl7.org/fhir/R4/search.html#string */
export interface StringIndexEntry {
  readonly kind: 'string';
  /** SearchParameter code, e.g. `name`. */
  readonly code: string;
  /** Case-folded, accent-stripped, whitespace-collapsed text used for default and `:contains` matching. */
  readonly norm: string;
  /** The original text, used for `:exact` matching and sorting. */
  readonly exact: string;
}

/** token: https://hl7.org/fhir/R4/search.html#token */
export interface TokenIndexEntry {
  readonly kind: 'token';
  readonly code: string;
  /** Coding.system / Identifier.system / ContactPoint.system; undefined when absent. */
  readonly system?: string;
  /** The code/value; for booleans `true`/`false`. */
  readonly value?: string;
  /** Display / CodeableConcept.text / Identifier.type.text, normalized like string `norm`, for `:text`. */
  readonly text?: string;
  /** For Identifier tokens: Identifier.type codings as `system|code`, for `:of-type`. */
  readonly identifierTypes?: readonly string[];
}

/** reference: https://hl7.org/fhir/R4/search.html#reference */
export interface ReferenceIndexEntry {
  readonly kind: 'reference';
  readonly code: string;
  /** Target resource type for relative/literal references (`Patient/123` -> `Patient`). */
  readonly targetType?: string;
  /** Target logical id (`Patient/123` -> `123`). */
  readonly targetId?: string;
  /** The reference as written (absolute URL, canonical, `urn:uuid:` ...), for non-relative matching. */
  readonly ref?: string;
  /** Reference.identifier, for the `:identifier` modifier. */
  readonly identifierSystem?: string;
  readonly identifierValue?: string;
}

/** date: https://hl7.org/fhir/R4/search.html#date (also used for `_lastUpdated`). */
export interface DateIndexEntry {
  readonly kind: 'date';
  readonly code: string;
  /** Inclusive lower bound, epoch ms; `-Infinity` is stored as the backend's minimum. */
  readonly low: number;
  /** Inclusive upper bound, epoch ms. */
  readonly high: number;
}

/** number: https://hl7.org/fhir/R4/search.html#number */
export interface NumberIndexEntry {
  readonly kind: 'number';
  readonly code: string;
  readonly value: number;
  /** Implicit precision range of the stored value (e.g. 100 -> [99.5, 100.5]). */
  readonly low: number;
  readonly high: number;
}

/** quantity: https://hl7.org/fhir/R4/search.html#quantity (Range values are stored as [low, high]). */
export interface QuantityIndexEntry {
  readonly kind: 'quantity';
  readonly code: string;
  readonly value: number;
  readonly low: number;
  readonly high: number;
  /** Quantity.system (e.g. http://unitsofmeasure.org). */
  readonly system?: string;
  /** Quantity.code (UCUM code), falling back to Quantity.unit. */
  readonly unit?: string;
}

/** uri: https://hl7.org/fhir/R4/search.html#uri */
export interface UriIndexEntry {
  readonly kind: 'uri';
  readonly code: string;
  readonly value: string;
}

/** One component of a composite entry: the non-token part. */
export type CompositeValue =
  | { readonly kind: 'token'; readonly system?: string; readonly value?: string }
  | { readonly kind: 'string'; readonly norm: string; readonly exact: string }
  | { readonly kind: 'reference'; readonly targetType?: string; readonly targetId?: string; readonly ref?: string }
  | { readonly kind: 'number' | 'date'; readonly low: number; readonly high: number }
  | {
      readonly kind: 'quantity';
      readonly low: number;
      readonly high: number;
      readonly system?: string;
      readonly unit?: string;
    };

/**
 * composite: https://hl7.org/fhir/R4/search.html#composite
 * In R4 every composite's first component is a token (`code`, `chromosome`...); the remaining
 * one or two components are kept as typed values. One entry per element the composite's
 * expression selects, so the parts always come from the same element (e.g. the same component).
 */
export interface CompositeIndexEntry {
  readonly kind: 'composite';
  readonly code: string;
  readonly system?: string;
  readonly value?: string;
  readonly second: CompositeValue;
  readonly third?: CompositeValue;
}

export type IndexEntry =
  | StringIndexEntry
  | TokenIndexEntry
  | ReferenceIndexEntry
  | DateIndexEntry
  | NumberIndexEntry
  | QuantityIndexEntry
  | UriIndexEntry
  | CompositeIndexEntry;

export type IndexKind = IndexEntry['kind'];

/** Every index entry kind, in a fixed order (also the SearchParameter types that are indexed). */
export const INDEX_KINDS: readonly IndexKind[] = [
  'string',
  'token',
  'reference',
  'date',
  'number',
  'quantity',
  'uri',
  'composite',
];
