/**
 * create: `POST [base]/[type]`, https://hl7.org/fhir/R4/http.html#create, and conditional
 * create with `If-None-Exist`, https://hl7.org/fhir/R4/http.html#ccreate (one match: 200 with the
 * existing resource; several: 412). A client-supplied id in the body is ignored (the server assigns one).
 */
import { requireResource, withoutId } from '../body';
import { writtenResult } from '../results';
import type { FhirContext, FhirResult, RoutedRequest } from '../types';

/**
 * Creates a resource.
 * @param req - routed request with `type` and the resource body.
 * @param ctx - interaction context.
 */
export async function createHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const resource = withoutId(requireResource(req.body, req.pathParams.type));
  const ifNoneExist = req.headers.ifNoneExist?.trim().replace(/^\?/, '');
  return writtenResult(ctx, await ctx.repo.create(resource, ifNoneExist ? { ifNoneExist } : undefined));
}
