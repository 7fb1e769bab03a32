/**
 * read: `GET [base]/[type]/[id]`, https://hl7.org/fhir/R4/http.html#read
 * The stored JSON is sent as is (no parse/serialize) unless `_summary`/`_elements` ask for a
 * subset. `If-None-Match` with the current version answers 304 (https://hl7.org/fhir/R4/http.html#cread).
 */
import { ifNoneMatchMatches, versionHeaders } from '../headers';
import { applyElements, applySummary, elementsParam, summaryParam } from '../bundles/subset';
import type { FhirContext, FhirResult, RoutedRequest } from '../types';

/**
 * Reads the current version of a resource.
 * @param req - routed request with `type` and `id`.
 * @param ctx - interaction context.
 */
export async function readHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const type = req.pathParams.type ?? '';
  const id = req.pathParams.id ?? '';
  if (req.params.length > 0) {
    const summary = summaryParam(req.params);
    const elements = elementsParam(req.params);
    if (summary !== undefined || elements !== undefined) {
      const resource = await ctx.repo.read(type as 'Patient', id);
      const headers = versionHeaders(resource.meta?.versionId ?? '1', resource.meta?.lastUpdated);
      return { status: 200, resource: applyElements(applySummary(resource, summary), elements), headers };
    }
  }
  const { json, versionId, lastUpdated } = await ctx.repo.readJson(type, id);
  const headers = versionHeaders(versionId, lastUpdated);
  if (ifNoneMatchMatches(req.headers.ifNoneMatch, versionId)) {
    return { status: 304, headers };
  }
  return { status: 200, json, headers };
}
