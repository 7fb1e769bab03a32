/**
 * Builds the searchset Bundle of a search, https://hl7.org/fhir/R4/http.html#search and
 * https://hl7.org/fhir/R4/search.html#return: matches then includes, `total` when known, paging
 * links carrying the repository's opaque `_cursor` tokens (https://hl7.org/fhir/R4/http.html#paging),
 * and an OperationOutcome entry (search.mode = outcome) for warnings such as ignored parameters.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import type { SearchResult } from '../../repository/repository';
import { toQueryString } from '../body';
import { applyElements, applySummary } from './subset';

/** Where the search was addressed, for the paging links. */
export interface SearchsetLinks {
  /** The FHIR base URL (`<baseUrl>/fhir`). */
  readonly fhirBase: string;
  /** The search path below the base: `Patient`, `Patient/123/Observation`, or `` for system search. */
  readonly path: string;
  /** The request parameters (including any `_cursor`). */
  readonly params: readonly (readonly [string, string])[];
}

function linkUrl(links: SearchsetLinks, cursor: string | undefined): string {
  const params = links.params.filter(([name]) => name !== '_cursor');
  if (cursor !== undefined) {
    params.push(['_cursor', cursor]);
  }
  const query = toQueryString(params);
  const path = links.path === '' ? links.fhirBase : `${links.fhirBase}/${links.path}`;
  return query === '' ? path : `${path}?${query}`;
}

function entryOf(fhirBase: string, resource: Resource, mode: 'match' | 'include'): BundleEntry {
  return {
    fullUrl: `${fhirBase}/${resource.resourceType}/${resource.id ?? ''}`,
    resource,
    search: { mode },
  };
}

/**
 * Turns a repository SearchResult into a searchset Bundle, applying `_summary`/`_elements`.
 * `_summary` applies to every entry; `_elements` only to matches (includes stay whole).
 * @param result - the repository's search result.
 * @param links - base, path and parameters of the request, for fullUrls and links.
 */
export function buildSearchset(result: SearchResult, links: SearchsetLinks): Bundle {
  const link: BundleLink[] = [{ relation: 'self', url: linkUrl(links, cursorOf(links.params)) }];
  if (result.next !== undefined) {
    link.push({ relation: 'next', url: linkUrl(links, result.next) });
  }
  if (result.previous !== undefined) {
    link.push({ relation: 'previous', url: linkUrl(links, result.previous) });
  }
  const entry: BundleEntry[] = [];
  if (result.summary !== 'count') {
    for (const match of result.matches) {
      const subset = applyElements(applySummary(match, result.summary), result.elements);
      entry.push(entryOf(links.fhirBase, subset, 'match'));
    }
    for (const included of result.included) {
      entry.push(entryOf(links.fhirBase, applySummary(included, result.summary), 'include'));
    }
  }
  if (result.warnings.length > 0) {
    entry.push({
      fullUrl: `urn:uuid:${randomUUID()}`,
      resource: { resourceType: 'OperationOutcome', issue: [...result.warnings] },
      search: { mode: 'outcome' },
    });
  }
  const bundle: Bundle = { resourceType: 'Bundle', id: randomUUID(), type: 'searchset' };
  if (result.total !== undefined) {
    bundle.total = result.total;
  }
  bundle.link = link;
  if (entry.length > 0) {
    bundle.entry = entry;
  }
  return bundle;
}

function cursorOf(params: readonly (readonly [string, string])[]): string | undefined {
  return params.find(([name]) => name === '_cursor')?.[1];
}
