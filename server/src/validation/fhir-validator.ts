/**
 * The ResourceValidator used by the repository on every write and by `$validate`
 * (https://hl7.org/fhir/R4/validation.html, https://hl7.org/fhir/R4/resource-operation-validate.html):
 * 1. envelope: a JSON object with a known `resourceType` (else one `structure` issue, nothing more);
 * 2. structure, cardinality, datatypes, invariants of the base type (@medplum/core);
 * 3. the rules each known profile in `meta.profile` (plus the requested one) adds (profile-check.ts);
 * 4. required terminology bindings of the base specification.
 * Unknown `meta.profile` entries give a warning (https://hl7.org/fhir/R4/profiling.html#profile-uses:
 * a server may ignore profiles it does not know); an unknown *requested* profile is an error.
 * Callers decide the HTTP status with `isStructural(issues)`: 400 when true, otherwise 422.
 */
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from '../definitions/fhir-definitions';
import { dedupeIssues, isStructural, makeIssue } from './issues';
import { checkProfileRules } from './profile-check';
import { defaultProfilesDir, loadProfiles, type LoadedProfile, type ProfileRegistry } from './profile-loader';
import { RepeatedElementMemo } from './repeated-element-memo';
import { getSpecBindingChecker } from './spec-bindings';
import { checkEnvelope, checkStructure } from './structure-check';
import type { ResourceValidator } from './validator';

export { isStructural };

/** Options of {@link createValidator}. */
export interface ValidatorOptions {
  /** Folder of profile StructureDefinitions; defaults to the repository's `profiles/`. */
  profilesDir?: string;
}

/** A ResourceValidator that also exposes the profiles it enforces (served as StructureDefinition resources). */
export type TesseraValidator = ResourceValidator & { readonly profiles: readonly StructureDefinition[] };

/**
 * Builds the validator: loads the base definitions, the profiles and the required-binding
 * expansions (the first call in a process takes about a second; later calls reuse the expansions).
 * @param options - where the profiles live.
 */
export function createValidator(options: ValidatorOptions = {}): TesseraValidator {
  loadFhirDefinitions();
  const registry = loadProfiles(options.profilesDir ?? defaultProfilesDir());
  const bindings = getSpecBindingChecker();
  const memo = new RepeatedElementMemo();
  const validateWhole = (resource: Resource, profileUrl?: string): OperationOutcomeIssue[] => {
    const envelope = checkEnvelope(resource);
    if (envelope.length > 0) {
      return envelope;
    }
    const { profiles, issues } = selectProfiles(resource, registry, profileUrl);
    const structure = checkStructure(resource);
    issues.push(...structure);
    if (!isStructural(structure)) {
      // profile rules read the resource through its schema: only once it has the right shape
      for (const profile of profiles) {
        issues.push(...checkProfileRules(resource, profile.rules));
      }
    }
    issues.push(...bindings.check(resource));
    return dedupeIssues(issues);
  };
  return {
    profiles: registry.profiles,
    validate(resource: Resource, profileUrl?: string): OperationOutcomeIssue[] {
      if (profileUrl !== undefined || checkEnvelope(resource).length > 0) {
        return validateWhole(resource, profileUrl);
      }
      return memo.validate(resource, (r) => validateWhole(r));
    },
  };
}

function selectProfiles(
  resource: Resource,
  registry: ProfileRegistry,
  profileUrl: string | undefined,
): { profiles: LoadedProfile[]; issues: OperationOutcomeIssue[] } {
  const type = resource.resourceType;
  const declared = Array.isArray(resource.meta?.profile) ? resource.meta.profile : [];
  const requested: [string, string, boolean][] = declared.map((url, i) => [url, `${type}.meta.profile[${i}]`, false]);
  if (profileUrl !== undefined) {
    requested.push([profileUrl, type, true]);
  }
  const profiles: LoadedProfile[] = [];
  const issues: OperationOutcomeIssue[] = [];
  for (const [url, expression, explicit] of requested) {
    if (typeof url !== 'string') {
      continue; // the structure check reports the wrong JSON type
    }
    const profile = registry.get(url);
    if (!profile) {
      issues.push(
        explicit
          ? makeIssue('error', 'not-supported', `Unknown profile ${url}`, expression)
          : makeIssue(
              'warning',
              'not-supported',
              `Profile ${url} is not known to this server; not checked`,
              expression,
            ),
      );
    } else if (profile.rules.type !== type) {
      issues.push(
        makeIssue('error', 'invalid', `Profile ${url} applies to ${profile.rules.type}, not ${type}`, expression),
      );
    } else if (!profiles.includes(profile)) {
      profiles.push(profile);
    }
  }
  return { profiles, issues };
}
