/**
 * Content negotiation, https://hl7.org/fhir/R4/http.html#mime-type: Tessera speaks JSON only.
 * `_format` (json, application/json, application/fhir+json) wins over `Accept`; an Accept header
 * with no JSON-compatible range (or `*\/*`) and any XML/other `_format` answer 406.
 * Request bodies: FHIR JSON (`application/fhir+json`, `application/json`), JSON Patch
 * (`application/json-patch+json`, PATCH only) and form parameters (`application/x-www-form-urlencoded`,
 * `POST [type]/_search` only); any other body is 415.
 */
import { fhirError } from '../errors/outcome';

const jsonFormats = new Set([
  'json',
  'application/json',
  'application/fhir+json',
  'application/json+fhir',
  'text/json',
]);
const jsonRanges = new Set(['*/*', 'application/*', ...jsonFormats]);

/** The media type of a header value without parameters, lower-cased. */
export function mediaType(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  return value.split(';')[0]?.trim().toLowerCase() || undefined;
}

/**
 * Checks `_format` and `Accept`.
 * @param format - the `_format` parameter, if any.
 * @param accept - the Accept header, if any.
 * @throws FhirError TESSERA_E_HTTP_NOT_ACCEPTABLE (406).
 */
export function checkAcceptable(format: string | undefined, accept: string | undefined): void {
  if (format !== undefined) {
    // `+` in a query decodes to a space
    const f = mediaType(format.replace(/ /g, '+'));
    if (f === undefined || !jsonFormats.has(f)) {
      throw fhirError('TESSERA_E_HTTP_NOT_ACCEPTABLE', `_format ${format} is not supported; use json`);
    }
    return;
  }
  if (accept === undefined || accept.trim() === '') {
    return;
  }
  const ok = accept.split(',').some((range) => {
    const type = mediaType(range);
    return type !== undefined && jsonRanges.has(type);
  });
  if (!ok) {
    throw fhirError(
      'TESSERA_E_HTTP_NOT_ACCEPTABLE',
      `Accept: ${accept} is not supported; Tessera serves application/fhir+json`,
    );
  }
}

/** How a request body is to be read. */
export type BodyKind = 'json' | 'form';

/**
 * Decides how to read a body of the given Content-Type for a method and path.
 * @param contentType - the Content-Type header.
 * @param method - the HTTP method.
 * @param path - the path below `/fhir`.
 * @throws FhirError TESSERA_E_HTTP_UNSUPPORTED_MEDIA_TYPE (415).
 */
export function bodyKind(contentType: string | undefined, method: string, path: string): BodyKind {
  const type = mediaType(contentType);
  if (type === 'application/fhir+json' || type === 'application/json' || type === 'application/json+fhir') {
    return 'json';
  }
  if (type === 'application/json-patch+json' && method === 'PATCH') {
    return 'json';
  }
  if (type === 'application/x-www-form-urlencoded' && method === 'POST' && path.endsWith('_search')) {
    return 'form';
  }
  throw fhirError(
    'TESSERA_E_HTTP_UNSUPPORTED_MEDIA_TYPE',
    `Content-Type ${contentType ?? '(none)'} is not supported for ${method} ${path === '' ? '/fhir' : `/fhir/${path}`}`,
  );
}
