/**
 * History interactions as a `history` Bundle, https://hl7.org/fhir/R4/http.html#history:
 * newest first, one entry per version with request/response, deletes without a resource.
 */
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import { fhirError } from '../errors/outcome';
import type { HistoryPage, HistoryQuery, StoredResource } from '../storage/store';
import type { HistoryRequest } from './repository';

const DEFAULT_COUNT = 20;
const MAX_COUNT = 1000;

function instant(name: string, value: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}(-\d{2}(-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/.test(value) || Number.isNaN(ms)) {
    throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `${name} must be an instant, got "${value}"`, name);
  }
  return new Date(ms).toISOString();
}

/**
 * Decodes `_count`, `_since`, `_at` and `_cursor` into a store history query.
 * @param request - the history request.
 */
export function toHistoryQuery(request: HistoryRequest): HistoryQuery {
  let count = DEFAULT_COUNT;
  let since: string | undefined;
  let at: string | undefined;
  let cursor: string | undefined;
  for (const [name, value] of request.params) {
    if (name === '_count') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) {
        throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `_count must be a non-negative integer`, '_count');
      }
      count = Math.min(n, MAX_COUNT);
    } else if (name === '_since') {
      since = instant(name, value);
    } else if (name === '_at') {
      at = instant(name, value);
    } else if (name === '_cursor') {
      cursor = value;
    }
  }
  return { resourceType: request.resourceType, id: request.id, since, at, count, cursor };
}

function entryFor(base: string, version: StoredResource): BundleEntry {
  const url = `${version.resourceType}/${version.id}`;
  const entry: BundleEntry = {
    fullUrl: `${base}/${url}`,
    request: { method: version.method, url: version.method === 'POST' ? version.resourceType : url },
    response: {
      status: version.deleted ? '204' : version.versionId === 1 ? '201' : '200',
      etag: `W/"${version.versionId}"`,
      lastModified: version.lastUpdated,
    },
  };
  if (!version.deleted) {
    entry.resource = JSON.parse(version.json) as Resource;
  }
  return entry;
}

/**
 * Builds the history Bundle.
 * @param fhirBase - the FHIR base URL (`<baseUrl>/fhir`).
 * @param request - the request (for link building).
 * @param query - the decoded query.
 * @param page - the store's page.
 */
export function historyBundle(
  fhirBase: string,
  request: HistoryRequest,
  query: HistoryQuery,
  page: HistoryPage,
): Bundle {
  const path = [request.resourceType, request.id, '_history'].filter((p) => p !== undefined).join('/');
  const params = new URLSearchParams(request.params.filter(([n]) => n !== '_cursor') as [string, string][]);
  const self = `${fhirBase}/${path}${params.size > 0 ? `?${params}` : ''}`;
  const link: BundleLink[] = [{ relation: 'self', url: self }];
  if (page.next) {
    const nextParams = new URLSearchParams(params);
    nextParams.set('_count', String(query.count));
    nextParams.set('_cursor', page.next);
    link.push({ relation: 'next', url: `${fhirBase}/${path}?${nextParams}` });
  }
  return {
    resourceType: 'Bundle',
    type: 'history',
    ...(page.total === undefined ? {} : { total: page.total }),
    link,
    entry: page.versions.map((v) => entryFor(fhirBase, v)),
  };
}
