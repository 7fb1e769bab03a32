/**
 * vread: `GET [base]/[type]/[id]/_history/[vid]`, https://hl7.org/fhir/R4/http.html#vread
 * 404 for an unknown version, 410 when that version is a delete.
 */
import { versionHeaders } from '../headers';
import type { FhirContext, FhirResult, RoutedRequest } from '../types';

/**
 * Reads one version of a resource.
 * @param req - routed request with `type`, `id` and `vid`.
 * @param ctx - interaction context.
 */
export async function vreadHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const { type = '', id = '', vid = '' } = req.pathParams;
  const resource = await ctx.repo.vread(type as 'Patient', id, vid);
  return {
    status: 200,
    resource,
    headers: versionHeaders(resource.meta?.versionId ?? vid, resource.meta?.lastUpdated),
  };
}
