/**
 * Checks on request bodies shared by the write interactions:
 * https://hl7.org/fhir/R4/http.html#create ("The resource ... SHALL have the same type as the URL")
 * and https://hl7.org/fhir/R4/http.html#update ("the id ... SHALL match the id in the URL").
 */
import type { Resource } from '@medplum/fhirtypes';
import { fhirError } from '../errors/outcome';

/** Logical id syntax, https://hl7.org/fhir/R4/datatypes.html#id */
export const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Whether a value is a syntactically valid logical id.
 * @param id - the candidate.
 */
export function isValidId(id: string): boolean {
  return idPattern.test(id);
}

/**
 * Returns the body as a resource of the expected type.
 * @param body - the parsed JSON body.
 * @param resourceType - the type named in the URL; undefined to accept any type.
 * @throws FhirError TESSERA_E_VALIDATION_STRUCTURE (400) when the body is not a resource,
 *   TESSERA_E_FHIR_TYPE_MISMATCH (400) when its type differs from the URL.
 */
export function requireResource(body: unknown, resourceType?: string): Resource {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw fhirError('TESSERA_E_VALIDATION_STRUCTURE', 'The request body must be a FHIR resource (JSON object)');
  }
  const type = (body as { resourceType?: unknown }).resourceType;
  if (typeof type !== 'string' || type === '') {
    throw fhirError('TESSERA_E_VALIDATION_STRUCTURE', 'The request body has no resourceType', 'resourceType');
  }
  if (resourceType !== undefined && type !== resourceType) {
    throw fhirError(
      'TESSERA_E_FHIR_TYPE_MISMATCH',
      `resourceType ${type} does not match the URL type ${resourceType}`,
      'resourceType',
    );
  }
  return body as Resource;
}

/**
 * Checks that a body for `PUT Type/id` carries that id.
 * @param resource - the body.
 * @param id - the id from the URL.
 * @throws FhirError TESSERA_E_FHIR_ID_MISSING or TESSERA_E_FHIR_ID_MISMATCH (400).
 */
export function requireMatchingId(resource: Resource, id: string): void {
  if (resource.id === undefined || resource.id === '') {
    throw fhirError(
      'TESSERA_E_FHIR_ID_MISSING',
      `The resource must have id "${id}" for update`,
      `${resource.resourceType}.id`,
    );
  }
  if (resource.id !== id) {
    throw fhirError(
      'TESSERA_E_FHIR_ID_MISMATCH',
      `Resource id "${resource.id}" does not match the URL id "${id}"`,
      `${resource.resourceType}.id`,
    );
  }
}

/**
 * Serializes search parameters as a query string (without `?`).
 * @param params - name/value pairs in order.
 */
export function toQueryString(params: readonly (readonly [string, string])[]): string {
  return new URLSearchParams(params as [string, string][]).toString();
}

/**
 * A copy of a resource without its id (create ignores a client-supplied id,
 * https://hl7.org/fhir/R4/http.html#create).
 * @param resource - the body.
 */
export function withoutId<T extends Resource>(resource: T): T {
  const copy = { ...resource };
  delete copy.id;
  return copy;
}
