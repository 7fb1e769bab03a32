/**
 * The catalog of Tessera's stable error codes (STYLE.md habit 7). Each code appears in
 * `issue.diagnostics` of the OperationOutcome (and, later, in HL7 ERR segments and DICOM error
 * comments) so logs can be grepped. test/unit/server/errors/codes.test.ts keeps this catalog, the
 * README's error table and the code in sync.
 */
import type { IssueType } from './issue-types';

export interface ErrorCodeSpec {
  readonly status: number;
  readonly issue: IssueType;
  readonly text: string;
}

export const errorCodes = {
  TESSERA_E_HTTP_MALFORMED_JSON: { status: 400, issue: 'structure', text: 'The request body is not valid JSON' },
  TESSERA_E_HTTP_UNSUPPORTED_MEDIA_TYPE: { status: 415, issue: 'not-supported', text: 'Unsupported Content-Type' },
  TESSERA_E_HTTP_BODY_TOO_LARGE: {
    status: 413,
    issue: 'too-costly',
    text: 'The request body exceeds the configured limit',
  },
  TESSERA_E_HTTP_NOT_ACCEPTABLE: { status: 406, issue: 'not-supported', text: 'Unsupported _format or Accept' },
  TESSERA_E_HTTP_MALFORMED_URL: { status: 400, issue: 'structure', text: 'The request URL is malformed' },
  TESSERA_E_HTTP_METHOD_NOT_ALLOWED: { status: 405, issue: 'not-supported', text: 'Method not allowed on this path' },
  TESSERA_E_AUTH_MISSING_TOKEN: { status: 401, issue: 'login', text: 'A bearer token is required' },
  TESSERA_E_AUTH_INVALID_TOKEN: { status: 401, issue: 'login', text: 'The bearer token is not valid' },
  TESSERA_E_AUTH_FORBIDDEN: { status: 403, issue: 'forbidden', text: 'The access context does not allow this' },
  TESSERA_E_FHIR_UNKNOWN_TYPE: { status: 404, issue: 'not-supported', text: 'Unknown resource type' },
  TESSERA_E_FHIR_NOT_FOUND: { status: 404, issue: 'not-found', text: 'Resource not found' },
  TESSERA_E_QUEUE_JOB_NOT_FOUND: { status: 404, issue: 'not-found', text: 'No job with this id in the work queue' },
  TESSERA_E_QUEUE_JOB_ACTIVE: { status: 409, issue: 'conflict', text: 'The job is waiting or running' },
  TESSERA_E_HL7_MESSAGE_NOT_FOUND: {
    status: 404,
    issue: 'not-found',
    text: 'No HL7 message with this id in the message log',
  },
  TESSERA_E_DICOMWEB_NOT_FOUND: {
    status: 404,
    issue: 'not-found',
    text: 'No such DICOM study, series, instance or frame',
  },
  TESSERA_E_DICOMWEB_MALFORMED_MULTIPART: {
    status: 400,
    issue: 'structure',
    text: 'The multipart/related body cannot be read',
  },
  TESSERA_E_FHIR_GONE: { status: 410, issue: 'deleted', text: 'Resource deleted' },
  TESSERA_E_FHIR_ID_MISMATCH: { status: 400, issue: 'invalid', text: 'Resource id does not match the URL' },
  TESSERA_E_FHIR_ID_MISSING: { status: 400, issue: 'required', text: 'Resource id is required for update' },
  TESSERA_E_FHIR_INVALID_ID: { status: 400, issue: 'value', text: 'Invalid logical id' },
  TESSERA_E_FHIR_TYPE_MISMATCH: { status: 400, issue: 'invalid', text: 'resourceType does not match the URL' },
  TESSERA_E_FHIR_VERSION_CONFLICT: { status: 412, issue: 'conflict', text: 'Version conflict (If-Match)' },
  TESSERA_E_FHIR_CONCURRENT_UPDATE: { status: 409, issue: 'conflict', text: 'Concurrent update conflict' },
  TESSERA_E_FHIR_MULTIPLE_MATCHES: {
    status: 412,
    issue: 'multiple-matches',
    text: 'Conditional request matched more than one resource',
  },
  TESSERA_E_FHIR_INVALID_IF_MATCH: { status: 400, issue: 'value', text: 'Malformed If-Match header' },
  TESSERA_E_FHIR_INVALID_PATCH: { status: 400, issue: 'invalid', text: 'Invalid JSON Patch document' },
  TESSERA_E_FHIR_PATCH_FAILED: { status: 422, issue: 'processing', text: 'JSON Patch could not be applied' },
  TESSERA_E_FHIR_INVALID_BUNDLE: { status: 400, issue: 'invalid', text: 'Invalid batch/transaction Bundle' },
  TESSERA_E_FHIR_UNRESOLVED_REFERENCE: {
    status: 400,
    issue: 'not-found',
    text: 'Conditional reference matched no resource',
  },
  TESSERA_E_FHIR_NOT_SUPPORTED: { status: 400, issue: 'not-supported', text: 'Operation not supported' },
  TESSERA_E_VALIDATION_FAILED: { status: 422, issue: 'invalid', text: 'Resource failed validation' },
  TESSERA_E_VALIDATION_STRUCTURE: { status: 400, issue: 'structure', text: 'Resource is structurally malformed' },
  TESSERA_E_SEARCH_UNKNOWN_PARAMETER: { status: 400, issue: 'not-supported', text: 'Unknown search parameter' },
  TESSERA_E_SEARCH_INVALID_VALUE: { status: 400, issue: 'value', text: 'Invalid search parameter value' },
  TESSERA_E_SEARCH_INVALID_MODIFIER: { status: 400, issue: 'not-supported', text: 'Unsupported search modifier' },
  TESSERA_E_SEARCH_INVALID_CURSOR: { status: 400, issue: 'value', text: 'Invalid or expired paging cursor' },
  TESSERA_E_STORE_UNAVAILABLE: { status: 503, issue: 'transient', text: 'The store is unavailable' },
  TESSERA_E_SERVER_INTERNAL: { status: 500, issue: 'exception', text: 'Internal server error' },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof errorCodes;
