/**
 * history: instance `GET [base]/[type]/[id]/_history`, type `GET [base]/[type]/_history` and
 * system `GET [base]/_history`, https://hl7.org/fhir/R4/http.html#history. The repository builds
 * the history Bundle (newest first, deletes included, `_since`/`_at`/`_count` and paging).
 */
import type { FhirContext, FhirResult, RoutedRequest } from '../types';

/**
 * Returns the history Bundle at the level given by the route (instance, type or system).
 * @param req - routed request; `type`/`id` present as the level requires.
 * @param ctx - interaction context.
 */
export async function historyHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const bundle = await ctx.repo.history({
    resourceType: req.pathParams.type,
    id: req.pathParams.id,
    params: req.params,
  });
  return { status: 200, resource: bundle };
}
