/**
 * HL7 table 0123 (OBR-25 result status) → DiagnosticReport.status
 * (V2-to-FHIR IG "Table HL70123 [Queries] to Diagnostic Report Status Map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-table-hl70123-queries-to-diagnostic-report-status.html:
 * O/I/S registered, P preliminary, C corrected, R partial, F final, X cancelled).
 * Decision (README "OBR-25 A"): A "some, but not all, results available" → partial, the FHIR
 * status defined as "some results are available, others are not final".
 * Y and Z (no order / no patient on record, query answers) stay unmapped → AE 103.
 */
import type { DiagnosticReport } from '@medplum/fhirtypes';

const STATUS: Readonly<Record<string, DiagnosticReport['status']>> = {
  O: 'registered',
  I: 'registered',
  S: 'registered',
  A: 'partial',
  P: 'preliminary',
  C: 'corrected',
  R: 'partial',
  F: 'final',
  X: 'cancelled',
};

/**
 * Maps an OBR-25 code.
 * @param code - the table 0123 code
 * @returns the DiagnosticReport status, or undefined when unmapped
 */
export function mapReportStatus(code: string): DiagnosticReport['status'] | undefined {
  return STATUS[code.toUpperCase()];
}
