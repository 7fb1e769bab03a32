/**
 * SearchParameter lookup for planning: a parameter is usable in a search over several types
 * (system search, `_type`, compartment `*`) only when every type defines it.
 * Spec: https://hl7.org/fhir/R4/search.html#searchparameter
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import { getSearchParametersFor } from '../definitions/fhir-definitions';

/** Parameters that R4 defines but Tessera does not support; treated as unknown. */
const UNSUPPORTED = new Set([
  '_text',
  '_content',
  '_query',
  '_filter',
  '_list',
  '_containedType',
  '_contained',
  '_compartment',
]);

/**
 * Finds the SearchParameter `code` shared by all `types`.
 * @param types - the searched resource types.
 * @param code - the parameter code (no modifier).
 * @returns the parameter, or undefined when unknown, unsupported or not defined on every type.
 */
export function lookupParam(types: readonly string[], code: string): SearchParameter | undefined {
  if (UNSUPPORTED.has(code) || types.length === 0) {
    return undefined;
  }
  let found: SearchParameter | undefined;
  for (const type of types) {
    const p = getSearchParametersFor(type)[code];
    if (p === undefined || p.type === 'special' || !p.expression) {
      return undefined;
    }
    found ??= p;
  }
  return found;
}

/**
 * The resource types a reference parameter may point to.
 * @param param - a reference SearchParameter.
 * @returns SearchParameter.target (empty when unconstrained).
 */
export function referenceTargets(param: SearchParameter): readonly string[] {
  return param.target ?? [];
}
