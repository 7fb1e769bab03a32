/**
 * ORC + OBR (+ TQ1) → ServiceRequest (V2-to-FHIR IG "Segment ORC to ServiceRequest Map",
 * "Segment OBR to ServiceRequest Map", "Segment TQ1 to ServiceRequest Map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-segment-orc-to-servicerequest.html):
 * status from ORC-5 (table 0038) when valued, else ORC-1 (table 0119); intent `order` (ORC-1 row);
 * identifiers PLAC/FILL/ACSN; requisition from ORC-4; code OBR-4; priority TQ1-9, else OBR-27.6 /
 * ORC-7.6; requester ORC-12, else OBR-16 (XCN → Practitioner); reasonCode OBR-31; occurrence from
 * TQ1-7/8, else the TQ start/end in OBR-27.4/5 or ORC-7.4/5; authoredOn ORC-9 on NW (ORC-9 row);
 * notes from NTE after ORC/OBR.
 */
import type { Annotation, Encounter, Patient, Reference, ServiceRequest, Specimen } from '@medplum/fhirtypes';
import { REQUIRED_FIELD_MISSING, TABLE_VALUE_NOT_FOUND } from '../../message/error-codes';
import type { BundleBuilder } from '../bundle/bundle-builder';
import type { MappingContext, SegmentAt } from '../context';
import { locate } from '../context';
import type { ParsedDtm } from '../datatypes/dtm';
import { readCwe, readCwes } from '../datatypes/read-cwe';
import { readDtm } from '../datatypes/read-dtm';
import { mapXcn } from '../datatypes/xcn';
import type { OrderGroup } from '../messages/groups';
import { mapOrderStatus } from '../tables/t0038-order-status';
import { mapOrderControl } from '../tables/t0119-order-control';
import { mapPriority } from '../tables/t0485-priority';
import { firstRepetition, value } from '../values';
import type { OrderIdentifiers } from './order-identifiers';
import { practitionerReference } from './participants';

/** What a ServiceRequest points at. */
export interface ServiceRequestLinks {
  readonly subject: Reference<Patient>;
  readonly encounter?: Reference<Encounter> | undefined;
  readonly specimen?: readonly Reference<Specimen>[];
  readonly notes?: readonly Annotation[];
}

/**
 * ServiceRequest.status of an order: ORC-5, else ORC-1, else `active` (an ORU's OBR without ORC,
 * or a control code the map leaves open such as RE or SC without ORC-5).
 * @param ctx - mapping context (table errors)
 * @param orc - the ORC, if any
 * @returns the status
 */
export function orderStatus(ctx: MappingContext, orc: SegmentAt | undefined): ServiceRequest['status'] {
  if (orc === undefined) {
    return 'active';
  }
  const orderStatusCode = value(orc.segment, 5);
  if (orderStatusCode !== undefined) {
    const status = mapOrderStatus(orderStatusCode);
    if (status === undefined) {
      ctx.error(TABLE_VALUE_NOT_FOUND, locate(orc, 5), `ORC-5 '${orderStatusCode}' is not in table 0038`);
    }
    return status ?? 'unknown';
  }
  const control = value(orc.segment, 1);
  if (control === undefined) {
    ctx.error(REQUIRED_FIELD_MISSING, locate(orc, 1), 'ORC-1 order control is required');
    return 'unknown';
  }
  const mapped = mapOrderControl(control);
  if (!mapped.known) {
    ctx.error(TABLE_VALUE_NOT_FOUND, locate(orc, 1), `ORC-1 '${control}' is not in table 0119`);
  }
  return mapped.status ?? 'active';
}

function priority(ctx: MappingContext, order: OrderGroup): ServiceRequest['priority'] {
  const sources: [SegmentAt | undefined, number, number][] = [
    [order.tq1, 9, 1],
    [order.obr, 27, 6],
    [order.orc, 7, 6],
  ];
  for (const [at, field, component] of sources) {
    const code = at === undefined ? undefined : value(at.segment, field, component);
    if (at !== undefined && code !== undefined) {
      const mapped = mapPriority(code);
      if (mapped === undefined) {
        ctx.warn(TABLE_VALUE_NOT_FOUND, locate(at, field, component), `priority '${code}' is not mapped`);
      }
      return mapped;
    }
  }
  return undefined;
}

function occurrence(
  ctx: MappingContext,
  order: OrderGroup,
): Pick<ServiceRequest, 'occurrenceDateTime' | 'occurrencePeriod'> {
  const sources: [SegmentAt | undefined, number, number | undefined, number][] = [
    [order.tq1, 7, 8, 1],
    [order.obr, 27, 27, 4],
    [order.orc, 7, 7, 4],
  ];
  for (const [at, startField, endField, component] of sources) {
    if (at === undefined) {
      continue;
    }
    const start: ParsedDtm | undefined = readDtm(ctx, at, startField, component);
    const end = endField === undefined ? undefined : readDtm(ctx, at, endField, endField === startField ? 5 : 1);
    if (start !== undefined && end !== undefined) {
      return { occurrencePeriod: { start: start.dateTime, end: end.dateTime } };
    }
    if (start !== undefined) {
      return { occurrenceDateTime: start.dateTime };
    }
  }
  return {};
}

/**
 * Maps an order group to a ServiceRequest.
 * @param ctx - mapping context
 * @param order - the order group (its OBR present)
 * @param ids - the order's identifiers
 * @param links - subject, encounter, specimens, notes
 * @param bundle - the Bundle (for the requester)
 * @returns the ServiceRequest
 */
export function mapServiceRequest(
  ctx: MappingContext,
  order: OrderGroup,
  ids: OrderIdentifiers,
  links: ServiceRequestLinks,
  bundle: BundleBuilder,
): ServiceRequest {
  const obr = order.obr as SegmentAt;
  const code = readCwe(ctx, obr, 4, { required: true, systemRequired: true });
  const requesterXcn = (order.orc && firstRepetition(order.orc.segment, 12)) ?? firstRepetition(obr.segment, 16);
  const requester = practitionerReference(mapXcn(requesterXcn, ctx.config), bundle);
  const reasons = readCwes(ctx, obr, 31);
  const control = order.orc === undefined ? undefined : value(order.orc.segment, 1)?.toUpperCase();
  const authored = control === 'NW' && order.orc !== undefined ? readDtm(ctx, order.orc, 9) : undefined;
  const identifier = [ids.placer, ids.filler, ids.accession].filter((i) => i !== undefined);
  const prio = priority(ctx, order);
  return {
    resourceType: 'ServiceRequest',
    identifier,
    ...(ids.group === undefined ? {} : { requisition: ids.group }),
    status: orderStatus(ctx, order.orc),
    intent: 'order',
    ...(prio === undefined ? {} : { priority: prio }),
    ...(code === undefined ? {} : { code }),
    subject: links.subject,
    ...(links.encounter === undefined ? {} : { encounter: links.encounter }),
    ...occurrence(ctx, order),
    ...(authored === undefined ? {} : { authoredOn: authored.dateTime }),
    ...(requester === undefined ? {} : { requester }),
    ...(reasons.length > 0 ? { reasonCode: reasons } : {}),
    ...(links.specimen !== undefined && links.specimen.length > 0 ? { specimen: [...links.specimen] } : {}),
    ...(links.notes !== undefined && links.notes.length > 0 ? { note: [...links.notes] } : {}),
  };
}
