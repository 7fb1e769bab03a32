/**
 * ADT^A01/A04/A08/A28/A31 and ADT^A40 → Patient (+ Encounter) (V2-to-FHIR IG "Message ADT_A01 to
 * Bundle Map" and its A04/A08/A28/A31 siblings; "Message ADT_A40 to Bundle Map": PID → the
 * surviving Patient, MRG-1 → the merged Patient, linked `replaced-by`).
 * The Patient is replaced by the message (conditional update on the first PID-3 identifier).
 * A40: each PID/MRG pair becomes a PatientMerge; the pipeline marks the merged Patient
 * `active=false` with `link.type = replaced-by` to the survivor in the same transaction.
 * Missing MRG or MRG-1 is an AE (100 / 101).
 */
import type { Identifier } from '@medplum/fhirtypes';
import { REQUIRED_FIELD_MISSING, SEGMENT_SEQUENCE_ERROR } from '../../message/error-codes';
import type { BundleBuilder } from '../bundle/bundle-builder';
import type { MappingContext } from '../context';
import { locate } from '../context';
import { mapCx } from '../datatypes/cx';
import { repetitions } from '../values';
import type { PatientGroup } from './groups';
import { addPatient } from './patient-entry';

/** A merge found in an A40. */
export interface MergePair {
  readonly survivor: Identifier;
  readonly merged: Identifier;
}

function mergedIdentifier(ctx: MappingContext, group: PatientGroup): Identifier | undefined {
  if (group.mrg === undefined) {
    ctx.error(SEGMENT_SEQUENCE_ERROR, { segment: 'MRG' }, 'ADT^A40 needs an MRG segment after each PID');
    return undefined;
  }
  const id = repetitions(group.mrg.segment, 1)
    .map((r) => mapCx(r, ctx.config, 'patient'))
    .find((i) => i !== undefined);
  if (id === undefined) {
    ctx.error(REQUIRED_FIELD_MISSING, locate(group.mrg, 1), 'MRG-1 prior patient identifier list is required');
  }
  return id;
}

/**
 * Maps an ADT message.
 * @param ctx - mapping context
 * @param groups - the patient groups
 * @param bundle - the Bundle
 * @returns the merges (A40 only)
 */
export function mapAdt(ctx: MappingContext, groups: readonly PatientGroup[], bundle: BundleBuilder): MergePair[] {
  const merges: MergePair[] = [];
  const isMerge = ctx.message.messageType.trigger === 'A40';
  for (const group of groups.filter((g, i) => i === 0 || g.pid !== undefined)) {
    const refs = addPatient(ctx, group, bundle, 'replace');
    if (!isMerge) {
      continue;
    }
    const merged = mergedIdentifier(ctx, group);
    if (refs !== undefined && merged !== undefined) {
      merges.push({ survivor: refs.key, merged });
    }
  }
  return merges;
}
