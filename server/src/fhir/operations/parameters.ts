/**
 * Reading operation input parameters as declared by an OperationDefinition,
 * https://hl7.org/fhir/R4/operations.html#request: a `Parameters` body, or (for operations whose
 * inputs are all primitives) URL parameters. Only the input parameters the definition declares
 * are read; a declared parameter given more often than its `max` is an error.
 */
import type { OperationDefinition, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { fhirError } from '../../errors/outcome';

/** The value of one parsed input parameter. */
export type OperationValue = string | number | boolean | Resource;

function valueOf(p: ParametersParameter): OperationValue | undefined {
  if (p.resource !== undefined) {
    return p.resource;
  }
  for (const [key, value] of Object.entries(p)) {
    if (
      key.startsWith('value') &&
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    ) {
      return value;
    }
  }
  return undefined;
}

/**
 * Parses the `in` parameters of an operation.
 * @param definition - the OperationDefinition.
 * @param body - a Parameters resource, or undefined.
 * @param query - URL parameters (used for primitive inputs).
 * @returns values by parameter name (repeated values in arrays).
 */
export function parseOperationInput(
  definition: OperationDefinition,
  body: Parameters | undefined,
  query: readonly (readonly [string, string])[],
): Record<string, OperationValue[]> {
  const out: Record<string, OperationValue[]> = {};
  for (const param of definition.parameter ?? []) {
    if (param.use !== 'in') {
      continue;
    }
    const values: OperationValue[] = [];
    for (const p of body?.parameter ?? []) {
      const v = p.name === param.name ? valueOf(p) : undefined;
      if (v !== undefined) {
        values.push(v);
      }
    }
    for (const [name, v] of query) {
      if (name === param.name) {
        values.push(v);
      }
    }
    if (param.max !== '*' && values.length > Number(param.max ?? '1')) {
      throw fhirError('TESSERA_E_FHIR_NOT_SUPPORTED', `Parameter ${param.name} given more than ${param.max} time(s)`);
    }
    if (values.length > 0) {
      out[param.name ?? ''] = values;
    }
  }
  return out;
}
