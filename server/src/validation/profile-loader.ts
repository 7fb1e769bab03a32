/**
 * Loads the profiles (constraint StructureDefinitions, https://hl7.org/fhir/R4/profiling.html)
 * in `profiles/*.json` at start-up, generates missing snapshots from the differential, registers
 * them with @medplum/core (which also proves medplum can parse them), compiles their rules and
 * indexes them by canonical URL. Any problem throws: a server must not start with a profile it cannot enforce.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadDataType } from '@medplum/core';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from '../definitions/fhir-definitions';
import { compileProfileRules, type ProfileRules } from './profile-rules';
import { generateSnapshot, type DefinitionLookup } from './snapshot';
import { loadSpecStructureDefinitions } from './spec-structure-definitions';
import { loadSpecTerminology } from './spec-terminology';
import { stripVersion, ValueSetExpander, type ValueSetExpansion } from './value-sets';

/** A loaded profile: its definition (with snapshot) and its compiled rules. */
export interface LoadedProfile {
  readonly definition: StructureDefinition;
  readonly rules: ProfileRules;
}

/** The profiles the server knows. */
export interface ProfileRegistry {
  /** Every loaded profile, with its snapshot, in file-name order. */
  readonly profiles: readonly StructureDefinition[];
  /**
   * The profile with this canonical URL (a `|version` suffix is ignored), if loaded.
   * @param canonical - the profile's canonical URL.
   */
  get(canonical: string): LoadedProfile | undefined;
}

/**
 * The repository's `profiles/` folder, found from this module's location in the source tree
 * (`server/src/validation`) or in the build output (`dist/server/src/validation`).
 */
export function defaultProfilesDir(): string {
  const candidates = [resolve(__dirname, '../../../profiles'), resolve(__dirname, '../../../../profiles')];
  return candidates.find((dir) => existsSync(dir)) ?? (candidates[0] as string);
}

const cache = new Map<string, ProfileRegistry>();

/**
 * Reads every `*.json` StructureDefinition directly inside `dir` (sub-folders such as `examples/`
 * are not read). A missing folder means no profiles. Results are cached per folder content (file
 * names, sizes and modification times), because snapshot generation reads the 35 MB base spec.
 * @param dir - the profiles folder.
 */
export function loadProfiles(dir: string): ProfileRegistry {
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  const signature = `${resolve(dir)}|${files.map((f) => `${f}:${statSync(join(dir, f)).mtimeMs}:${statSync(join(dir, f)).size}`).join('|')}`;
  let registry = cache.get(signature);
  if (!registry) {
    registry = buildRegistry(dir, files);
    cache.set(signature, registry);
  }
  return registry;
}

function buildRegistry(dir: string, files: string[]): ProfileRegistry {
  loadFhirDefinitions();
  const loaded = compileAll(readProfiles(dir, files));
  return {
    profiles: [...loaded.values()].map((p) => p.definition),
    get: (canonical) => loaded.get(stripVersion(canonical)),
  };
}

function readProfiles(dir: string, files: string[]): Map<string, StructureDefinition> {
  const byUrl = new Map<string, StructureDefinition>();
  for (const file of files) {
    const sd = JSON.parse(readFileSync(join(dir, file), 'utf8')) as StructureDefinition;
    if (sd.resourceType !== 'StructureDefinition') {
      continue;
    }
    checkProfile(sd, file);
    if (byUrl.has(sd.url as string)) {
      throw new Error(`${file}: duplicate profile URL ${sd.url}`);
    }
    byUrl.set(sd.url as string, sd);
  }
  return byUrl;
}

/**
 * Snapshots, medplum registration and rules. The base spec and terminology it may read stay local
 * to this call, so the registry's closures do not keep them alive.
 */
function compileAll(byUrl: ReadonlyMap<string, StructureDefinition>): Map<string, LoadedProfile> {
  let spec: DefinitionLookup | undefined;
  const lookup: DefinitionLookup = (url) => {
    const local = byUrl.get(url);
    if (local) {
      return withSnapshot(local, lookup);
    }
    spec ??= loadSpecStructureDefinitions();
    return spec(url);
  };
  let expander: ValueSetExpander | undefined;
  const expand = (valueSet: string): ValueSetExpansion | undefined => {
    expander ??= new ValueSetExpander(loadSpecTerminology());
    return expander.expand(valueSet);
  };
  const own = new Map<string, ProfileRules>();
  for (const [url, sd] of byUrl) {
    const definition = withSnapshot(sd, lookup);
    loadDataType(definition);
    own.set(url, compileProfileRules(definition, expand));
  }
  const loaded = new Map<string, LoadedProfile>();
  for (const [url, sd] of byUrl) {
    loaded.set(url, { definition: sd, rules: inheritedRules(url, byUrl, own) });
  }
  return loaded;
}

/** A profile derived from another local profile must also meet its parent's rules. */
function inheritedRules(
  url: string,
  byUrl: ReadonlyMap<string, StructureDefinition>,
  own: ReadonlyMap<string, ProfileRules>,
): ProfileRules {
  const rules = own.get(url) as ProfileRules;
  const parent = byUrl.get(byUrl.get(url)?.baseDefinition ?? '');
  if (!parent?.url) {
    return rules;
  }
  const inherited = inheritedRules(parent.url, byUrl, own);
  return { ...rules, elements: [...inherited.elements, ...rules.elements] };
}

const building = new Set<StructureDefinition>();

function withSnapshot(sd: StructureDefinition, lookup: DefinitionLookup): StructureDefinition {
  if (sd.snapshot?.element?.length) {
    return sd;
  }
  if (building.has(sd)) {
    throw new Error(`${sd.url}: circular baseDefinition`);
  }
  building.add(sd);
  try {
    sd.snapshot = { element: generateSnapshot(sd, lookup) };
    return sd;
  } finally {
    building.delete(sd);
  }
}

function checkProfile(sd: StructureDefinition, file: string): void {
  const missing = (['url', 'name', 'type', 'baseDefinition'] as const).filter((k) => !sd[k]);
  if (missing.length > 0) {
    throw new Error(`${file}: StructureDefinition lacks ${missing.join(', ')}`);
  }
  if (sd.derivation !== 'constraint' || sd.kind !== 'resource') {
    throw new Error(`${file}: only resource profiles (kind resource, derivation constraint) are supported`);
  }
  if (!sd.snapshot?.element?.length && !sd.differential?.element?.length) {
    throw new Error(`${file}: StructureDefinition has neither snapshot nor differential`);
  }
}
