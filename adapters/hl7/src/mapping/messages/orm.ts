/**
 * ORM^O01 and OML^O21 → ServiceRequest (+ Patient, Encounter, Specimen) (V2-to-FHIR IG "Message
 * ORM_O01 to Bundle Map", "Message OML_O21 to Bundle Map": ORC + OBR → ServiceRequest, SPM →
 * Specimen referenced from ServiceRequest.specimen).
 * The ServiceRequest is replaced by each message for the order (conditional update by placer,
 * else filler order number), so NW, XO, SC, CA, DC... all land on the same resource.
 * An order needs its OBR (AE 100) and an order number (AE 101 at ORC-2). OBX under an order
 * (ask-at-order-entry answers) are not mapped.
 */
import { REQUIRED_FIELD_MISSING, SEGMENT_SEQUENCE_ERROR } from '../../message/error-codes';
import type { Reference, ServiceRequest, Specimen } from '@medplum/fhirtypes';
import type { BundleBuilder } from '../bundle/bundle-builder';
import type { MappingContext } from '../context';
import { locate } from '../context';
import { mapNotes } from '../segments/nte';
import { orderIdentifiers, orderKey } from '../segments/order-identifiers';
import { mapServiceRequest } from '../segments/service-request';
import { mapSpm } from '../segments/spm';
import type { OrderGroup, PatientGroup } from './groups';
import type { PatientRefs } from './patient-entry';
import { addPatient } from './patient-entry';

function mapOrder(ctx: MappingContext, order: OrderGroup, patient: PatientRefs, bundle: BundleBuilder): void {
  const anchor = order.orc ?? order.obr;
  if (order.obr === undefined || anchor === undefined) {
    ctx.error(SEGMENT_SEQUENCE_ERROR, order.orc ? locate(order.orc) : { segment: 'OBR' }, 'each ORC needs its OBR');
    return;
  }
  const ids = orderIdentifiers(ctx, order);
  const key = orderKey(ids);
  if (key === undefined) {
    ctx.error(
      REQUIRED_FIELD_MISSING,
      locate(anchor, 2),
      'a placer (ORC-2/OBR-2) or filler (ORC-3/OBR-3) order number is required',
    );
    return;
  }
  const specimens: Reference<Specimen>[] = [];
  const requestRef = bundle.reference<ServiceRequest>('ServiceRequest', key);
  for (const s of order.specimens) {
    const links = { subject: patient.subject, request: requestRef, notes: mapNotes(ctx, s.notes) };
    const mapped = mapSpm(ctx, s.spm, key, links);
    specimens.push(bundle.upsert(mapped.specimen, mapped.key));
  }
  const request = mapServiceRequest(
    ctx,
    order,
    ids,
    { subject: patient.subject, encounter: patient.encounter, specimen: specimens, notes: mapNotes(ctx, order.notes) },
    bundle,
  );
  bundle.upsert(request, key);
}

/**
 * Maps an ORM^O01 or OML^O21 message.
 * @param ctx - mapping context
 * @param groups - the patient groups
 * @param bundle - the Bundle
 */
export function mapOrm(ctx: MappingContext, groups: readonly PatientGroup[], bundle: BundleBuilder): void {
  const used = groups.filter((g) => g.pid !== undefined || g.orders.length > 0);
  if (used.every((g) => g.orders.length === 0)) {
    ctx.error(SEGMENT_SEQUENCE_ERROR, { segment: 'ORC' }, 'the order message has no ORC/OBR');
  }
  for (const group of used) {
    const patient = addPatient(ctx, group, bundle, 'create-if-missing');
    if (patient !== undefined) {
      group.orders.forEach((order) => mapOrder(ctx, order, patient, bundle));
    }
  }
}
