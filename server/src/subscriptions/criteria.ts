/**
 * Subscription criteria (https://hl7.org/fhir/R4/subscription-definitions.html#Subscription.criteria):
 * "a search string that has the same interpretation as if it were appended to the base URL", i.e.
 * `Type?param=value&...`. Result-control parameters (`_count`, `_sort`, `_include`...) shape a
 * search page, not whether a resource matches, so they are dropped.
 */

/** Parsed criteria. */
export interface SubscriptionCriteria {
  readonly resourceType: string;
  /** The filtering parameters in order, repeated names kept (AND). */
  readonly params: readonly (readonly [string, string])[];
}

/** Parameters that do not filter (https://hl7.org/fhir/R4/search.html#return). */
const RESULT_PARAMETERS = new Set([
  '_count',
  '_sort',
  '_include',
  '_revinclude',
  '_summary',
  '_elements',
  '_total',
  '_contained',
  '_containedType',
  '_cursor',
  '_format',
  '_pretty',
]);

/**
 * Parses `Type?params` (a leading base URL or `/` is tolerated).
 * @param criteria - Subscription.criteria.
 * @returns the type and filtering parameters, or undefined when the text is not a search string.
 */
export function parseCriteria(criteria: string | undefined): SubscriptionCriteria | undefined {
  if (criteria === undefined) {
    return undefined;
  }
  const text = criteria.trim();
  const question = text.indexOf('?');
  const path = question < 0 ? text : text.slice(0, question);
  const resourceType =
    path
      .split('/')
      .filter((p) => p !== '')
      .pop() ?? '';
  if (!/^[A-Z][A-Za-z]+$/.test(resourceType)) {
    return undefined;
  }
  const query = question < 0 ? '' : text.slice(question + 1);
  const params = [...new URLSearchParams(query)]
    .filter(([name]) => !RESULT_PARAMETERS.has(name))
    .map(([name, value]) => [name, value] as const);
  return { resourceType, params };
}
