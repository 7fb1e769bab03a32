/**
 * Patient and Encounter entries, with the update policy per message type (README "Patient update
 * policy"): an ADT message owns the demographics and the visit, so its PID/PV1 *replace* the stored
 * Patient/Encounter (conditional update, `PUT Patient?identifier=..`); an order or a result only
 * needs them to exist, so its usually sparse PID/PV1 *create them when missing* (conditional
 * create, `ifNoneExist`) and never overwrite what ADT sent. A conditional create is also what
 * lets a conditionally created ServiceRequest reference the Encounter: the transaction runs POSTs
 * before PUTs (https://hl7.org/fhir/R4/http.html#trules).
 */
import type { Encounter, Identifier, Patient, Reference } from '@medplum/fhirtypes';
import { SEGMENT_SEQUENCE_ERROR } from '../../message/error-codes';
import type { BundleBuilder } from '../bundle/bundle-builder';
import type { MappingContext } from '../context';
import { mapPid } from '../segments/pid';
import { mapPv1 } from '../segments/pv1';
import type { PatientGroup } from './groups';

/** How a message writes Patient and Encounter. */
export type UpdatePolicy = 'replace' | 'create-if-missing';

/** The references a patient group gives its orders and results. */
export interface PatientRefs {
  readonly subject: Reference<Patient>;
  readonly key: Identifier;
  readonly encounter: Reference<Encounter> | undefined;
}

/**
 * Adds the Patient (and Encounter) of a patient group.
 * @param ctx - mapping context
 * @param group - the patient group
 * @param bundle - the Bundle
 * @param policy - replace (ADT) or create if missing (orders, results)
 * @returns the references, or undefined when the group has no usable PID (an error is recorded)
 */
export function addPatient(
  ctx: MappingContext,
  group: PatientGroup,
  bundle: BundleBuilder,
  policy: UpdatePolicy,
): PatientRefs | undefined {
  if (group.pid === undefined) {
    ctx.error(SEGMENT_SEQUENCE_ERROR, { segment: 'PID' }, 'the message has no PID segment');
    return undefined;
  }
  const mapped = mapPid(ctx, group.pid);
  if (mapped === undefined) {
    return undefined;
  }
  const subject =
    policy === 'replace'
      ? bundle.upsert(mapped.patient, mapped.key)
      : bundle.createIfMissing(mapped.patient, mapped.key);
  const visit = group.pv1 === undefined ? undefined : mapPv1(ctx, group.pv1, subject, bundle);
  const encounter =
    visit === undefined
      ? undefined
      : policy === 'replace'
        ? bundle.upsert(visit.encounter, visit.key)
        : bundle.createIfMissing(visit.encounter, visit.key);
  return { subject, key: mapped.key, encounter };
}
