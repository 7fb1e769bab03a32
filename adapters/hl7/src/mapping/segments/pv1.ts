/**
 * PV1 → Encounter (V2-to-FHIR IG "Segment PV1 to Encounter Map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-segment-pv1-to-encounter.html):
 * PV1-19 visit number → identifier (type VN), PV1-2 → class (table 0004), PV1-3 → location
 * (display), PV1-7 attending → participant ATND, PV1-10 → serviceType, PV1-44/45 → period.
 * Encounter.status is required; from the event and PV1 (IG "ADT_A01/A04" message maps assign
 * in-progress / arrived): a discharge time → finished, A01 → in-progress, A04 → arrived, an admit
 * time → in-progress, else unknown. Without PV1-19 there is nothing to match the visit by, so no
 * Encounter is made.
 */
import type { Encounter, Identifier, Patient, Reference } from '@medplum/fhirtypes';
import type { BundleBuilder } from '../bundle/bundle-builder';
import type { MappingContext, SegmentAt } from '../context';
import { identifierType, mapCx } from '../datatypes/cx';
import { readCwe } from '../datatypes/read-cwe';
import { readDtm } from '../datatypes/read-dtm';
import { mapXcn } from '../datatypes/xcn';
import { mapPatientClass } from '../tables/t0004-patient-class';
import { firstRepetition, value } from '../values';
import { practitionerReference } from './participants';

/** A mapped PV1: the Encounter and the identifier that finds it. */
export interface MappedEncounter {
  readonly encounter: Encounter;
  readonly key: Identifier;
}

function status(trigger: string | undefined, admitted: boolean, discharged: boolean): Encounter['status'] {
  if (discharged) {
    return 'finished';
  }
  if (trigger === 'A01') {
    return 'in-progress';
  }
  if (trigger === 'A04') {
    return 'arrived';
  }
  return admitted ? 'in-progress' : 'unknown';
}

function location(pv1: SegmentAt): Encounter['location'] {
  const parts = [1, 2, 3, 4].map((c) => value(pv1.segment, 3, c)).filter((p) => p !== undefined);
  return parts.length === 0 ? undefined : [{ location: { display: parts.join(' ') } }];
}

/**
 * Maps a PV1 segment.
 * @param ctx - mapping context
 * @param pv1 - the PV1 segment
 * @param subject - reference to the Patient
 * @param bundle - the Bundle (for the attending Practitioner)
 * @returns the Encounter and its key, or undefined without PV1-19
 */
export function mapPv1(
  ctx: MappingContext,
  pv1: SegmentAt,
  subject: Reference<Patient>,
  bundle: BundleBuilder,
): MappedEncounter | undefined {
  const visit = firstRepetition(pv1.segment, 19);
  const id = visit === undefined ? undefined : mapCx(visit, ctx.config, 'visit');
  if (id === undefined) {
    return undefined;
  }
  const key: Identifier = { type: identifierType('VN'), system: id.system, value: id.value };
  const admit = readDtm(ctx, pv1, 44);
  const discharge = readDtm(ctx, pv1, 45);
  const attending = practitionerReference(mapXcn(firstRepetition(pv1.segment, 7), ctx.config), bundle);
  const serviceType = readCwe(ctx, pv1, 10);
  const place = location(pv1);
  const encounter: Encounter = {
    resourceType: 'Encounter',
    identifier: [key],
    status: status(ctx.message.messageType.trigger, admit !== undefined, discharge !== undefined),
    class: mapPatientClass(value(pv1.segment, 2)),
    ...(serviceType === undefined ? {} : { serviceType }),
    subject,
    ...(attending === undefined
      ? {}
      : {
          participant: [
            {
              type: [
                { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'ATND' }] },
              ],
              individual: attending,
            },
          ],
        }),
    ...(admit === undefined && discharge === undefined
      ? {}
      : {
          period: {
            ...(admit === undefined ? {} : { start: admit.dateTime }),
            ...(discharge === undefined ? {} : { end: discharge.dateTime }),
          },
        }),
    ...(place === undefined ? {} : { location: place }),
  };
  return { encounter, key };
}
