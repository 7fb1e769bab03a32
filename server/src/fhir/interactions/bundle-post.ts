/**
 * `POST [base]` with a batch or transaction Bundle, https://hl7.org/fhir/R4/http.html#transaction.
 * Any other Bundle type (or a Bundle nested in a batch entry) is a 400.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { fhirError } from '../../errors/outcome';
import { requireResource } from '../body';
import type { FhirDispatch, FhirHandler } from '../types';
import { processBatch } from './batch';
import { processTransaction } from './transaction';

/**
 * Creates the handler for `POST [base]`.
 * @param dispatch - routes entry requests (the router's `handle`).
 */
export function createBundleHandler(dispatch: FhirDispatch): FhirHandler {
  return async (req, ctx) => {
    if (ctx.inBundle === true) {
      throw fhirError('TESSERA_E_FHIR_INVALID_BUNDLE', 'A batch or transaction cannot contain another one');
    }
    const bundle = requireResource(req.body, 'Bundle') as Bundle;
    if (bundle.type === 'batch') {
      return processBatch(bundle, ctx, dispatch);
    }
    if (bundle.type === 'transaction') {
      return processTransaction(bundle, ctx, dispatch);
    }
    throw fhirError(
      'TESSERA_E_FHIR_INVALID_BUNDLE',
      `POST to the base needs a batch or transaction Bundle, got type "${String(bundle.type)}"`,
      'Bundle.type',
    );
  };
}
