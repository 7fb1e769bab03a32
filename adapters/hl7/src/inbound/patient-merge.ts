/**
 * ADT^A40 merge, applied inside the message's transaction after its bundle (HL7 v2.5.1
 * section 3.3.40; V2-to-FHIR "ADT_A40 to Bundle" map). The merged (non-surviving) Patient gets
 * `active = false` and a `replaced-by` link to the survivor, which gets a `replaces` link back
 * (https://hl7.org/fhir/R4/patient.html#links). References are left on the merged Patient and
 * resolve through the link (documented in adapters/hl7/README.md): rewriting every referencing
 * resource would turn one message into an unbounded transaction.
 */
import type { Patient, PatientLink } from '@medplum/fhirtypes';
import { fhirError } from '../../../../server/src/errors/outcome';
import { findSingle } from '../../../../server/src/fhir/interactions/transaction';
import type { FhirRepository } from '../../../../server/src/repository/repository';
import { identifierQuery as query } from '../mapping/bundle/search-query';
import type { PatientMerge } from '../mapping/map-message';

function withLink(links: readonly PatientLink[] | undefined, link: PatientLink): PatientLink[] {
  const others = (links ?? []).filter((l) => l.other?.reference !== link.other.reference);
  return [...others, link];
}

/**
 * Applies one merge.
 * @param repo - the transaction's repository
 * @param merge - the surviving and merged Patients' identifiers
 * @param source - meta.source for a merged Patient created here
 * @throws FhirError 404 when the survivor does not exist (the bundle creates it, so this means a mapping bug)
 */
export async function applyPatientMerge(repo: FhirRepository, merge: PatientMerge, source: string): Promise<void> {
  const survivorId = await findSingle(repo, 'Patient', query(merge.survivor));
  if (survivorId === undefined) {
    throw fhirError('TESSERA_E_FHIR_UNRESOLVED_REFERENCE', `A40 survivor ${query(merge.survivor)} not found`);
  }
  const mergedId = await findSingle(repo, 'Patient', query(merge.merged));
  if (mergedId === survivorId) {
    return;
  }
  const survivorRef = `Patient/${survivorId}`;
  let mergedRef: string;
  if (mergedId === undefined) {
    // The prior identifier was never seen here: keep a record of it so that later messages
    // carrying it resolve to the survivor.
    const created = await repo.create<Patient>({
      resourceType: 'Patient',
      meta: { source },
      identifier: [merge.merged],
      active: false,
      link: [{ other: { reference: survivorRef }, type: 'replaced-by' }],
    });
    mergedRef = `Patient/${created.resource.id as string}`;
  } else {
    const merged = await repo.read<Patient>('Patient', mergedId);
    mergedRef = `Patient/${mergedId}`;
    await repo.update<Patient>({
      ...merged,
      active: false,
      link: withLink(merged.link, { other: { reference: survivorRef }, type: 'replaced-by' }),
    });
  }
  const survivor = await repo.read<Patient>('Patient', survivorId);
  await repo.update<Patient>({
    ...survivor,
    link: withLink(survivor.link, { other: { reference: mergedRef }, type: 'replaces' }),
  });
}
