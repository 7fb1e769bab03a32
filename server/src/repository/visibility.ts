/**
 * Per-resource visibility for the caller: the type must be readable and, for patient-scoped
 * callers, the resource must be in the patient's compartment. Used for reads and `_include`.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { AccessContext } from '../context';
import { compartmentsOf } from '../search/compartments';
import { patientCompartment, scopeAllows } from './access';

/**
 * Whether the caller may see `resource`.
 * @param access - the caller.
 * @param resource - a stored resource.
 */
export function isVisible(access: AccessContext, resource: Resource): boolean {
  if (!scopeAllows(access, resource.resourceType, 'r')) {
    return false;
  }
  const compartment = patientCompartment(access);
  return compartment === undefined || compartmentsOf(resource).includes(compartment);
}
