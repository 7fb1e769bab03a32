/**
 * Splits a message into the groups its abstract message syntax defines (HL7 v2.5.1 chapter 2,
 * section 2.5.2 "Segment groups"; chapter 4 ORM^O01 / OML^O21, chapter 7 ORU^R01, chapter 3 ADT):
 * PATIENT (PID, PV1, MRG) → ORDER (ORC, TQ1, OBR, IPC) → OBSERVATION (OBX + NTE) and SPECIMEN
 * (SPM + its OBX). An NTE belongs to the segment before it. Segments this mapper does not use
 * (EVN, SFT, PD1, NK1, AL1, Z-segments...) are skipped, never fatal. Each segment keeps its
 * occurrence number for ERR-2 locations.
 */
import { SEGMENT_SEQUENCE_ERROR } from '../../message/error-codes';
import type { MappingContext, SegmentAt } from '../context';
import { locate } from '../context';

/** One OBX and its notes. */
export interface ObservationGroup {
  readonly obx: SegmentAt;
  readonly notes: SegmentAt[];
  /** The SPM this OBX follows (specimen observations in ORU 2.5+ / OML), if any. */
  readonly specimen: SpecimenGroup | undefined;
}

/** One SPM and its notes. */
export interface SpecimenGroup {
  readonly spm: SegmentAt;
  readonly notes: SegmentAt[];
}

/** One order: ORC and/or OBR with what follows. */
export interface OrderGroup {
  orc: SegmentAt | undefined;
  obr: SegmentAt | undefined;
  tq1: SegmentAt | undefined;
  ipc: SegmentAt | undefined;
  readonly notes: SegmentAt[];
  readonly observations: ObservationGroup[];
  readonly specimens: SpecimenGroup[];
}

/** One patient and their orders. */
export interface PatientGroup {
  pid: SegmentAt | undefined;
  pv1: SegmentAt | undefined;
  mrg: SegmentAt | undefined;
  readonly orders: OrderGroup[];
}

function newOrder(): OrderGroup {
  return { orc: undefined, obr: undefined, tq1: undefined, ipc: undefined, notes: [], observations: [], specimens: [] };
}

function newPatient(): PatientGroup {
  return { pid: undefined, pv1: undefined, mrg: undefined, orders: [] };
}

/**
 * Groups the segments of a message.
 * @param ctx - mapping context (the message; segment sequence errors are recorded)
 * @returns the patient groups in message order (the first may have no PID)
 */
export function groupSegments(ctx: MappingContext): PatientGroup[] {
  const counts = new Map<string, number>();
  const patients: PatientGroup[] = [newPatient()];
  let patient = patients[0] as PatientGroup;
  let order: OrderGroup | undefined;
  let specimen: SpecimenGroup | undefined;
  let notes: SegmentAt[] | undefined;
  const startOrder = (): OrderGroup => {
    order = newOrder();
    specimen = undefined;
    patient.orders.push(order);
    return order;
  };
  for (const segment of ctx.message.segments) {
    const seq = (counts.get(segment.id) ?? 0) + 1;
    counts.set(segment.id, seq);
    const at: SegmentAt = { segment, seq };
    switch (segment.id) {
      case 'PID':
        if (patient.pid !== undefined || patient.orders.length > 0) {
          patient = newPatient();
          patients.push(patient);
        }
        patient.pid = at;
        order = undefined;
        notes = undefined;
        break;
      case 'PV1':
        patient.pv1 = at;
        notes = undefined;
        break;
      case 'MRG':
        patient.mrg = at;
        notes = undefined;
        break;
      case 'ORC': {
        const started = startOrder();
        started.orc = at;
        notes = started.notes;
        break;
      }
      case 'OBR': {
        const current =
          order !== undefined && order.obr === undefined && order.orc !== undefined ? order : startOrder();
        current.obr = at;
        specimen = undefined;
        notes = current.notes;
        break;
      }
      case 'TQ1':
        if (order !== undefined) {
          order.tq1 ??= at;
        }
        notes = undefined;
        break;
      case 'IPC':
        if (order !== undefined) {
          order.ipc ??= at;
        }
        notes = undefined;
        break;
      case 'OBX': {
        if (order?.obr === undefined) {
          ctx.error(SEGMENT_SEQUENCE_ERROR, locate(at), 'OBX must follow an OBR');
          notes = undefined;
          break;
        }
        const group: ObservationGroup = { obx: at, notes: [], specimen };
        order.observations.push(group);
        notes = group.notes;
        break;
      }
      case 'SPM': {
        if (order === undefined) {
          ctx.error(SEGMENT_SEQUENCE_ERROR, locate(at), 'SPM must follow an ORC or OBR');
          notes = undefined;
          break;
        }
        specimen = { spm: at, notes: [] };
        order.specimens.push(specimen);
        notes = specimen.notes;
        break;
      }
      case 'NTE':
        notes?.push(at);
        break;
      default:
        notes = undefined;
        break;
    }
  }
  return patients;
}
