/**
 * batch: `POST [base]` with a Bundle of type `batch`, https://hl7.org/fhir/R4/http.html#transaction.
 * Each entry is processed on its own, through the same router as a direct request (so the same
 * checks and access control apply); a failing entry gets its own status and OperationOutcome in
 * the batch-response and does not affect the others.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { FhirError, normalizeError } from '../../errors/outcome';
import { entryToRequest } from '../transaction/entry-request';
import { errorEntry, resultEntry } from '../transaction/response-entry';
import type { FhirContext, FhirDispatch, FhirResult } from '../types';
import { fhirBase } from '../types';

/**
 * Processes a batch Bundle.
 * @param bundle - the batch (type already checked).
 * @param ctx - interaction context.
 * @param dispatch - routes one entry request.
 */
export async function processBatch(bundle: Bundle, ctx: FhirContext, dispatch: FhirDispatch): Promise<FhirResult> {
  const base = fhirBase(ctx);
  const entryCtx: FhirContext = { ...ctx, inBundle: true };
  const entry: BundleEntry[] = [];
  for (const [index, item] of (bundle.entry ?? []).entries()) {
    try {
      const result = await dispatch(entryToRequest(item, index, base), entryCtx);
      entry.push(resultEntry(result, base));
    } catch (err) {
      if (!(err instanceof FhirError)) {
        ctx.logger?.error({ err, entry: index }, 'unexpected error in batch entry');
      }
      entry.push(errorEntry(normalizeError(err)));
    }
  }
  return { status: 200, resource: { resourceType: 'Bundle', id: randomUUID(), type: 'batch-response', entry } };
}
