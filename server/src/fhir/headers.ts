/**
 * Parsing and formatting of the headers with FHIR semantics.
 * - ETag / If-Match / If-None-Match: https://hl7.org/fhir/R4/http.html#concurrency (weak `W/"n"`)
 * - Prefer: https://hl7.org/fhir/R4/http.html#ops (return=) and https://hl7.org/fhir/R4/search.html#errors (handling=)
 */
import type { Resource } from '@medplum/fhirtypes';
import { fhirError } from '../errors/outcome';

const versionTag = /^(?:W\/)?"([0-9]+)"$/;

/**
 * Parses `If-Match` into the expected version number.
 * @param value - the raw header, `W/"3"` or `"3"`; undefined when absent.
 * @returns the version, or undefined when the header is absent.
 * @throws FhirError TESSERA_E_FHIR_INVALID_IF_MATCH (400) when malformed.
 */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const match = versionTag.exec(value.trim());
  const version = match?.[1] === undefined ? NaN : Number(match[1]);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw fhirError('TESSERA_E_FHIR_INVALID_IF_MATCH', `Malformed If-Match header: ${value}`);
  }
  return version;
}

/**
 * Whether an `If-None-Match` header names the given version (or `*`).
 * @param value - the raw header (may list several tags).
 * @param versionId - the current version.
 */
export function ifNoneMatchMatches(value: string | undefined, versionId: number | string): boolean {
  if (value === undefined) {
    return false;
  }
  return value.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || versionTag.exec(t)?.[1] === String(versionId);
  });
}

/** The parsed `Prefer` header. */
export interface Preferences {
  readonly return?: 'minimal' | 'representation' | 'OperationOutcome';
  readonly handling?: 'strict' | 'lenient';
}

/**
 * Parses `Prefer` (comma-separated `name=value` tokens); unknown values are ignored (RFC 7240).
 * @param value - the raw header.
 */
export function parsePrefer(value: string | undefined): Preferences {
  if (value === undefined) {
    return {};
  }
  let ret: Preferences['return'];
  let handling: Preferences['handling'];
  for (const token of value.split(/[,;]/)) {
    const [name, raw] = token.split('=').map((s) => s.trim());
    const v = raw?.replace(/^"|"$/g, '');
    if (name?.toLowerCase() === 'return' && (v === 'minimal' || v === 'representation' || v === 'OperationOutcome')) {
      ret = v;
    } else if (name?.toLowerCase() === 'handling' && (v === 'strict' || v === 'lenient')) {
      handling = v;
    }
  }
  return { return: ret, handling };
}

/**
 * The weak ETag of a version.
 * @param versionId - the version.
 */
export function formatETag(versionId: number | string): string {
  return `W/"${versionId}"`;
}

/**
 * `ETag` and `Last-Modified` (HTTP date) for a stored version.
 * @param versionId - meta.versionId.
 * @param lastUpdated - meta.lastUpdated (ISO instant).
 */
export function versionHeaders(versionId: number | string, lastUpdated: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { ETag: formatETag(versionId) };
  if (lastUpdated !== undefined) {
    headers['Last-Modified'] = new Date(lastUpdated).toUTCString();
  }
  return headers;
}

/**
 * `ETag`, `Last-Modified` and `Location` (`<fhirBase>/Type/id/_history/n`) for a written resource.
 * @param fhirBase - the FHIR base URL.
 * @param resource - the stored resource (with id and meta).
 */
export function writeHeaders(fhirBase: string, resource: Resource): Record<string, string> {
  const versionId = resource.meta?.versionId ?? '1';
  return {
    ...versionHeaders(versionId, resource.meta?.lastUpdated),
    Location: `${fhirBase}/${resource.resourceType}/${resource.id ?? ''}/_history/${versionId}`,
  };
}
