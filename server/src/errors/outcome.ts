/**
 * OperationOutcome-bearing errors, with the HTTP status decided in exactly one place
 * (STYLE.md habit 6). Anything thrown anywhere becomes an OperationOutcome at the edge through
 * `normalizeError`.
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { errorCodes, type ErrorCode } from './codes';

/** An error that carries a FHIR OperationOutcome and its HTTP status. */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome,
    readonly code?: ErrorCode,
  ) {
    super(outcome.issue?.[0]?.details?.text ?? outcome.issue?.[0]?.diagnostics ?? 'FHIR error');
    this.name = 'FhirError';
  }
}

/**
 * Builds a FhirError from a catalog code.
 * @param code - the TESSERA_E_* code; decides status and issue code.
 * @param details - human-readable detail (issue.details.text); defaults to the catalog text.
 * @param expression - FHIRPath expression(s) locating the problem (issue.expression).
 */
export function fhirError(code: ErrorCode, details?: string, expression?: string | string[]): FhirError {
  const spec = errorCodes[code];
  const issue: OperationOutcomeIssue = {
    severity: spec.status >= 500 ? 'fatal' : 'error',
    code: spec.issue,
    details: { text: details ?? spec.text },
    diagnostics: code,
  };
  if (expression !== undefined) {
    issue.expression = Array.isArray(expression) ? expression : [expression];
  }
  return new FhirError(spec.status, { resourceType: 'OperationOutcome', issue: [issue] }, code);
}

/** Builds a FhirError carrying several issues (validation), with an explicit status. */
export function fhirErrorWithIssues(code: ErrorCode, issues: OperationOutcomeIssue[]): FhirError {
  const spec = errorCodes[code];
  return new FhirError(spec.status, { resourceType: 'OperationOutcome', issue: issues }, code);
}

/** 404 for an unknown id. */
export function notFound(resourceType: string, id: string): FhirError {
  return fhirError('TESSERA_E_FHIR_NOT_FOUND', `${resourceType}/${id} not found`);
}

/** 410 for a deleted resource. */
export function gone(resourceType: string, id: string): FhirError {
  return fhirError('TESSERA_E_FHIR_GONE', `${resourceType}/${id} has been deleted`);
}

/** 400 with issue code `invalid`. */
export function invalid(details: string, expression?: string): FhirError {
  return fhirError('TESSERA_E_FHIR_INVALID_BUNDLE', details, expression);
}

/** 500 for an unexpected error; the message is not leaked to the client. */
export function serverError(): FhirError {
  return fhirError('TESSERA_E_SERVER_INTERNAL');
}

/** A successful outcome (informational), for `Prefer: return=OperationOutcome` and deletes. */
export function allOk(text = 'All OK'): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', details: { text } }],
  };
}

/** Turns anything thrown into a FhirError (unknown errors become 500 without leaking details). */
export function normalizeError(err: unknown): FhirError {
  if (err instanceof FhirError) {
    return err;
  }
  return serverError();
}
