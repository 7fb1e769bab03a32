/**
 * OBR (ORU^R01 order observation group) → DiagnosticReport (V2-to-FHIR IG "Segment OBR to
 * DiagnosticReport Map" https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-segment-obr-to-diagnosticreport.html):
 * OBR-2/3 → identifier (PLAC/FILL), OBR-4 → code, OBR-7 (+ OBR-8) → effective[x], OBR-22 → issued,
 * OBR-24 → category (table 0074), OBR-25 → status (table 0123; required: AE 101 when empty),
 * OBR-32 → resultsInterpreter. performer (decision, README): the performing organizations (OBX-23)
 * and responsible observers (OBX-16) of its OBX, in order, without repeats. ED OBX → presentedForm.
 * NTE after the OBR → note, carried in the R5 cross-version extension (R4 DiagnosticReport has no note).
 */
import type {
  Annotation,
  Attachment,
  CodeableConcept,
  DiagnosticReport,
  Encounter,
  Identifier,
  Observation,
  Patient,
  Reference,
  ServiceRequest,
  Specimen,
} from '@medplum/fhirtypes';
import { DATA_TYPE_ERROR, REQUIRED_FIELD_MISSING, TABLE_VALUE_NOT_FOUND } from '../../message/error-codes';
import type { BundleBuilder } from '../bundle/bundle-builder';
import type { MappingContext, SegmentAt } from '../context';
import { locate } from '../context';
import { readDtm } from '../datatypes/read-dtm';
import { mapNdl } from '../datatypes/xcn';
import { mapReportStatus } from '../tables/t0123-report-status';
import { reportCategory } from '../tables/t0074-service-section';
import { firstRepetition, value } from '../values';
import type { OrderIdentifiers } from './order-identifiers';
import { practitionerReference } from './participants';

/** The R5 DiagnosticReport.note element as an R4 extension (FHIR cross-version extensions). */
export const REPORT_NOTE_EXTENSION = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-DiagnosticReport.note';

/** What a DiagnosticReport points at. */
export interface ReportLinks {
  readonly code: CodeableConcept;
  readonly subject: Reference<Patient>;
  readonly encounter?: Reference<Encounter> | undefined;
  readonly basedOn?: Reference<ServiceRequest> | undefined;
  readonly specimens: readonly Reference<Specimen>[];
  readonly results: readonly Reference<Observation>[];
  readonly performers: NonNullable<DiagnosticReport['performer']>;
  readonly presentedForm: readonly Attachment[];
  readonly notes: readonly Annotation[];
}

function reportStatus(ctx: MappingContext, obr: SegmentAt): DiagnosticReport['status'] {
  const code = value(obr.segment, 25);
  if (code === undefined) {
    ctx.error(REQUIRED_FIELD_MISSING, locate(obr, 25), 'OBR-25 result status is required in ORU^R01');
    return 'unknown';
  }
  const status = mapReportStatus(code);
  if (status === undefined) {
    ctx.error(TABLE_VALUE_NOT_FOUND, locate(obr, 25), `OBR-25 '${code}' is not a result status of table 0123`);
  }
  return status ?? 'unknown';
}

function effective(
  ctx: MappingContext,
  obr: SegmentAt,
): Pick<DiagnosticReport, 'effectiveDateTime' | 'effectivePeriod'> {
  const start = readDtm(ctx, obr, 7);
  const end = readDtm(ctx, obr, 8);
  if (start !== undefined && end !== undefined) {
    return { effectivePeriod: { start: start.dateTime, end: end.dateTime } };
  }
  return start === undefined ? {} : { effectiveDateTime: start.dateTime };
}

function issued(ctx: MappingContext, obr: SegmentAt): string | undefined {
  const parsed = readDtm(ctx, obr, 22);
  if (parsed !== undefined && parsed.instant === undefined) {
    ctx.warn(
      DATA_TYPE_ERROR,
      locate(obr, 22),
      'OBR-22 has no time of day; DiagnosticReport.issued (an instant) left out',
    );
  }
  return parsed?.instant;
}

function distinct<T extends Reference>(refs: readonly T[]): T[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = r.reference ?? `display:${r.display ?? ''}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/**
 * Maps the OBR of a result group to a DiagnosticReport.
 * @param ctx - mapping context
 * @param obr - the OBR
 * @param ids - the order's identifiers
 * @param links - code (read once for the order), subject, encounter, basedOn, specimens, results...
 * @param bundle - the Bundle (results interpreter)
 * @returns the report and the identifier that finds it
 */
export function mapDiagnosticReport(
  ctx: MappingContext,
  obr: SegmentAt,
  ids: OrderIdentifiers,
  links: ReportLinks,
  bundle: BundleBuilder,
): { report: DiagnosticReport; key: Identifier } | undefined {
  const key = ids.filler ?? ids.placer;
  if (key === undefined) {
    return undefined;
  }
  const category = value(obr.segment, 24);
  const interpreter = practitionerReference(mapNdl(firstRepetition(obr.segment, 32), ctx.config), bundle);
  const when = issued(ctx, obr);
  const performers = distinct(links.performers);
  const report: DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    ...(links.notes.length > 0
      ? { extension: links.notes.map((n) => ({ url: REPORT_NOTE_EXTENSION, valueAnnotation: n })) }
      : {}),
    identifier: [ids.filler, ids.placer].filter((i) => i !== undefined),
    ...(links.basedOn === undefined ? {} : { basedOn: [links.basedOn] }),
    status: reportStatus(ctx, obr),
    ...(category === undefined ? {} : { category: [reportCategory(category)] }),
    code: links.code,
    subject: links.subject,
    ...(links.encounter === undefined ? {} : { encounter: links.encounter }),
    ...effective(ctx, obr),
    ...(when === undefined ? {} : { issued: when }),
    ...(performers.length > 0 ? { performer: performers } : {}),
    ...(interpreter === undefined ? {} : { resultsInterpreter: [interpreter] }),
    ...(links.specimens.length > 0 ? { specimen: [...links.specimens] } : {}),
    ...(links.results.length > 0 ? { result: [...links.results] } : {}),
    ...(links.presentedForm.length > 0 ? { presentedForm: [...links.presentedForm] } : {}),
  };
  return { report, key };
}
