/**
 * Targets of `_include`: the resources a reference SearchParameter of a matched resource
 * points to. Spec: https://hl7.org/fhir/R4/search.html#include
 */
import type { Resource } from '@medplum/fhirtypes';
import { compiledParamsFor } from './compiled-params';
import { extractIndexEntriesFor } from './index-extraction';

/**
 * Evaluates a reference SearchParameter on a resource.
 * @param resource - the matched resource.
 * @param code - the reference parameter code, or `*` for all reference parameters.
 * @param targetType - only references to this type (the `Type:param:Target` form).
 * @returns the relative references found (absolute URLs, URNs and canonicals are skipped), unique.
 */
export function referencesFor(
  resource: Resource,
  code: string,
  targetType?: string,
): { resourceType: string; id: string }[] {
  const codes =
    code === '*'
      ? compiledParamsFor(resource.resourceType)
          .filter((p) => p.type === 'reference')
          .map((p) => p.code)
      : [code];
  const seen = new Set<string>();
  const out: { resourceType: string; id: string }[] = [];
  for (const e of extractIndexEntriesFor(resource, codes)) {
    if (e.kind !== 'reference' || e.ref !== undefined || !e.targetType || !e.targetId) {
      continue;
    }
    if (targetType !== undefined && e.targetType !== targetType) {
      continue;
    }
    const key = `${e.targetType}/${e.targetId}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ resourceType: e.targetType, id: e.targetId });
    }
  }
  return out;
}
