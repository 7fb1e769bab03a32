/**
 * ORU^R01 → DiagnosticReport + Observation + Specimen (+ ServiceRequest, Patient, Encounter)
 * (V2-to-FHIR IG "Message ORU_R01 to Bundle Map": OBR → DiagnosticReport and ServiceRequest,
 * OBX → Observation, SPM → Specimen, NTE → notes).
 * Per order group: the ServiceRequest is created only when missing (found by placer, else filler
 * number) and is the report's `basedOn`; Specimens, Observations and the DiagnosticReport are
 * replaced by identifier (conditional update), so a correction (OBX-11 C, OBR-25 C) makes a new
 * version of the same resources. Entries go Specimen → Observation → DiagnosticReport, because
 * each references the earlier ones by conditional reference. OBR-4 is required (AE 101), OBR-25
 * too, and a filler or placer number (AE 101 at OBR-3).
 */
import type { Attachment, Observation, Organization, Practitioner, Reference, Specimen } from '@medplum/fhirtypes';
import { REQUIRED_FIELD_MISSING, SEGMENT_SEQUENCE_ERROR } from '../../message/error-codes';
import type { BundleBuilder } from '../bundle/bundle-builder';
import type { MappingContext, SegmentAt } from '../context';
import { locate } from '../context';
import { readDtm } from '../datatypes/read-dtm';
import { mapDiagnosticReport } from '../segments/diagnostic-report';
import { mapNotes } from '../segments/nte';
import { mapObx } from '../segments/obx';
import { orderIdentifiers, orderKey } from '../segments/order-identifiers';
import { mapServiceRequest } from '../segments/service-request';
import { mapSpm } from '../segments/spm';
import { observationCategory } from '../tables/t0074-service-section';
import { value } from '../values';
import type { OrderGroup, PatientGroup, SpecimenGroup } from './groups';
import type { PatientRefs } from './patient-entry';
import { addPatient } from './patient-entry';

function mapResultGroup(ctx: MappingContext, order: OrderGroup, patient: PatientRefs, bundle: BundleBuilder): void {
  if (order.obr === undefined) {
    ctx.error(SEGMENT_SEQUENCE_ERROR, order.orc ? locate(order.orc) : { segment: 'OBR' }, 'each ORC needs its OBR');
    return;
  }
  const obr: SegmentAt = order.obr;
  const ids = orderIdentifiers(ctx, order);
  const requestKey = orderKey(ids);
  const resultKey = ids.filler ?? ids.placer;
  if (requestKey === undefined || resultKey === undefined) {
    ctx.error(
      REQUIRED_FIELD_MISSING,
      locate(obr, 3),
      'OBR-3 filler order number (or OBR-2 placer order number) is required',
    );
    return;
  }
  const request = mapServiceRequest(ctx, order, ids, { subject: patient.subject }, bundle);
  const basedOn = bundle.createIfMissing(request, requestKey);
  const specimenRefs = new Map<SpecimenGroup, Reference<Specimen>>();
  for (const s of order.specimens) {
    const mapped = mapSpm(ctx, s.spm, resultKey, {
      subject: patient.subject,
      request: basedOn,
      notes: mapNotes(ctx, s.notes),
    });
    specimenRefs.set(s, bundle.upsert(mapped.specimen, mapped.key));
  }
  const firstSpecimen = order.specimens[0] === undefined ? undefined : specimenRefs.get(order.specimens[0]);
  const category = observationCategory(value(obr.segment, 24));
  const effective = readDtm(ctx, obr, 7)?.dateTime;
  const results: Reference<Observation>[] = [];
  const performers: Reference<Practitioner | Organization>[] = [];
  const presentedForm: Attachment[] = [];
  for (const group of order.observations) {
    const specimen = group.specimen === undefined ? firstSpecimen : specimenRefs.get(group.specimen);
    const links = { subject: patient.subject, encounter: patient.encounter, basedOn, specimen, category, effective };
    const mapped = mapObx(ctx, group, resultKey, links, bundle);
    if (mapped?.kind === 'attachment') {
      presentedForm.push(mapped.attachment);
    } else if (mapped?.kind === 'observation') {
      performers.push(...mapped.performers);
      results.push(bundle.upsert(mapped.observation, mapped.key));
    }
  }
  if (request.code === undefined) {
    return;
  }
  const report = mapDiagnosticReport(
    ctx,
    obr,
    ids,
    {
      code: request.code,
      subject: patient.subject,
      encounter: patient.encounter,
      basedOn,
      specimens: [...specimenRefs.values()],
      results,
      performers,
      presentedForm,
      notes: mapNotes(ctx, order.notes),
    },
    bundle,
  );
  if (report !== undefined) {
    bundle.upsert(report.report, report.key);
  }
}

/**
 * Maps an ORU^R01 message.
 * @param ctx - mapping context
 * @param groups - the patient groups
 * @param bundle - the Bundle
 */
export function mapOru(ctx: MappingContext, groups: readonly PatientGroup[], bundle: BundleBuilder): void {
  const used = groups.filter((g) => g.pid !== undefined || g.orders.length > 0);
  if (used.every((g) => g.orders.length === 0)) {
    ctx.error(SEGMENT_SEQUENCE_ERROR, { segment: 'OBR' }, 'ORU^R01 has no OBR');
  }
  for (const group of used) {
    const patient = addPatient(ctx, group, bundle, 'create-if-missing');
    if (patient !== undefined) {
      group.orders.forEach((order) => mapResultGroup(ctx, order, patient, bundle));
    }
  }
}
