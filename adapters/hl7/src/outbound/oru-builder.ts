/**
 * Builds an ORU^R01 (HL7 v2.5.1 chapter 7, 7.3.1 "ORU - unsolicited transmission of an
 * observation message") from a DiagnosticReport, its result Observations and the Patient:
 * MSH, PID, ORC, OBR, NTE (conclusion), then per Observation an OBX and its NTEs (notes), then
 * one ED OBX per presentedForm. It is the V2-to-FHIR IG mapping read backwards
 * (https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-message-oru-r01-to-bundle.html), so the
 * message maps back to the same FHIR. Built only with serializeMessage, which escapes every value.
 */
import type {
  Attachment,
  DiagnosticReport,
  Identifier,
  Observation,
  Patient,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { formatHl7Timestamp } from '../message/ack';
import { DEFAULT_DELIMITERS } from '../message/delimiters';
import { serializeMessage } from '../message/serialize';
import type { FieldInput, SegmentInput } from '../message/serialize';
import { toCwe, toCx, toDtm, toEi, toXpn } from './fhir-to-v2';
import { toObxValue } from './obx-value';
import { attachmentValue, interpretations, referenceRange } from './obx-fields';

/** Header and identity of the message. */
export interface OruOptions {
  /** MSH-3 (HD namespace id), e.g. `TESSERA`. */
  readonly sendingApplication: string;
  /** MSH-4. */
  readonly sendingFacility?: string;
  /** MSH-5. */
  readonly receivingApplication?: string;
  /** MSH-6. */
  readonly receivingFacility?: string;
  /** MSH-10, at most 20 characters in v2.5.1. */
  readonly controlId: string;
  /** MSH-7. */
  readonly now: Date;
  /** MSH-11 (default `P`). */
  readonly processingId?: string;
  /** The order the report answers (placer/filler numbers), when known. */
  readonly serviceRequest?: ServiceRequest;
}

/** DiagnosticReport.status -> OBR-25 result status (table 0123). */
const REPORT_STATUS: Readonly<Record<string, string>> = {
  registered: 'I',
  partial: 'A',
  preliminary: 'P',
  final: 'F',
  amended: 'C',
  corrected: 'C',
  appended: 'C',
  cancelled: 'X',
  'entered-in-error': 'X',
};

/** Observation.status -> OBX-11 observation result status (table 0085). */
const RESULT_STATUS: Readonly<Record<string, string>> = {
  registered: 'I',
  preliminary: 'P',
  final: 'F',
  amended: 'C',
  corrected: 'C',
  cancelled: 'X',
  'entered-in-error': 'W',
};

/** DiagnosticReport.status -> OBX-11 of the report's own ED OBX (table 0085). */
const FORM_STATUS: Readonly<Record<string, string>> = { ...RESULT_STATUS, partial: 'P', appended: 'C' };

/** Patient.gender -> PID-8 (table 0001). */
const GENDER: Readonly<Record<string, string>> = { male: 'M', female: 'F', other: 'O', unknown: 'U' };

/** The identifier of a type (table 0203 PLAC / FILL) among candidates, in order of preference. */
function orderNumber(candidates: readonly (Identifier | undefined)[], type: string): Identifier | undefined {
  return candidates.find((i) => i?.type?.coding?.some((c) => c.code === type) === true);
}

/** ORC-2/OBR-2 placer and ORC-3/OBR-3 filler numbers from the order, the basedOn references and the report. */
function orderNumbers(
  report: DiagnosticReport,
  order: ServiceRequest | undefined,
): { placer?: FieldInput; filler?: FieldInput } {
  const candidates = [
    ...(order?.identifier ?? []),
    ...(report.basedOn ?? []).map((r) => r.identifier),
    ...(report.identifier ?? []),
  ];
  return { placer: toEi(orderNumber(candidates, 'PLAC')), filler: toEi(orderNumber(candidates, 'FILL')) };
}

/** effective[x] as a DTM (a period gives its start). */
function effective(r: {
  effectiveDateTime?: string;
  effectiveInstant?: string;
  effectivePeriod?: { start?: string };
}): string | undefined {
  return toDtm(r.effectiveDateTime ?? r.effectiveInstant ?? r.effectivePeriod?.start);
}

function pid(patient: Patient | undefined, report: DiagnosticReport): SegmentInput {
  const identifiers = patient?.identifier ?? (report.subject?.identifier ? [report.subject.identifier] : []);
  const cx = identifiers.map(toCx).filter((c) => c !== undefined);
  return {
    id: 'PID',
    fields: {
      1: '1',
      3: { repetitions: cx },
      5: { repetitions: (patient?.name ?? []).map(toXpn) },
      7: toDtm(patient?.birthDate),
      8: patient?.gender === undefined ? undefined : GENDER[patient.gender],
    },
  };
}

function nte(setId: number, text: string): SegmentInput {
  return { id: 'NTE', fields: { 1: String(setId), 2: 'L', 3: text } };
}

function obx(setId: number, o: Observation): SegmentInput {
  const value = toObxValue(o);
  return {
    id: 'OBX',
    fields: {
      1: String(setId),
      2: value.valueType,
      3: toCwe(o.code),
      5: value.value,
      6: value.units,
      7: referenceRange(o),
      8: interpretations(o),
      11: RESULT_STATUS[o.status],
      14: effective(o),
    },
  };
}

function formObx(setId: number, report: DiagnosticReport, form: Attachment): SegmentInput | undefined {
  const value = attachmentValue(form);
  if (value === undefined) {
    return undefined;
  }
  return {
    id: 'OBX',
    fields: {
      1: String(setId),
      2: value.valueType,
      3: toCwe(report.code),
      5: value.value,
      11: FORM_STATUS[report.status],
      14: effective(report),
    },
  };
}

/**
 * Builds the ORU^R01 bytes (UTF-8, declared in MSH-18).
 * @param report - the DiagnosticReport.
 * @param observations - its `result` Observations, in report order.
 * @param patient - the subject, when it is a Patient that could be read.
 * @param options - header fields, control id, time and the order.
 * @returns the message (unframed).
 */
export function buildOruR01(
  report: DiagnosticReport,
  observations: readonly Observation[],
  patient: Patient | undefined,
  options: OruOptions,
): Buffer {
  const { placer, filler } = orderNumbers(report, options.serviceRequest);
  const segments: SegmentInput[] = [
    {
      id: 'MSH',
      fields: {
        3: options.sendingApplication,
        4: options.sendingFacility,
        5: options.receivingApplication,
        6: options.receivingFacility,
        7: formatHl7Timestamp(options.now),
        9: ['ORU', 'R01', 'ORU_R01'],
        10: options.controlId,
        11: options.processingId ?? 'P',
        12: '2.5.1',
        18: 'UNICODE UTF-8',
      },
    },
    pid(patient, report),
    { id: 'ORC', fields: { 1: 'RE', 2: placer, 3: filler } },
    {
      id: 'OBR',
      fields: {
        1: '1',
        2: placer,
        3: filler,
        4: toCwe(report.code),
        7: effective(report),
        22: toDtm(report.issued),
        25: REPORT_STATUS[report.status],
      },
    },
  ];
  if (report.conclusion !== undefined) {
    segments.push(nte(1, report.conclusion));
  }
  let setId = 0;
  for (const o of observations) {
    segments.push(obx(++setId, o));
    (o.note ?? []).forEach((note, i) => segments.push(nte(i + 1, note.text)));
  }
  for (const form of report.presentedForm ?? []) {
    const segment = formObx(setId + 1, report, form);
    if (segment !== undefined) {
      setId++;
      segments.push(segment);
    }
  }
  return Buffer.from(serializeMessage(segments, DEFAULT_DELIMITERS), 'utf8');
}
