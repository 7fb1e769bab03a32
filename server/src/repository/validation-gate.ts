/**
 * Rejects invalid resources before they are stored: structural problems are 400, everything
 * else 422 (https://hl7.org/fhir/R4/http.html#2.21.0.17 "Unprocessable Entity").
 */
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { fhirErrorWithIssues } from '../errors/outcome';
import type { ResourceValidator } from '../validation/validator';

function isError(issue: OperationOutcomeIssue): boolean {
  return issue.severity === 'error' || issue.severity === 'fatal';
}

/**
 * Validates and throws a FhirError carrying every issue when the resource is invalid.
 * @param validator - the configured validator.
 * @param resource - the resource about to be written.
 */
export function assertValid(validator: ResourceValidator, resource: Resource): void {
  assertNoErrors(validator.validate(resource));
}

/**
 * Throws a FhirError carrying every issue when any of them is an error.
 * @param issues - the validation issues of a resource about to be written.
 */
export function assertNoErrors(issues: readonly OperationOutcomeIssue[]): void {
  const errors = issues.filter(isError);
  if (errors.length === 0) {
    return;
  }
  const structural = errors.some((i) => i.code === 'structure');
  throw fhirErrorWithIssues(structural ? 'TESSERA_E_VALIDATION_STRUCTURE' : 'TESSERA_E_VALIDATION_FAILED', [...issues]);
}
