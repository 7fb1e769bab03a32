/**
 * Turns a batch/transaction entry into a FhirRequest, https://hl7.org/fhir/R4/bundle.html#transaction:
 * `request.method` + `request.url` (relative to the base, or absolute under it), `resource` as
 * the body, `ifMatch`/`ifNoneMatch`/`ifNoneExist` as the headers. A PATCH carries its JSON Patch
 * as a Binary resource (`contentType` application/json-patch+json, base64 `data`).
 */
import type { Binary, BundleEntry } from '@medplum/fhirtypes';
import { fhirError } from '../../errors/outcome';
import type { FhirMethod, FhirRequest } from '../types';

const methods = new Set<string>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Splits a request URL into path and parameters.
 * @param url - `Patient/1?x=y`, `/Patient`, or `<fhirBase>/Patient`.
 * @param fhirBase - the server's FHIR base URL.
 */
export function splitEntryUrl(url: string, fhirBase: string): { path: string; params: [string, string][] } {
  let rest = url.startsWith(fhirBase) ? url.slice(fhirBase.length) : url;
  rest = rest.replace(/^\/+/, '');
  const q = rest.indexOf('?');
  const path = (q < 0 ? rest : rest.slice(0, q)).replace(/\/+$/, '');
  const params = q < 0 ? [] : [...new URLSearchParams(rest.slice(q + 1))];
  return { path: path.split('/').map(decodeURIComponent).join('/'), params };
}

function patchBody(entry: BundleEntry): unknown {
  const resource = entry.resource;
  if (resource?.resourceType !== 'Binary') {
    return resource;
  }
  const binary = resource as Binary;
  if (binary.contentType !== undefined && !binary.contentType.includes('json-patch')) {
    throw fhirError('TESSERA_E_FHIR_INVALID_PATCH', `PATCH entry Binary has contentType ${binary.contentType}`);
  }
  try {
    return JSON.parse(Buffer.from(binary.data ?? '', 'base64').toString('utf8')) as unknown;
  } catch {
    throw fhirError('TESSERA_E_FHIR_INVALID_PATCH', 'PATCH entry Binary data is not base64 JSON');
  }
}

/**
 * Builds the FhirRequest of an entry.
 * @param entry - the Bundle entry.
 * @param index - its position (for error messages).
 * @param fhirBase - the server's FHIR base URL.
 * @throws FhirError TESSERA_E_FHIR_INVALID_BUNDLE when `request` is missing or malformed.
 */
export function entryToRequest(entry: BundleEntry, index: number, fhirBase: string): FhirRequest {
  const method = entry.request?.method;
  const url = entry.request?.url;
  if (method === undefined || !methods.has(method) || typeof url !== 'string' || url === '') {
    throw fhirError(
      'TESSERA_E_FHIR_INVALID_BUNDLE',
      `Bundle.entry[${index}].request needs a method and a url`,
      `Bundle.entry[${index}].request`,
    );
  }
  const { path, params } = splitEntryUrl(url, fhirBase);
  return {
    method: method as FhirMethod,
    path,
    params,
    body: method === 'PATCH' ? patchBody(entry) : entry.resource,
    headers: {
      ifMatch: entry.request?.ifMatch,
      ifNoneMatch: entry.request?.ifNoneMatch,
      ifNoneExist: entry.request?.ifNoneExist,
    },
  };
}
