/**
 * Writes FHIR responses: `Content-Type: application/fhir+json; charset=utf-8`, the FhirResult's
 * headers (ETag, Last-Modified, Location) and its body, pre-serialized JSON sent as is. Errors
 * always leave as an OperationOutcome with the status decided by errors/outcome.ts; unexpected
 * ones are logged with their stack and answered 500 without details.
 */
import type { ServerResponse } from 'node:http';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, normalizeError } from '../errors/outcome';
import type { FhirResult } from '../fhir/types';
import type { Logger } from '../observability/logger';

/** The FHIR JSON media type of every FHIR response. */
export const fhirJson = 'application/fhir+json; charset=utf-8';

/**
 * Sends a body (or none) with the FHIR content type.
 * @param res - the response.
 * @param status - HTTP status.
 * @param body - serialized JSON, or undefined for no body.
 */
export function sendJson(res: ServerResponse, status: number, body: string | undefined): void {
  res.statusCode = status;
  if (body === undefined) {
    res.setHeader('Content-Length', '0');
    res.end();
    return;
  }
  res.setHeader('Content-Type', fhirJson);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * Sends a FhirResult.
 * @param res - the response.
 * @param result - the interaction's result.
 * @param override - a replacement body (Prefer: return=minimal -> null, return=OperationOutcome -> the outcome).
 */
export function sendResult(res: ServerResponse, result: FhirResult, override?: Resource | null): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    res.setHeader(name, value);
  }
  if (result.status === 304 || override === null) {
    sendJson(res, result.status, undefined);
    return;
  }
  const body =
    override !== undefined
      ? JSON.stringify(override)
      : (result.json ?? (result.resource === undefined ? undefined : JSON.stringify(result.resource)));
  sendJson(res, result.status, body);
}

/**
 * Sends anything thrown as an OperationOutcome.
 * @param res - the response.
 * @param err - the error.
 * @param logger - where unexpected errors (not FhirError) are logged with their stack.
 */
export function sendError(res: ServerResponse, err: unknown, logger: Logger): void {
  if (!(err instanceof FhirError)) {
    logger.error({ err }, 'unexpected error');
  }
  const error = normalizeError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, JSON.stringify(error.outcome));
}
