/**
 * Response entries of batch-response / transaction-response Bundles,
 * https://hl7.org/fhir/R4/bundle.html#transaction-response: `response.status` with its reason
 * phrase ("201 Created"), `location` (`Type/id/_history/n`, relative to the base), `etag`,
 * `lastModified` (instant) and, for a failed batch entry, the `outcome`.
 */
import { STATUS_CODES } from 'node:http';
import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import type { FhirError } from '../../errors/outcome';
import type { FhirResult } from '../types';

/**
 * `201 Created` style status line.
 * @param status - HTTP status.
 */
export function statusLine(status: number): string {
  const reason = STATUS_CODES[status];
  return reason === undefined ? String(status) : `${status} ${reason}`;
}

function resourceOf(result: FhirResult): Resource | undefined {
  if (result.json !== undefined) {
    return JSON.parse(result.json) as Resource;
  }
  return result.resource;
}

/**
 * The response entry of a successful entry.
 * @param result - the entry's FhirResult.
 * @param fhirBase - base stripped from Location to make it relative.
 */
export function resultEntry(result: FhirResult, fhirBase: string): BundleEntry {
  const resource = resourceOf(result);
  const headers = result.headers ?? {};
  const response: NonNullable<BundleEntry['response']> = { status: statusLine(result.status) };
  if (headers.Location !== undefined) {
    response.location = headers.Location.startsWith(`${fhirBase}/`)
      ? headers.Location.slice(fhirBase.length + 1)
      : headers.Location;
  }
  if (headers.ETag !== undefined) {
    response.etag = headers.ETag;
  }
  const lastUpdated = resource?.meta?.lastUpdated;
  if (lastUpdated !== undefined && headers.ETag !== undefined) {
    response.lastModified = lastUpdated;
  }
  const entry: BundleEntry = {};
  if (resource !== undefined && resource.resourceType !== 'OperationOutcome') {
    if (resource.id !== undefined && headers.ETag !== undefined) {
      entry.fullUrl = `${fhirBase}/${resource.resourceType}/${resource.id}`;
    }
    entry.resource = resource;
  } else if (resource !== undefined) {
    response.outcome = resource;
  }
  entry.response = response;
  return entry;
}

/**
 * The response entry of a failed batch entry.
 * @param error - the entry's error.
 */
export function errorEntry(error: FhirError): BundleEntry {
  return { response: { status: statusLine(error.status), outcome: error.outcome } };
}
