/**
 * delete: `DELETE [base]/[type]/[id]`, https://hl7.org/fhir/R4/http.html#delete (idempotent:
 * deleting a deleted or unknown resource succeeds; history is kept), and conditional delete
 * `DELETE [base]/[type]?query`, https://hl7.org/fhir/R4/http.html#cdelete (single match only:
 * several answer 412).
 */
import { allOk, fhirError } from '../../errors/outcome';
import { toQueryString } from '../body';
import { parseIfMatch } from '../headers';
import type { FhirContext, FhirResult, RoutedRequest } from '../types';

/**
 * Deletes a resource by id.
 * @param req - routed request with `type` and `id`.
 * @param ctx - interaction context.
 */
export async function deleteHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const { type = '', id = '' } = req.pathParams;
  const ifMatch = parseIfMatch(req.headers.ifMatch);
  await ctx.repo.delete(type, id, ifMatch === undefined ? undefined : { ifMatch });
  return { status: 200, resource: allOk(`Deleted ${type}/${id}`) };
}

/**
 * Deletes the single resource matching the query.
 * @param req - routed request with `type` and the search parameters.
 * @param ctx - interaction context.
 */
export async function conditionalDeleteHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const type = req.pathParams.type ?? '';
  if (req.params.length === 0) {
    throw fhirError('TESSERA_E_FHIR_NOT_SUPPORTED', 'Conditional delete needs search parameters in the URL');
  }
  const count = await ctx.repo.conditionalDelete(type, toQueryString(req.params));
  return { status: 200, resource: allOk(`Deleted ${count} ${type} resource(s)`) };
}
