/**
 * Turning repository write results into FhirResults: 201 Created for new resources, 200 for
 * updates, with `ETag`, `Last-Modified` and `Location`, https://hl7.org/fhir/R4/http.html#create.
 */
import type { WriteResult } from '../repository/repository';
import { writeHeaders } from './headers';
import type { FhirContext, FhirResult } from './types';
import { fhirBase } from './types';

/**
 * The FhirResult of a create or update.
 * @param ctx - interaction context (for the Location base).
 * @param result - what the repository wrote.
 */
export function writtenResult(ctx: Pick<FhirContext, 'baseUrl'>, result: WriteResult): FhirResult {
  return {
    status: result.created ? 201 : 200,
    resource: result.resource,
    headers: writeHeaders(fhirBase(ctx), result.resource),
  };
}
