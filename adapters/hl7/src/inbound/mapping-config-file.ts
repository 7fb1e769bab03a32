/**
 * Loads the HL7 mapping configuration (TESSERA_HL7_MAPPING_FILE): a JSON object with
 * `identifierSystems` (assigning authority → identifier system URI) and `accessionSystem`,
 * merged over the defaults. A malformed file stops start-up with a readable reason rather than
 * mapping identifiers to the wrong systems.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_HL7_MAPPING_CONFIG } from '../mapping/map-message';
import type { Hl7MappingConfig } from '../mapping/map-message';

/**
 * Reads and checks a mapping file.
 * @param path - the JSON file, or undefined for the defaults
 * @returns the configuration
 * @throws Error naming the file and the problem
 */
export function loadMappingConfig(path: string | undefined): Hl7MappingConfig {
  if (path === undefined) {
    return DEFAULT_HL7_MAPPING_CONFIG;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`TESSERA_HL7_MAPPING_FILE ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const fail = (why: string): never => {
    throw new Error(`TESSERA_HL7_MAPPING_FILE ${path}: ${why}`);
  };
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail('must hold a JSON object');
  }
  const { identifierSystems, accessionSystem } = parsed as Record<string, unknown>;
  const systems: Record<string, string> = { ...DEFAULT_HL7_MAPPING_CONFIG.identifierSystems };
  if (identifierSystems !== undefined) {
    if (identifierSystems === null || typeof identifierSystems !== 'object' || Array.isArray(identifierSystems)) {
      return fail('identifierSystems must map assigning authorities to URIs');
    }
    for (const [authority, system] of Object.entries(identifierSystems)) {
      if (typeof system !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(system)) {
        return fail(`identifierSystems.${authority} must be a URI`);
      }
      systems[authority] = system;
    }
  }
  if (
    accessionSystem !== undefined &&
    (typeof accessionSystem !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(accessionSystem))
  ) {
    return fail('accessionSystem must be a URI');
  }
  return {
    ...DEFAULT_HL7_MAPPING_CONFIG,
    identifierSystems: systems,
    accessionSystem: (accessionSystem as string | undefined) ?? DEFAULT_HL7_MAPPING_CONFIG.accessionSystem,
  };
}
