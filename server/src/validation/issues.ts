/**
 * Issue helpers shared by the validation modules, and the rule that splits structural problems
 * (HTTP 400) from the rest (HTTP 422), https://hl7.org/fhir/R4/http.html#create :
 * "400 Bad Request - resource could not be parsed or failed basic FHIR validation rules";
 * "422 Unprocessable Entity - the proposed resource violated applicable FHIR profiles or server
 * business rules".
 *
 * Issue codes produced by the validator (https://hl7.org/fhir/R4/valueset-issue-type.html):
 * - `structure`: not a JSON object, missing/unknown `resourceType`, unknown property, wrong JSON
 *   type, array where a single value belongs (or the reverse), null/empty values. Structural.
 * - `required`: a mandatory element (or profile slice) is missing.
 * - `value`: a primitive has an invalid format, or a value does not match a fixed value/pattern.
 * - `invalid`: too many repetitions, a reference to the wrong resource type, a profile for another type.
 * - `invariant`: a FHIRPath constraint (`xxx-1`) is not met.
 * - `code-invalid`: a code outside a required value set.
 * - `not-supported` (warning): a `meta.profile` the server does not know; (error) an explicitly
 *   requested profile the server does not know.
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { IssueType } from '../errors/issue-types';

/**
 * Whether the issue makes the resource invalid (`error` or `fatal`).
 * @param issue - the issue.
 */
export function isErrorIssue(issue: OperationOutcomeIssue): boolean {
  return issue.severity === 'error' || issue.severity === 'fatal';
}

/**
 * Whether the issues include a structural error, i.e. the write should fail with 400 rather than 422.
 * @param issues - the validator's issues.
 */
export function isStructural(issues: readonly OperationOutcomeIssue[]): boolean {
  return issues.some((i) => isErrorIssue(i) && i.code === 'structure');
}

/**
 * Builds an issue.
 * @param severity - `error`, `warning`...
 * @param code - the issue type.
 * @param text - human-readable details.
 * @param expression - the FHIRPath of the problem, when known.
 */
export function makeIssue(
  severity: OperationOutcomeIssue['severity'],
  code: IssueType,
  text: string,
  expression?: string,
): OperationOutcomeIssue {
  const issue: OperationOutcomeIssue = { severity, code, details: { text } };
  if (expression !== undefined) {
    issue.expression = [expression];
  }
  return issue;
}

/**
 * Removes repeated issues (same severity, code, text and expression), keeping the first; several
 * profiles on one resource report the base problems once each.
 * @param issues - the issues, possibly repeated.
 */
export function dedupeIssues(issues: readonly OperationOutcomeIssue[]): OperationOutcomeIssue[] {
  const seen = new Set<string>();
  const out: OperationOutcomeIssue[] = [];
  for (const issue of issues) {
    const key = `${issue.severity}|${issue.code}|${issue.details?.text ?? ''}|${(issue.expression ?? []).join(',')}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(issue);
    }
  }
  return out;
}
