/**
 * OBX → Observation (V2-to-FHIR IG "Segment OBX to Observation Map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-segment-obx-to-observation.html):
 * OBX-3 → code (a coding system is required), OBX-2/5/6 → value[x] (obx-value.ts), OBX-7 →
 * referenceRange, OBX-8 → interpretation (table 0078), OBX-11 → status (table 0085), OBX-14 →
 * effectiveDateTime (else OBR-7, the group's observation time), OBX-16 → performer
 * (Practitioner), OBX-17 → method, OBX-20 → bodySite, OBX-21 → identifier, OBX-23 → performer
 * (Organization); NTE after the OBX → note ("Segment NTE to Annotation Map").
 * Without OBX-21 the identifier is `<filler number>/<OBX-1>/<OBX-3.1>[/<OBX-4>]` in the filler
 * number's system, so a corrected result (OBX-11 C) updates the same Observation.
 */
import type {
  Attachment,
  CodeableConcept,
  Encounter,
  Identifier,
  Observation,
  Organization,
  Patient,
  Practitioner,
  Reference,
  ServiceRequest,
  Specimen,
} from '@medplum/fhirtypes';
import { REQUIRED_FIELD_MISSING, TABLE_VALUE_NOT_FOUND } from '../../message/error-codes';
import type { BundleBuilder } from '../bundle/bundle-builder';
import type { MappingContext, SegmentAt } from '../context';
import { locate } from '../context';
import { mapEi } from '../datatypes/ei';
import { readCwe } from '../datatypes/read-cwe';
import { readDtm } from '../datatypes/read-dtm';
import { mapXcn } from '../datatypes/xcn';
import type { ObservationGroup } from '../messages/groups';
import { mapInterpretation, V2_0078 } from '../tables/t0078-interpretation';
import { mapObservationStatus } from '../tables/t0085-observation-status';
import { compact, firstRepetition, repetitions, text, value } from '../values';
import { mapNotes } from './nte';
import { mapObxValue } from './obx-value';
import { readUnits } from './obx-units';
import { organizationReference, practitionerReference } from './participants';
import { mapReferenceRange } from './reference-range';

/** dataAbsentReason for OBX-11 N ("Segment OBX to Observation Map" row OBX-11 N). */
function notAskedReason(): CodeableConcept {
  return { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-asked' }] };
}

/** What an Observation points at, from its order group. */
export interface ObservationLinks {
  readonly subject: Reference<Patient>;
  readonly encounter?: Reference<Encounter> | undefined;
  readonly basedOn?: Reference<ServiceRequest> | undefined;
  readonly specimen?: Reference<Specimen> | undefined;
  readonly category?: CodeableConcept | undefined;
  /** OBR-7, used when OBX-14 is empty. */
  readonly effective?: string | undefined;
}

/** What one OBX became. */
export type MappedObx =
  | {
      readonly kind: 'observation';
      readonly observation: Observation;
      readonly key: Identifier;
      /** OBX-16 observers and the OBX-23 organization, for the report's performer. */
      readonly performers: readonly Reference<Practitioner | Organization>[];
    }
  | { readonly kind: 'attachment'; readonly attachment: Attachment };

function status(ctx: MappingContext, obx: SegmentAt): Observation['status'] {
  const code = value(obx.segment, 11);
  if (code === undefined) {
    ctx.error(REQUIRED_FIELD_MISSING, locate(obx, 11), 'OBX-11 observation result status is required');
    return 'unknown';
  }
  const mapped = mapObservationStatus(code);
  if (mapped === undefined) {
    ctx.error(TABLE_VALUE_NOT_FOUND, locate(obx, 11), `OBX-11 '${code}' is not in table 0085`);
  }
  return mapped ?? 'unknown';
}

function interpretation(ctx: MappingContext, obx: SegmentAt): CodeableConcept[] {
  return repetitions(obx.segment, 8).flatMap((rep, i) => {
    const code = text(rep.component(1));
    if (code === undefined) {
      return [];
    }
    const mapped = mapInterpretation(code);
    if (mapped === undefined) {
      ctx.warn(TABLE_VALUE_NOT_FOUND, { ...locate(obx, 8), repetition: i + 1 }, `OBX-8 '${code}' is not in table 0078`);
    }
    const display = text(rep.component(2));
    return [
      {
        coding: [{ ...(mapped ?? { system: V2_0078, code }), ...(display === undefined ? {} : { display }) }],
      },
    ];
  });
}

function performers(
  ctx: MappingContext,
  obx: SegmentAt,
  bundle: BundleBuilder,
): Reference<Practitioner | Organization>[] {
  const people = repetitions(obx.segment, 16).map((r) => practitionerReference(mapXcn(r, ctx.config), bundle));
  const lab = organizationReference(firstRepetition(obx.segment, 23), ctx, bundle);
  return [...people, lab].filter((r) => r !== undefined);
}

/**
 * The identifier of an Observation: OBX-21, else derived from the order key.
 * @param ctx - mapping context
 * @param obx - the OBX
 * @param orderKey - the filler (else placer) order number
 * @returns the identifier
 */
export function observationKey(ctx: MappingContext, obx: SegmentAt, orderKey: Identifier): Identifier {
  const instance = mapEi(firstRepetition(obx.segment, 21), ctx.config, 'observation', 'FILL');
  if (instance !== undefined) {
    return instance;
  }
  const parts = [value(obx.segment, 1) ?? `#${obx.seq}`, value(obx.segment, 3) ?? '', value(obx.segment, 4)];
  return { system: orderKey.system, value: [orderKey.value, ...parts].filter((p) => p !== undefined).join('/') };
}

/**
 * Maps one OBX (and its notes).
 * @param ctx - mapping context
 * @param group - the OBX and its NTEs
 * @param orderKey - the order's filler (else placer) number
 * @param links - subject, encounter, basedOn, specimen, category, OBR-7
 * @param bundle - the Bundle (performers)
 * @returns the Observation with its key, or the ED attachment, or undefined when OBX-3 is missing
 */
export function mapObx(
  ctx: MappingContext,
  group: ObservationGroup,
  orderKey: Identifier,
  links: ObservationLinks,
  bundle: BundleBuilder,
): MappedObx | undefined {
  const obx = group.obx;
  const code = readCwe(ctx, obx, 3, { required: true, systemRequired: true });
  const content = mapObxValue(ctx, obx);
  const st = status(ctx, obx);
  if (content.kind === 'attachment') {
    return { kind: 'attachment', attachment: content.attachment };
  }
  if (code === undefined) {
    return undefined;
  }
  const key = observationKey(ctx, obx, orderKey);
  const range = value(obx.segment, 7);
  const effective = readDtm(ctx, obx, 14)?.dateTime ?? links.effective;
  const performer = performers(ctx, obx, bundle);
  const notAsked = value(obx.segment, 11)?.toUpperCase() === 'N' && content.kind === 'none';
  const observation: Observation = compact({
    resourceType: 'Observation' as const,
    identifier: [key],
    basedOn: links.basedOn && [links.basedOn],
    status: st,
    category: links.category && [links.category],
    code,
    subject: links.subject,
    encounter: links.encounter,
    effectiveDateTime: effective,
    performer,
    ...(content.kind === 'value' ? content.value : {}),
    dataAbsentReason: notAsked ? notAskedReason() : undefined,
    interpretation: interpretation(ctx, obx),
    note: mapNotes(ctx, group.notes),
    bodySite: readCwe(ctx, obx, 20),
    method: readCwe(ctx, obx, 17),
    specimen: links.specimen,
    referenceRange: range === undefined ? undefined : [mapReferenceRange(range, readUnitsQuiet(ctx, obx))],
  });
  return { kind: 'observation', observation, key, performers: performer };
}

/** OBX-6 for the reference range, without a second warning for the same unit. */
function readUnitsQuiet(ctx: MappingContext, obx: SegmentAt): ReturnType<typeof readUnits> {
  const before = ctx.warnings.length;
  const unit = readUnits(ctx, obx);
  ctx.warnings.length = before;
  return unit;
}
