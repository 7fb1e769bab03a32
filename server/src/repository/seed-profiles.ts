/**
 * Serves the profiles loaded from `profiles/` as StructureDefinition resources: at start-up each
 * one is stored (create-or-update by its canonical URL) so `GET /fhir/StructureDefinition?url=...`
 * finds it.
 */
import type { StructureDefinition } from '@medplum/fhirtypes';
import type { FhirRepository } from './repository';

/**
 * Upserts each profile, keeping its version history when the content changed.
 * @param repo - a system-access repository.
 * @param profiles - the loaded StructureDefinitions.
 */
export async function seedProfiles(repo: FhirRepository, profiles: readonly StructureDefinition[]): Promise<void> {
  for (const profile of profiles) {
    const query = `url=${encodeURIComponent(profile.url)}`;
    const { matches } = await repo.search({ resourceType: 'StructureDefinition', params: [['url', profile.url]] });
    const existing = matches[0] as StructureDefinition | undefined;
    if (existing && sameContent(existing, profile)) {
      continue;
    }
    const { meta: _meta, ...content } = profile;
    await repo.conditionalUpdate<StructureDefinition>({ ...content, id: existing?.id ?? profile.id }, query);
  }
}

function sameContent(stored: StructureDefinition, loaded: StructureDefinition): boolean {
  const { meta: _a, id: _b, ...left } = stored;
  const { meta: _c, id: _d, ...right } = loaded;
  return JSON.stringify(left) === JSON.stringify(right);
}
