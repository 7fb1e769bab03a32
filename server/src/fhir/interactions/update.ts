/**
 * update: `PUT [base]/[type]/[id]`, https://hl7.org/fhir/R4/http.html#update (update-as-create
 * answers 201), with `If-Match` version checks (https://hl7.org/fhir/R4/http.html#concurrency);
 * conditional update: `PUT [base]/[type]?query`, https://hl7.org/fhir/R4/http.html#cond-update
 * (0 matches create, 1 updates, several 412).
 */
import { fhirError } from '../../errors/outcome';
import { requireMatchingId, requireResource, toQueryString } from '../body';
import { parseIfMatch } from '../headers';
import { writtenResult } from '../results';
import type { FhirContext, FhirResult, RoutedRequest } from '../types';

/**
 * Updates (or creates) a resource by id.
 * @param req - routed request with `type`, `id` and the resource body.
 * @param ctx - interaction context.
 */
export async function updateHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const resource = requireResource(req.body, req.pathParams.type);
  requireMatchingId(resource, req.pathParams.id ?? '');
  const ifMatch = parseIfMatch(req.headers.ifMatch);
  return writtenResult(ctx, await ctx.repo.update(resource, ifMatch === undefined ? undefined : { ifMatch }));
}

/**
 * Conditional update: the search in the query picks the resource to update.
 * @param req - routed request with `type`, the search parameters and the resource body.
 * @param ctx - interaction context.
 */
export async function conditionalUpdateHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const resource = requireResource(req.body, req.pathParams.type);
  if (req.params.length === 0) {
    throw fhirError('TESSERA_E_FHIR_NOT_SUPPORTED', 'Conditional update needs search parameters in the URL');
  }
  return writtenResult(ctx, await ctx.repo.conditionalUpdate(resource, toQueryString(req.params)));
}
