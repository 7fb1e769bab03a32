/**
 * patch: `PATCH [base]/[type]/[id]` with a JSON Patch document (RFC 6902,
 * `application/json-patch+json`), https://hl7.org/fhir/R4/http.html#patch. FHIRPath Patch
 * (a Parameters body) is not supported. `If-Match` is honoured; a patch that cannot be applied,
 * or whose result is invalid, answers 422.
 */
import type { Operation } from 'fast-json-patch';
import { fhirError } from '../../errors/outcome';
import { parseIfMatch, versionHeaders } from '../headers';
import type { FhirContext, FhirResult, RoutedRequest } from '../types';

const ops = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * Checks that a body is a JSON Patch document.
 * @param body - the parsed body.
 * @throws FhirError TESSERA_E_FHIR_NOT_SUPPORTED for FHIRPath Patch, TESSERA_E_FHIR_INVALID_PATCH otherwise.
 */
export function requireJsonPatch(body: unknown): Operation[] {
  if (typeof body === 'object' && body !== null && (body as { resourceType?: unknown }).resourceType === 'Parameters') {
    throw fhirError('TESSERA_E_FHIR_NOT_SUPPORTED', 'FHIRPath Patch is not supported; use JSON Patch');
  }
  if (!Array.isArray(body)) {
    throw fhirError('TESSERA_E_FHIR_INVALID_PATCH', 'A JSON Patch document must be an array of operations');
  }
  body.forEach((op: unknown, i) => {
    const o = op as { op?: unknown; path?: unknown } | null;
    if (
      typeof o !== 'object' ||
      o === null ||
      typeof o.op !== 'string' ||
      !ops.has(o.op) ||
      typeof o.path !== 'string'
    ) {
      throw fhirError('TESSERA_E_FHIR_INVALID_PATCH', `Operation ${i} is not a valid JSON Patch operation`);
    }
  });
  return body as Operation[];
}

/**
 * Applies a JSON Patch to the current version.
 * @param req - routed request with `type`, `id` and the patch body.
 * @param ctx - interaction context.
 */
export async function patchHandler(req: RoutedRequest, ctx: FhirContext): Promise<FhirResult> {
  const patch = requireJsonPatch(req.body);
  const ifMatch = parseIfMatch(req.headers.ifMatch);
  const { type = '', id = '' } = req.pathParams;
  const resource = await ctx.repo.patch(type as 'Patient', id, patch, ifMatch === undefined ? undefined : { ifMatch });
  return {
    status: 200,
    resource,
    headers: versionHeaders(resource.meta?.versionId ?? '1', resource.meta?.lastUpdated),
  };
}
