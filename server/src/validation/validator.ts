/**
 * The validation port used by the repository on every write and by `$validate`.
 * Spec: https://hl7.org/fhir/R4/validation.html
 */
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

export interface ResourceValidator {
  /**
   * Validates a resource against the base R4 specification (structure, cardinality, datatypes,
   * required terminology bindings) and against every profile in `meta.profile` the server knows.
   * Never throws for invalid input: returns the issues (severity `error`/`fatal` means invalid,
   * `warning`/`information` are advisory). Each issue names the FHIRPath of the problem in
   * `expression` (e.g. `Patient.gender`).
   * @param resource - the resource to validate.
   * @param profileUrl - an extra profile to validate against (the `$validate` `profile` parameter).
   */
  validate(resource: Resource, profileUrl?: string): OperationOutcomeIssue[];
}
