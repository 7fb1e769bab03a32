/**
 * search: type `GET|POST [base]/[type]{/_search}?...`, system `GET [base]?_type=...`, and
 * compartment `GET [base]/Patient/[id]/[type|*]`, https://hl7.org/fhir/R4/http.html#search and
 * https://hl7.org/fhir/R4/search.html. `Prefer: handling=strict` turns unknown parameters into a
 * 400 (https://hl7.org/fhir/R4/search.html#errors). The searchset Bundle is built in bundles/searchset.ts.
 */
import type { SearchRequest } from '../../repository/repository';
import { buildSearchset } from '../bundles/searchset';
import { parsePrefer } from '../headers';
import type { FhirContext, FhirResult, RoutedRequest } from '../types';
import { fhirBase } from '../types';

/**
 * Searches at the level given by the route.
 * @param req - routed request (`type` for type search; `type`=Patient, `id`, `targetType` for compartments).
 * @param ctx - interaction context.
 */
export async function searchHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const { type, id, targetType } = req.pathParams;
  const strict = parsePrefer(req.headers.prefer).handling === 'strict';
  let request: SearchRequest;
  let path: string;
  if (targetType !== undefined && type !== undefined && id !== undefined) {
    request = {
      resourceType: targetType === '*' ? undefined : targetType,
      params: req.params,
      compartment: { resourceType: type, id },
      strict,
    };
    path = `${type}/${id}/${targetType}`;
  } else {
    request = { resourceType: type, params: req.params, strict };
    path = type ?? '';
  }
  const result = await ctx.repo.search(request);
  return { status: 200, resource: buildSearchset(result, { fhirBase: fhirBase(ctx), path, params: req.params }) };
}
