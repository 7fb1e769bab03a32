/**
 * JSON Patch (RFC 6902) for the FHIR patch interaction, https://hl7.org/fhir/R4/http.html#patch.
 * A malformed patch document is 400; a patch that cannot be applied (failed `test`, missing
 * path) is 422.
 */
import type { Resource } from '@medplum/fhirtypes';
import { applyPatch, validate, type Operation } from 'fast-json-patch';
import { fhirError } from '../errors/outcome';

/**
 * Applies `patch` to a copy of `resource`.
 * @param resource - the current resource (not mutated).
 * @param patch - the JSON Patch operations.
 */
export function applyJsonPatch<T extends Resource>(resource: T, patch: readonly Operation[]): T {
  if (!Array.isArray(patch)) {
    throw fhirError('TESSERA_E_FHIR_INVALID_PATCH', 'A JSON Patch document is an array of operations');
  }
  const copy = structuredClone(resource);
  const problem = validate(patch as Operation[]);
  if (problem && problem.name !== 'TEST_OPERATION_FAILED') {
    throw fhirError('TESSERA_E_FHIR_INVALID_PATCH', `${problem.name}: ${problem.message.split('\n')[0]}`);
  }
  try {
    return applyPatch(copy, patch as Operation[], true, true).newDocument;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw fhirError('TESSERA_E_FHIR_PATCH_FAILED', message);
  }
}
